import { createHash } from 'node:crypto';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { AuditError } from '../errors.js';

export interface ResolveStateDirOptions {
  /** `state.dir` from the config: the root under which each config gets its own directory. */
  configuredDir?: string;
  /** The config file in use, or null when running from flags alone. */
  configPath: string | null;
  env: Record<string, string | undefined>;
  /** Base for a relative configPath / configuredDir without a config file; defaults to process.cwd(). */
  cwd?: string;
}

export const APP_DIR = 'audit-watch';

/**
 * `<root>/<slug>-<hash>`: the root is `state.dir` or `$XDG_STATE_HOME/audit-watch`
 * (`~/.local/state/audit-watch`). Two configs never share checkpoints or locks because the hash
 * is of the config's absolute path; the slug only helps a human find the right directory.
 */
export function resolveStateDir(opts: ResolveStateDirOptions): string {
  const cwd = opts.cwd ?? process.cwd();
  const configAbs = opts.configPath === null ? null : resolve(cwd, opts.configPath);
  const dir = join(stateRoot(opts, configAbs, cwd), configSubdir(configAbs));
  // Kernel file systems accept writes that are not files: state there would vanish or do harm.
  if (/^\/(proc|sys|dev)(\/|$)/.test(dir)) throw new AuditError('E_CONFIG', `state.dir: ${dir} is under /proc, /sys or /dev; choose a real directory`);
  return dir;
}

function stateRoot(opts: ResolveStateDirOptions, configAbs: string | null, cwd: string): string {
  const home = opts.env.HOME || opts.env.USERPROFILE;
  if (opts.configuredDir !== undefined && opts.configuredDir.trim() !== '') {
    let dir = opts.configuredDir.trim();
    if (dir === '~' || dir.startsWith('~/')) {
      if (!home) throw new AuditError('E_CONFIG', `state.dir: cannot expand ~ in ${JSON.stringify(dir)}: HOME is not set`);
      dir = join(home, dir.slice(1));
    }
    // Relative to the config file, like every other path in it, so cron's cwd does not matter.
    return resolve(configAbs === null ? cwd : dirname(configAbs), dir);
  }
  // The XDG spec says to ignore a relative XDG_STATE_HOME.
  const xdg = opts.env.XDG_STATE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, APP_DIR);
  if (!home) {
    throw new AuditError('E_STATE', 'state.dir: no default location (HOME and XDG_STATE_HOME are unset); set state.dir');
  }
  return join(home, '.local', 'state', APP_DIR);
}

function configSubdir(configAbs: string | null): string {
  if (configAbs === null) return 'default';
  const hash = createHash('sha256').update(configAbs).digest('hex').slice(0, 12);
  const slug = basename(configAbs, extname(configAbs))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${slug || 'config'}-${hash}`;
}
