import pino, { type Logger } from 'pino';
import { prettyStream } from './pretty-log.js';
import { redact } from './secrets.js';

export type { Logger };
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Paths pino blanks out wherever they appear. Secrets should never reach a log call in the
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

/**
 * Logs go to stderr (fd 2) so stdout stays clean for NDJSON pipes. Every serialized line, at
 * every level and from every child logger, has the registered secrets masked just before it is
 * written: a secret inside a message, an error or a nested field is caught wherever it sits,
 * including secrets registered after the logger was made (the config is read later).
 */
export function createLogger(level: LogLevel = 'info', destination: NodeJS.WritableStream | number = 2): Logger {
  const tty = typeof destination !== 'number' && (destination as { isTTY?: boolean }).isTTY === true;
  const dest =
    typeof destination === 'number'
      ? pino.destination({ fd: destination, sync: true })
      : tty
        ? prettyStream(destination, !process.env.NO_COLOR)
        : destination;
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: { streamWrite: redact },
    },
    dest,
  );
}

/** A logger that drops everything, for library callers and tests that do not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
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
