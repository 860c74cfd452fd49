import { writeSync } from 'node:fs';
import { prettyStream } from './pretty-log.js';
import { fieldsOf, formatLine, type RedactPath } from './json-log.js';
import { redact } from './secrets.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type LogFn = (objOrMsg?: unknown, msg?: string) => void;

/** pino's calling convention (fields first, then the message), which every caller already uses. */
export interface Logger {
  readonly level: LogLevel;
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * Paths blanked out wherever they appear. Secrets should never reach a log call in the
 * first place; these paths and the registry pass on every finished line (createLogger) are
 * the second and third lines of defence.
 */
export const REDACT_PATHS = [
  'secretKey', '*.secretKey', '*.*.secretKey', 'SecretKey', '*.SecretKey',
  'token', '*.token', '*.*.token', 'Token', '*.Token',
  'secret', '*.secret', '*.*.secret',
  'accessKeySecret', '*.accessKeySecret', '*.*.accessKeySecret', 'secretAccessKey', '*.secretAccessKey', '*.*.secretAccessKey',
  'securityToken', '*.securityToken', '*.*.securityToken', 'sessionToken', '*.sessionToken', '*.*.sessionToken',
  'signature', '*.signature', 'Signature', '*.Signature',
  'authorization', '*.authorization', 'Authorization', '*.Authorization',
  'headers.authorization', '*.headers.authorization', 'headers.Authorization', '*.headers.Authorization',
];
const PATHS: readonly RedactPath[] = REDACT_PATHS.map((p) => p.split('.'));

const RANK: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };
const EMITTING = LOG_LEVELS.filter((l) => l !== 'silent') as Exclude<LogLevel, 'silent'>[];

/**
 * Logs go to stderr (fd 2) so stdout stays clean for NDJSON pipes. Every finished line, at
 * every level and from every child logger, has the registered secrets masked just before it is
 * written: a secret inside a message, an error or a nested field is caught wherever it sits,
 * including secrets registered after the logger was made (the config is read later). In a
 * terminal the lines are shown readably (pretty-log.ts).
 */
export function createLogger(level: LogLevel = 'info', destination: NodeJS.WritableStream | number = 2): Logger {
  let write: (line: string) => void;
  if (typeof destination === 'number') write = (line) => writeFully(destination, line);
  else if ((destination as { isTTY?: boolean }).isTTY === true) {
    const pretty = prettyStream(destination, !process.env.NO_COLOR);
    write = (line) => void pretty.write(line);
  } else write = (line) => void destination.write(line);
  return makeLogger(level, {}, (line) => write(redact(line)));
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * The whole line, even into a non-blocking pipe that takes part of it or none for a moment
 * (waiting 10 ms between tries, not spinning). Logging is best effort: a closed or failing
 * stderr (EPIPE) drops the line rather than failing the check, whose alerts matter more.
 */
function writeFully(fd: number, line: string): void {
  let rest = Buffer.from(line);
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}

function makeLogger(level: LogLevel, bindings: Record<string, unknown>, out: (line: string) => void): Logger {
  const threshold = RANK[level];
  const noop: LogFn = () => undefined;
  const logger = { level, child: (more: Record<string, unknown>) => makeLogger(level, { ...bindings, ...more }, out) } as Logger & Record<string, LogFn>;
  for (const name of EMITTING) {
    logger[name] =
      RANK[name] < threshold
        ? noop
        : (first, msg) => {
            const fields = fieldsOf(first);
            const text = typeof first === 'string' ? first : (msg ?? (first instanceof Error ? first.message : undefined));
            out(formatLine(name, new Date().toISOString(), { ...bindings, ...fields }, text, PATHS));
          };
  }
  return logger;
}

/** A logger that drops everything, for library callers and tests that do not care. */
export function silentLogger(): Logger {
  return createLogger('silent');
}

/** `https://host/path?access_token=abc` becomes `https://host/path?access_token=***`. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const key of [...u.searchParams.keys()]) u.searchParams.set(key, '***');
    if (u.password) u.password = '***';
    return u.toString().replace(/%2A%2A%2A/g, '***');
  } catch {
    return '[invalid url]';
  }
}
