import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { makeDirs } from '../util/make-dirs.js';
import type { SecretRef } from './cache-refs.js';

declare const __AUDIT_BUILD__: string | undefined;

/**
 * Which program wrote an entry: scripts/build.mjs hashes the sources and the lockfile, so the
 * built-in rules, the schemas and the dependencies that validate are all part of it. Running
 * from source (tests) is one build; its tests use their own cache directories.
 */
export const BUILD: string = typeof __AUDIT_BUILD__ === 'string' ? __AUDIT_BUILD__ : 'source';

/** Bumped whenever the entry's shape changes, so an older entry is a miss, not a misreading. */
export const FORMAT = 1;

/** One `file:`/`sigma:` pattern of the config and the files it matched when the entry was written. */
export interface CachedGlob {
  pattern: string;
  files: string[];
}

export interface CacheEntry {
  format: number;
  build: string;
  /** The config file, absolute. */
  path: string;
  /** sha256 of the config file's text. */
  text: string;
  /**
   * The environment variables the file names (`${NAME}`), keyed by an HMAC of their values
   * under a random salt: a changed value is a miss, and no value is written.
   */
  env: { names: string[]; salt: string; digest: string };
  globs: CachedGlob[];
  /** sha256 of every rule and Sigma file read. */
  files: Record<string, string>;
  config: unknown;
  rules: unknown;
  /** The secrets to register (util/secrets.ts) before anything is logged, as places, not values. */
  secrets: SecretRef[];
}

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

export function envDigest(names: readonly string[], env: NodeJS.ProcessEnv, salt: string): string {
  // Unset and empty differ from every value (interpolation treats both as missing).
  const values = names.map((n) => (env[n] === undefined || env[n] === '' ? null : env[n]));
  return createHmac('sha256', salt).update(JSON.stringify(values)).digest('hex');
}

export const newSalt = () => randomBytes(16).toString('hex');

/** $XDG_CACHE_HOME/cloudaudit-watch, else ~/.cache/cloudaudit-watch; none without a home. */
export function cacheDir(env: NodeJS.ProcessEnv): string | undefined {
  const base = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : safeHome());
  return base ? join(base, 'cloudaudit-watch') : undefined;
}

function safeHome(): string | undefined {
  try {
    return join(homedir(), '.cache');
  } catch {
    return undefined;
  }
}

/** One entry per config file. */
export function entryFile(dir: string, configPath: string): string {
  return join(dir, `config-${sha256(configPath).slice(0, 32)}.json`);
}

/** The entry, or undefined when there is none or it is not one of ours (corrupt, older, foreign). */
export async function readEntry(file: string, configPath: string): Promise<CacheEntry | undefined> {
  try {
    // Only what this user wrote and nobody else may change: the entry stands in for the config.
    const st = await stat(file);
    if ((process.getuid && st.uid !== process.getuid()) || (st.mode & 0o022) !== 0) return undefined;
    const entry = JSON.parse(await readFile(file, 'utf8')) as CacheEntry;
    const ok =
      entry?.format === FORMAT && entry.build === BUILD && entry.path === configPath && typeof entry.text === 'string' &&
      Array.isArray(entry.env?.names) && Array.isArray(entry.globs) && entry.files && typeof entry.files === 'object' && Array.isArray(entry.secrets);
    return ok ? entry : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Written whole or not at all (a temp file renamed over the entry), readable by its owner only.
 * A cache that cannot be written (read-only home) costs the next run its speed, nothing else.
 */
export async function writeEntry(file: string, dir: string, entry: CacheEntry): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await makeDirs(dir);
    await writeFile(tmp, JSON.stringify(entry), { mode: 0o600 });
    await rename(tmp, file);
  } catch {
    await rm(tmp, { force: true }).catch(() => undefined);
  }
}

