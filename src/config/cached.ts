import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LoadedRule } from '../rules/compile.js';
import { addSecrets } from '../util/secrets.js';
import { decodeCached, encodeCached, needsBuiltins, Uncacheable, type SecretRef } from './cache-refs.js';
import { BUILD, cacheDir, entryFile, envDigest, FORMAT, newSalt, readEntry, sha256, writeEntry, type CacheEntry, type CachedGlob } from './cache-store.js';
import { findConfig } from './find.js';
import type { LoadedConfig, LoadOptions } from './load.js';
import { SECRET_ENV } from './secret-env.js';

/**
 * The config cache: a cron run whose config and rule files have not changed since the last run
 * skips YAML, the schemas and the rule files, and takes the validated config and rules from
 * $XDG_CACHE_HOME/cloudaudit-watch. The entry is keyed by the hash of every file that made it
 * (config, rule and Sigma files, what each pattern matched), the values of the variables the
 * config names, and the program's build; secrets are kept as places to read them again (cache-refs.ts).
 */
export interface ConfigCache {
  /** This run's rules from the cache, when `rules` is still the config's own list. */
  rules(rules: unknown): LoadedRule[] | undefined;
  /** After the rules loaded cleanly: remember them with the config, for the next run. */
  save(rules: unknown, loaded: LoadedRule[]): Promise<void>;
}

const VARS = /\$\{([A-Za-z_][A-Za-z0-9_]*)/g;

export async function loadConfigCached(options: LoadOptions): Promise<LoadedConfig> {
  const full = async () => (await import('./load.js')).loadConfig(options);
  const loc = findConfig(options.configFlag, options.env, options.cwd);
  const dir = cacheDir(options.env);
  if (!loc.path || !dir) return full();
  let text: string;
  try {
    text = await readFile(loc.path, 'utf8');
  } catch {
    // The full loader reports it, as it always did.
    return full();
  }
  const path = loc.path;
  const file = entryFile(dir, path);
  const entry = await readEntry(file, path);
  const hit = entry && (await fresh(entry, text, options.env, dirname(path))) ? await fromEntry(entry, text, options.env) : undefined;
  if (hit) return { config: hit.config as LoadedConfig['config'], path, baseDir: dirname(path), cache: hit.cache };
  const { parseConfig } = await import('./load.js');
  const registered: string[] = [];
  const config = parseConfig(text, options.env, path, registered);
  const cache: ConfigCache = {
    rules: () => undefined,
    save: async (rules, loaded) => {
      if (rules !== config.rules) return;
      const made = await makeEntry({ path, text, env: options.env, registered, config, rules: loaded });
      if (made) await writeEntry(file, dir, made);
    },
  };
  return { config, path, baseDir: dirname(path), cache };
}

/** Whether nothing the entry was made from has changed: the text, the variables, the rule files. */
async function fresh(entry: CacheEntry, text: string, env: NodeJS.ProcessEnv, baseDir: string): Promise<boolean> {
  if (entry.text !== sha256(text) || entry.env.digest !== envDigest(entry.env.names, env, entry.env.salt)) return false;
  if (entry.globs.length) {
    const { expandRuleGlob } = await import('../rules/glob.js');
    for (const glob of entry.globs) {
      const files = await expandRuleGlob(glob.pattern, baseDir);
      if (files.join('\n') !== glob.files.join('\n')) return false;
    }
  }
  for (const [f, hash] of Object.entries(entry.files)) {
    const now = await readFile(f).then(sha256, () => undefined);
    if (now !== hash) return false;
  }
  return true;
}

async function fromEntry(entry: CacheEntry, text: string, env: NodeJS.ProcessEnv) {
  try {
    const resolve = (ref: SecretRef) => ('env' in ref ? env[ref.env]! : text.slice(ref.at[0], ref.at[1]));
    // Only the summaries: the built-ins themselves parse their specs with the rule schema when loaded.
    const summaries: Record<string, unknown> = needsBuiltins(JSON.stringify(entry.rules)) ? (await import('../rules/builtin/summaries.js')).BUILTIN_SUMMARIES : {};
    const decode = (v: unknown) => decodeCached(v, { resolve, summarize: (id) => summaries[id] ?? failNoSummary(id) });
    addSecrets([...entry.secrets.map(resolve), ...SECRET_ENV.map((n) => env[n])]);
    const config = decode(entry.config) as LoadedConfig['config'];
    const cache: ConfigCache = {
      // Decoded on each call: the caller may change the list (a travel rule turned off).
      rules: (rules) => (rules === config.rules ? (decode(entry.rules) as LoadedRule[]) : undefined),
      save: async () => undefined,
    };
    return { config, cache };
  } catch {
    return undefined;
  }
}

interface EntryInput {
  path: string;
  text: string;
  env: NodeJS.ProcessEnv;
  registered: string[];
  config: LoadedConfig['config'];
  rules: LoadedRule[];
}

async function makeEntry(input: EntryInput): Promise<CacheEntry | undefined> {
  const names = [...new Set([...input.text.matchAll(VARS)].map((m) => m[1]))].sort();
  const refFor = (secret: string): SecretRef | undefined => {
    const name = names.find((n) => input.env[n] === secret);
    if (name) return { env: name };
    const at = input.text.indexOf(secret);
    return at >= 0 ? { at: [at, at + secret.length] } : undefined;
  };
  // The providers' variables are registered afresh each run; the rest must be found again.
  const secrets = input.registered.filter((s) => s !== '' && !SECRET_ENV.some((n) => input.env[n] === s));
  try {
    const globs = await globsOf(input.config.rules, dirname(input.path));
    const files: Record<string, string> = {};
    for (const f of globs.flatMap((g) => g.files)) files[f] = sha256(await readFile(f));
    const { BUILTIN_SUMMARIES } = await import('../rules/builtin/summaries.js');
    const encode = (v: unknown) => encodeCached(v, { secrets: input.registered, refFor, summaries: BUILTIN_SUMMARIES });
    const salt = newSalt();
    const refs = secrets.map((s) => refFor(s) ?? failNoRef());
    return {
      format: FORMAT, build: BUILD, path: input.path, text: sha256(input.text),
      env: { names, salt, digest: envDigest(names, input.env, salt) },
      globs, files, config: encode(input.config), rules: encode(input.rules), secrets: refs,
    };
  } catch (err) {
    // Not plain data, a secret with no place, a rule file gone meanwhile: this config is not cached.
    if (err instanceof Uncacheable || (err as NodeJS.ErrnoException)?.code) return undefined;
    throw err;
  }
}

function failNoSummary(id: string): never {
  throw new Uncacheable(`no summary for the built-in ${id}`);
}

function failNoRef(): never {
  throw new Uncacheable('a secret with no place to find it again');
}

/** Every `file:` and `sigma:` pattern with what it matches now. */
async function globsOf(rules: unknown, baseDir: string): Promise<CachedGlob[]> {
  const items = Array.isArray(rules) ? (rules as { kind?: string; file?: string; sigma?: string }[]) : [];
  const patterns = items.flatMap((i) => (i.kind === 'file' && i.file ? [i.file] : i.kind === 'sigma' && i.sigma ? [i.sigma] : []));
  if (!patterns.length) return [];
  const { expandRuleGlob } = await import('../rules/glob.js');
  return Promise.all(patterns.map(async (pattern) => ({ pattern, files: await expandRuleGlob(pattern, baseDir) })));
}
