import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { AuditError } from '../errors.js';
import { findConfig, type ConfigLocation } from './find.js';
import { interpolateEnv } from './interpolate.js';
import { formatIssues } from './issues.js';
import { configSchema, type Config } from './schema.js';

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file, or null when built-in defaults apply. */
  path: string | null;
  /** Relative rule-file globs resolve against this. */
  baseDir: string;
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

/** Parses YAML text and validates it; every problem is reported at once, each led by its path. */
export function parseConfig(text: string, env: NodeJS.ProcessEnv, file = 'config'): Config {
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
  const raw = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new AuditError('E_CONFIG', `${file}: invalid config`, { issues: ['(root): expected a mapping of source, rules, notifiers, state'] });
  }
  const envErrors: string[] = [];
  const input = interpolateEnv(raw, env, envErrors);
  const result = configSchema.safeParse(input);
  // A missing variable leaves an empty string behind; its follow-on schema complaint is noise.
  const envPaths = envErrors.map((e) => e.slice(0, e.indexOf(': ') + 2));
  const schemaIssues = result.success ? [] : formatIssues(result.error, configSchema, input);
  const issues = [...envErrors, ...schemaIssues.filter((i) => !envPaths.some((p) => i.startsWith(p)))];
  if (issues.length || !result.success) throw new AuditError('E_CONFIG', `${file}: invalid config`, { issues });
  return result.data;
}

export async function loadConfig(options: LoadOptions): Promise<LoadedConfig> {
  const loc = findConfig(options.configFlag, options.env, options.cwd);
  if (!loc.path) return { config: parseConfig('{}', options.env, 'defaults'), path: null, baseDir: options.cwd };
  const text = await readText(loc);
  return { config: parseConfig(text, options.env, loc.path), path: loc.path, baseDir: dirname(loc.path) };
}
