import { AuditError } from '../errors.js';
import { loadConfigCached } from '../config/cached.js';
import type { LoadedConfig } from '../config/load.js';
import { createLogger, LOG_LEVELS, type LogLevel, type Logger } from '../util/logger.js';
import type { CliIO, GlobalOptions } from './io.js';

export interface CommandContext {
  io: CliIO;
  logger: Logger;
  /** Loaded on first use, so commands that need no config (--input, schema) never read one. */
  config(): Promise<LoadedConfig>;
}

export function resolveLogLevel(flag: string | undefined, env: NodeJS.ProcessEnv): LogLevel {
  const level = (flag ?? env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new AuditError('E_USAGE', `--log-level: invalid level "${level}" (use ${LOG_LEVELS.join(', ')})`);
  }
  return level as LogLevel;
}

export function createContext(opts: GlobalOptions, io: CliIO): CommandContext {
  const logger = createLogger(resolveLogLevel(opts.logLevel, io.env), io.stderr);
  let loaded: Promise<LoadedConfig> | undefined;
  return {
    io,
    logger,
    // From the config cache when nothing it was made from changed (config/cached.ts).
    config: () => (loaded ??= loadConfigCached({ configFlag: opts.config, env: io.env, cwd: io.cwd })),
  };
}
