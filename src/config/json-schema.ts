import * as z from 'zod';
import { configSchema } from './schema.js';

/** The JSON Schema of what a user writes (zod's input side: durations as text, defaults optional). */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'cloudaudit-watch config (audit.yaml)' };
}
