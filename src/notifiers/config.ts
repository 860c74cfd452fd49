import * as z from 'zod';
import { SEVERITIES } from '../rules/model.js';
import { notifierPlugins } from './registry.js';
import { localeSchema, timeZoneSchema } from '../util/locale-schema.js';

/** Keys every notifier has, whatever its type. */
const common = {
  name: z
    .string()
    .regex(/^[a-z0-9_-]+$/, 'invalid name: use lowercase letters, digits, _ and - only')
    .describe("Unique name, [a-z0-9_-]+; a rule's notify: list picks notifiers by it."),
  minSeverity: z
    .enum(SEVERITIES)
    .optional()
    .describe('Alerts below this severity (info < low < medium < high < critical) are not sent here. Default: all are sent.'),
  maxPerRun: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      'At most this many messages per run; past it the most severe go alone and the rest in one digest message. Default: 10 for chat robots (dingtalk, wecom, feishu, slack), 5 for exec, else unlimited.',
    ),
  locale: localeSchema.optional().describe("This notifier's language, zh-CN or en, when it differs from the top-level locale."),
  timezone: timeZoneSchema.optional().describe("This notifier's IANA time zone (e.g. Asia/Shanghai), when it differs from the top-level timezone."),
};

const types = Object.keys(notifierPlugins).join(', ');

/** One entry of `notifiers:`: the common keys plus the type's own (strict: unknown keys are errors). */
export const notifierConfigSchema = z.discriminatedUnion(
  'type',
  [
    notifierPlugins.stdout.options
      .safeExtend({ ...common, type: z.literal('stdout').describe('stdout: print alerts on standard output.') })
      .describe('Prints alerts on standard output, as text lines or JSON.'),
    notifierPlugins.webhook.options
      .safeExtend({ ...common, type: z.literal('webhook').describe('webhook: POST alerts to a chat robot or an HTTP endpoint.') })
      .describe('POSTs each alert to a DingTalk, WeCom, Feishu or Slack robot, or as JSON to any HTTP endpoint.'),
    notifierPlugins.exec.options
      .safeExtend({ ...common, type: z.literal('exec').describe('exec: run a program per alert (e.g. an SMS tool).') })
      .describe('Runs a program per alert, without a shell (e.g. cagent_tools alarm for SMS); the alert JSON is on its stdin.'),
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
  .prefault([...DEFAULT_NOTIFIERS])
  .describe('Where alerts are delivered: a list of notifiers, each with a unique name. Default: one text stdout notifier named console.');
