import * as z from 'zod';
import { timeoutDuration } from '../util/duration-schema.js';
import { renderTemplate } from '../util/template.js';
import type { Alert } from '../rules/model.js';
import { defineNotifier, type DeliveryResult } from './types.js';
import { ProcessGroups, runCommand } from './exec-run.js';

export const execOptions = z.strictObject({
  /** argv, run without a shell; `{{path}}` placeholders are filled inside their own argument. */
  command: z
    .array(z.string().min(1))
    .min(1)
    .refine((argv) => !argv[0]?.includes('{{'), { message: 'the program (first element) cannot contain {{placeholders}}', path: [0] }),
  timeout: timeoutDuration.default(10_000),
});

export type ExecOptions = z.output<typeof execOptions>;

// spawn rejects NUL in arguments and environment values; event text may carry one.
const noNul = (s: string) => s.replace(/\u0000/g, '');

export function execArgv(command: string[], alert: Alert): string[] {
  const scopes = [alert, alert.event];
  return [command[0], ...command.slice(1).map((arg) => noNul(renderTemplate(arg, scopes)))];
}

export function execEnv(base: NodeJS.ProcessEnv, alert: Alert): NodeJS.ProcessEnv {
  return {
    ...base,
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
          const run = await runCommand(execArgv(options.command, alert), `${JSON.stringify(alert)}\n`, execEnv(ctx.env, alert), options.timeout, stop, groups);
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
