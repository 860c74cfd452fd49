import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ConfigLocation {
  /** Absolute path, or null when no file exists and built-in defaults apply. */
  path: string | null;
  /** Where the path came from, for error messages. */
  origin: '--config' | 'AUDIT_CONFIG' | './audit.yaml' | 'XDG_CONFIG_HOME' | 'defaults';
}

/**
 * --config FILE, else $AUDIT_CONFIG, else ./audit.yaml, else $XDG_CONFIG_HOME/audit/config.yaml.
 * An explicitly named file must exist; the implicit ones are optional so `audit events --input`
 * works on a machine with no config at all.
 */
export function findConfig(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): ConfigLocation {
  if (flag) return { path: resolve(cwd, flag), origin: '--config' };
  if (env.AUDIT_CONFIG) return { path: resolve(cwd, env.AUDIT_CONFIG), origin: 'AUDIT_CONFIG' };
  const local = resolve(cwd, 'audit.yaml');
  if (existsSync(local)) return { path: local, origin: './audit.yaml' };
  const xdg = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  const user = join(xdg, 'audit', 'config.yaml');
  if (existsSync(user)) return { path: user, origin: 'XDG_CONFIG_HOME' };
  return { path: null, origin: 'defaults' };
}
