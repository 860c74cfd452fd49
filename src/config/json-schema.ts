import * as z from 'zod';
import { configSchema } from './schema.js';
import { rulesConfigItemSchema, rulesConfigItemShapes } from '../rules/config.js';

const options = { io: 'input', unrepresentable: 'any' } as const;

/** The JSON Schema of what a user writes (zod's input side: durations as text, defaults optional). */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, {
    ...options,
    override: ({ zodSchema, jsonSchema }) => {
      // A `rules:` entry is sorted out by a transform (for its error messages), which zod shows
      // as "anything": show the shapes it accepts instead, so editors can complete and explain them.
      if (zodSchema === rulesConfigItemSchema) {
        const { $schema: _, ...shapes } = z.toJSONSchema(rulesConfigItemShapes, options);
        Object.assign(jsonSchema, shapes);
      }
    },
  }) as Record<string, unknown>;
  return { ...schema, title: 'cloudaudit-watch config (audit.yaml)' };
}
