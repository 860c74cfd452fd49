import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { AuditError } from '../errors.js';
import { notifierSecrets } from '../notifiers/redact.js';
import { addSecrets, SecretRegistry } from '../util/secrets.js';
import type { ConfigCache } from './cached.js';
import { findConfig, type ConfigLocation } from './find.js';
import { interpolateEnv } from './interpolate.js';
import { SECRET_ENV } from './secret-env.js';
import { formatIssues } from './issues.js';
import { configSchema, type Config } from './schema.js';

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file, or null when built-in defaults apply. */
  path: string | null;
  /** Relative rule-file globs resolve against this. */
  baseDir: string;
  /** Set by config/cached.ts: the rules it kept, and where to keep them for the next run. */
  cache?: ConfigCache;
}

export interface LoadOptions {
  configFlag?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

async function readText(loc: ConfigLocation): Promise<string> {
  try {
    return await readFile(loc.path!, 'utf8');
  } catch (err: any) {
    const why = err?.code === 'ENOENT' ? 'file not found' : err?.code === 'EACCES' ? 'permission denied' : err?.message;
    throw new AuditError('E_CONFIG', `${loc.path}: cannot read config (${why}; found via ${loc.origin})`, { cause: err });
  }
}

/**
 * toJS expands aliases: nine nested anchors of nine aliases each ("billion laughs") become
 * hundreds of millions of strings, and the process runs out of memory or never finishes. yaml
 * weighs each alias use by the aliases inside what it points to and throws past this cap; a
 * hand-written config never comes near it.
 */
const MAX_ALIAS_COUNT = 100;

/**
 * `${VAR}` values are taken for secrets, except those that are plainly settings: lowercase
 * words (a region like `ap-guangzhou` or `us-east-1`, a severity, a level), a number or
 * duration, a bare http(s) endpoint; a hex token has digits in its words and stays a secret. Masking
 * those would hide `"level":"info"` or every region name in the logs; secret-bearing fields
 * (URLs' tokens, signing secrets, headers, keys) are masked whatever they hold.
 */
const PLAIN_SETTING = /^(?:[a-z]+(?:-(?:[a-z]+|\d{1,4}))*|\d+(?:\.\d+)?(?:ms|s|m|h|d)?|https?:\/\/[a-z0-9.-]+(?::\d+)?\/?)$/;

/**
 * Every secret the (interpolated, not yet validated) config holds: notifier URLs' tokens,
 * signing secrets and header values, and every source's secret keys, session tokens, SASL passwords and role
 * external ids (Tencent, Alibaba Cloud, AWS), whether written in the file or read from the
 * environment by `credentials: auto|env`.
 */
function configSecrets(input: any, env: NodeJS.ProcessEnv): string[] {
  const sources: any[] = [input?.source, ...(Array.isArray(input?.sources) ? input.sources : [])].filter((s) => s && typeof s === 'object');
  const notifiers: unknown[] = Array.isArray(input?.notifiers) ? input.notifiers : [];
  return [
    ...notifiers.flatMap(notifierSecrets),
    ...sources.flatMap((s) => {
      const c = s.credentials && typeof s.credentials === 'object' ? s.credentials : {};
      const roles: any[] = Array.isArray(s.accounts) ? s.accounts : [];
      const sasl = s.sasl && typeof s.sasl === 'object' ? s.sasl : {};
      return [c.secretKey, c.token, c.accessKeySecret, c.securityToken, c.secretAccessKey, c.sessionToken, sasl.password, ...roles.map((r) => r?.externalId)];
    }),
    ...SECRET_ENV.map((name) => env[name]),
    ...redisUrlSecrets(input?.state?.url),
  ].filter((s): s is string => typeof s === 'string' && s !== '');
}

/** The password inside `state.url`, as written and as decoded (the user, often `default`, is not one). */
function redisUrlSecrets(url: unknown): string[] {
  if (typeof url !== 'string') return [];
  try {
    const { password } = new URL(url);
    return [password, decodeURIComponent(password)];
  } catch {
    // Not a URL: the whole value may still be a secret typed wrongly.
    return /^rediss?:/.test(url) ? [url] : [];
  }
}

/** Whole values of the fields that carry secrets: an issue line never echoes one, even half-valid. */
function fieldValues(input: any): string[] {
  const notifiers: any[] = Array.isArray(input?.notifiers) ? input.notifiers : [];
  return notifiers.flatMap((n) => [n?.url, n?.secret, ...Object.values(n?.headers ?? {})]).filter((v) => typeof v === 'string');
}

function toJS(doc: ReturnType<typeof parseDocument>, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const issue = `${file}: YAML aliases expand too far (more than ${MAX_ALIAS_COUNT} alias uses): refusing to load it`;
    throw new AuditError('E_CONFIG', `${file}: invalid YAML`, { issues: [issue], cause: err });
  }
}

/**
 * Parses YAML text and validates it; every problem is reported at once, each led by its path.
 * Registers the config's secrets (see util/secrets.ts) before validating, so that from here on
 * no log line or error message shows them; they are also added to `registered`.
 */
export function parseConfig(text: string, env: NodeJS.ProcessEnv, file = 'config', registered: string[] = []): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    const issues = doc.errors.map((e) => {
      // linePos is only filled in with prettyErrors, whose messages carry a multi-line excerpt.
      const pos = e.linePos?.[0] ?? (e.pos ? lineCounter.linePos(e.pos[0]) : undefined);
      return `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: ${e.message.split('\n')[0]}`;
    });
    throw new AuditError('E_CONFIG', `${file}: invalid YAML`, { issues });
  }
  const raw = toJS(doc, file) ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new AuditError('E_CONFIG', `${file}: invalid config`, { issues: ['(root): expected a mapping of source, rules, notifiers, state'] });
  }
  const envErrors: string[] = [];
  const fromEnv = new Set<string>();
  const input = interpolateEnv(raw, env, envErrors, fromEnv);
  // A file path is a setting whatever variable it came from: `enrich.geoip: ***: file not found` would help no one.
  const geoip = (input as { enrich?: { geoip?: unknown } } | undefined)?.enrich?.geoip;
  // `registered` tells the config cache (config/cached.ts) which values it must never write.
  registered.push(...[...fromEnv].filter((v) => !PLAIN_SETTING.test(v) && !(typeof geoip === 'string' && geoip.includes(v))), ...configSecrets(input, env));
  addSecrets(registered);
  const result = configSchema.safeParse(input);
  // A missing variable leaves an empty string behind; its follow-on schema complaint is noise.
  const envPaths = envErrors.map((e) => e.slice(0, e.indexOf(': ') + 2));
  const schemaIssues = result.success ? [] : formatIssues(result.error, configSchema, input);
  const issues = [...envErrors, ...schemaIssues.filter((i) => !envPaths.some((p) => i.startsWith(p)))];
  if (issues.length || !result.success) {
    const fields = new SecretRegistry();
    fields.add(fieldValues(input));
    throw new AuditError('E_CONFIG', `${file}: invalid config`, { issues: issues.map((i) => fields.redact(i)) });
  }
  return result.data;
}

export async function loadConfig(options: LoadOptions): Promise<LoadedConfig> {
  const loc = findConfig(options.configFlag, options.env, options.cwd);
  if (!loc.path) return { config: parseConfig('{}', options.env, 'defaults'), path: null, baseDir: options.cwd };
  const text = await readText(loc);
  return { config: parseConfig(text, options.env, loc.path), path: loc.path, baseDir: dirname(loc.path) };
}
