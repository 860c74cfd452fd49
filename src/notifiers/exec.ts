import { spawn } from 'node:child_process';
import * as z from 'zod';
import { durationSchema } from '../util/duration-schema.js';
import { renderTemplate } from '../util/template.js';
import type { Alert } from '../rules/model.js';
import { defineNotifier, type DeliveryResult } from './types.js';

export const execOptions = z.strictObject({
  /** argv, run without a shell; `{{path}}` placeholders are filled inside their own argument. */
  command: z
    .array(z.string().min(1))
    .min(1)
    .refine((argv) => !argv[0]?.includes('{{'), { message: 'the program (first element) cannot contain {{placeholders}}', path: [0] }),
  timeout: durationSchema.default(10_000),
});

export type ExecOptions = z.output<typeof execOptions>;

const STDERR_TAIL = 500;
/** After the child exits, how long to wait for its pipes to close (a grandchild may hold them). */
const PIPE_GRACE_MS = 1000;

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

/** The last few hundred characters, on one line, for an error message. */
function tail(text: string): string {
  const t = text.slice(-STDERR_TAIL).replace(/\s+/g, ' ').trim();
  return t ? `: ${t}` : '';
}

/**
 * Runs the command once for one alert. The child leads its own process group (detached), so a
 * timeout or an abort kills everything it started, not only the first process.
 */
export function runCommand(argv: string[], input: string, env: NodeJS.ProcessEnv, timeoutMs: number, signal?: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    let stderr = '';
    let why: string | undefined;
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const child = spawn(argv[0], argv.slice(1), { shell: false, detached: true, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const finish = (error: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      signal?.removeEventListener('abort', onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
      resolve(error);
    };
    const timer = setTimeout(() => {
      why = `timed out after ${timeoutMs}ms (process group killed)`;
      killGroup();
    }, timeoutMs);
    const onAbort = () => {
      why = 'aborted (process group killed)';
      killGroup();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();

    child.stdout!.resume();
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4 * STDERR_TAIL);
    });
    // A child that exits without reading stdin makes the write fail with EPIPE: not our failure.
    child.stdin!.on('error', () => {});
    child.stdin!.end(input);

    child.on('error', (err: NodeJS.ErrnoException) => finish(`cannot run ${argv[0]}: ${err.code ?? err.message}`));
    let exit: string | undefined;
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      exit = why ?? (sig ? `killed by ${sig}` : code !== 0 ? `exit code ${code}` : undefined);
      grace = setTimeout(() => finish(exit === undefined ? undefined : exit + tail(stderr)), PIPE_GRACE_MS);
    });
    child.on('close', () => finish(exit === undefined ? undefined : exit + tail(stderr)));
  });
}

export const execNotifier = defineNotifier({
  type: 'exec',
  options: execOptions,
  create(name, options, ctx) {
    const log = ctx.logger.child({ notifier: name, program: options.command[0] });
    return {
      name,
      type: 'exec',
      // Never retried: a command that timed out may still have sent its SMS.
      async send(alerts, signal) {
        const results: DeliveryResult[] = [];
        for (const alert of alerts) {
          const error = await runCommand(
            execArgv(options.command, alert),
            `${JSON.stringify(alert)}\n`,
            execEnv(ctx.env, alert),
            options.timeout,
            signal,
          );
          log.debug({ alertId: alert.id, error }, error ? 'command failed' : 'command succeeded');
          results.push(error ? { alertId: alert.id, ok: false, error } : { alertId: alert.id, ok: true });
        }
        return results;
      },
    };
  },
});
