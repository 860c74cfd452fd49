import * as z from 'zod';
import { timeoutDuration } from '../util/duration-schema.js';
import { renderTemplate } from '../util/template.js';
import { alertJson, type Alert } from '../rules/model.js';
import { DEFAULT_SHOWN, type Presentation } from '../util/locale.js';
import { localTime } from '../util/local-time.js';
import { plainText } from './format/plain.js';


import { defineNotifier, type DeliveryResult } from './types.js';
import { ProcessGroups, runCommand } from './exec-run.js';

export const execOptions = z.strictObject({
  command: z
    .array(z.string().min(1))
    .min(1)
    .refine((argv) => !argv[0]?.includes('{{'), { message: 'the program (first element) cannot contain {{placeholders}}', path: [0] })
    .describe(
      'Program and arguments (argv), run without a shell, e.g. ["/usr/bin/cagent_tools", "alarm", "{{summary}}"]. {{path}} placeholders (from the alert, then its event) are filled inside their own argument; the program itself cannot have one.',
    ),
  timeout: timeoutDuration
    .default(10_000)
    .describe(`How long the program may run; then its process group is killed and the delivery failed (not retried until the next run). Default 10s. ${timeoutDuration.description}`),
});

export type ExecOptions = z.output<typeof execOptions>;

// spawn rejects NUL in arguments and environment values; event text may carry one.
const noNul = (s: string) => s.replace(/\u0000/g, '');

/** What `{{text}}` and `{{localTime}}` fill in, besides the alert's and the event's own fields. */
function extras(alert: Alert, shown: Presentation) {
  return { text: plainText(alert, shown), localTime: localTime(alert.time, shown.timeZone) };
}

export function execArgv(command: string[], alert: Alert, shown: Presentation = DEFAULT_SHOWN): string[] {
  const scopes = [extras(alert, shown), alert, alert.event];
  return [command[0], ...command.slice(1).map((arg) => noNul(renderTemplate(arg, scopes)))];
}

export function execEnv(base: NodeJS.ProcessEnv, alert: Alert, shown: Presentation = DEFAULT_SHOWN): NodeJS.ProcessEnv {
  const { text, localTime: time } = extras(alert, shown);
  return {
    ...base,
    AUDIT_TEXT: noNul(text),
    AUDIT_TIME: time,
    AUDIT_ACCOUNT: noNul(alert.event.account ?? ''),
    AUDIT_RULE_ID: noNul(alert.rule.id),
    AUDIT_SEVERITY: alert.rule.severity,
    AUDIT_SUMMARY: noNul(alert.summary),
    AUDIT_EVENT_ID: noNul(alert.event.id),
  };
}

export const execNotifier = defineNotifier({
  type: 'exec',
  options: execOptions,
  // An SMS per alert: a burst of 17 texts helps nobody; past 5 the rest go into one digest.
  defaultMaxPerRun: () => 5,
  // One SMS per event, naming every rule it matched.
  bundles: () => true,
  create(name, options, ctx) {
    const log = ctx.logger.child({ notifier: name, program: options.command[0] });
    // Closing kills whatever a program left running in its group, and any program still running.
    const groups = new ProcessGroups();
    const closing = new AbortController();
    return {
      name,
      type: 'exec',
      // Never retried: a command that timed out may still have sent its SMS.
      async send(alerts, signal) {
        const stop = signal ? AbortSignal.any([signal, closing.signal]) : closing.signal;
        const results: DeliveryResult[] = [];
        for (const alert of alerts) {
          if (closing.signal.aborted) {
            results.push({ alertId: alert.id, ok: false, error: 'notifier closed' });
            continue;
          }
          const run = await runCommand(execArgv(options.command, alert, ctx.shown), `${alertJson(alert)}\n`, execEnv(ctx.env, alert, ctx.shown), options.timeout, stop, groups);
          log.debug({ alertId: alert.id, error: run.error }, run.error ? 'command failed' : 'command succeeded');
          log.trace({ alertId: alert.id, stdout: run.stdout, stderr: run.stderr }, 'command output (end)');
          results.push(run.error ? { alertId: alert.id, ok: false, error: run.error } : { alertId: alert.id, ok: true });
        }
        return results;
      },
      async close() {
        closing.abort('notifier closed');
        groups.killAll();
      },
    };
  },
});
