import * as z from 'zod';
import { SEVERITIES } from '../rules/model.js';
import { notifierPlugins } from './registry.js';
import { localeSchema, timeZoneSchema } from '../util/locale.js';

/** Keys every notifier has, whatever its type. */
const common = {
  name: z.string().regex(/^[a-z0-9_-]+$/, 'invalid name: use lowercase letters, digits, _ and - only'),
  /** Alerts below this severity are not sent to this notifier. */
  minSeverity: z.enum(SEVERITIES).optional(),
  /** At most this many messages per run; the rest go into one digest message (chat robots: 10). */
  maxPerRun: z.number().int().min(1).optional(),
  /** This notifier's language and zone, when they differ from the config's top level. */
  locale: localeSchema.optional(),
  timezone: timeZoneSchema.optional(),
};

const types = Object.keys(notifierPlugins).join(', ');

/** One entry of `notifiers:`: the common keys plus the type's own (strict: unknown keys are errors). */
export const notifierConfigSchema = z.discriminatedUnion(
  'type',
  [
    notifierPlugins.stdout.options.safeExtend({ ...common, type: z.literal('stdout') }),
    notifierPlugins.webhook.options.safeExtend({ ...common, type: z.literal('webhook') }),
    notifierPlugins.exec.options.safeExtend({ ...common, type: z.literal('exec') }),
  ],
  {
    error: (issue) => {
      if (issue.code !== 'invalid_union') return undefined;
      const given = (issue.input as { type?: unknown } | undefined)?.type;
      return given === undefined ? `missing type (one of: ${types})` : `unknown notifier type ${JSON.stringify(given)} (one of: ${types})`;
    },
  },
);

export type NotifierConfig = z.output<typeof notifierConfigSchema>;

export const DEFAULT_NOTIFIERS = [{ name: 'console', type: 'stdout', format: 'text' }] as const;

/** The whole `notifiers:` list; absent means one text stdout notifier named `console`. */
export const notifiersConfigSchema = z
  .array(notifierConfigSchema)
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((entry, i) => {
      const first = seen.get(entry.name);
      if (first === undefined) seen.set(entry.name, i);
      else ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate name "${entry.name}" (also notifiers[${first}])` });
    });
  })
  .prefault([...DEFAULT_NOTIFIERS]);
