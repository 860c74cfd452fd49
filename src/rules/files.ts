import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ruleSchema, type RuleSpec } from './schema.js';

// Its own module so the config cache can check what a pattern matches without yaml and the rule schema.
export { expandRuleGlob } from './glob.js';

/** `rules[3].when["actor.type"].cidr`: indexes in brackets, dotted keys quoted. */
export function formatPath(parts: readonly PropertyKey[]): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(part))) out += out === '' ? String(part) : `.${String(part)}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out;
}

export interface RuleFileResult {
  /** Valid rules, each with its index in the file. */
  rules: { index: number; rule: RuleSpec }[];
  /** `file:line:column: rules[3].when.sourceIp.cidr: invalid CIDR "10.0.0.0/33"` */
  issues: string[];
  /** `line:column` of a path in the file, e.g. `[3, 'id']`. */
  locate(keys: PropertyKey[]): string;
}

/** Line and column (1-based) of the deepest node that exists along `keys`. */
function locate(doc: Document, counter: LineCounter, keys: PropertyKey[]): string {
  for (let n = keys.length; n >= 0; n--) {
    const node = doc.getIn(keys.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) {
      const { line, col } = counter.linePos(node.range[0]);
      return `${line}:${col}`;
    }
  }
  return '1:1';
}

/** Parses and validates one rule file's text; `display` is the name used in messages. */
export function checkRuleFile(text: string, display: string): RuleFileResult {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const at = (keys: PropertyKey[]) => locate(doc, counter, keys);
  if (doc.errors.length > 0) {
    return {
      locate: at,
      rules: [],
      issues: doc.errors.map((e) => {
        const { line, col } = counter.linePos(e.pos[0]);
        return `${display}:${line}:${col}: invalid YAML: ${e.message}`;
      }),
    };
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined) return { rules: [], issues: [], locate: at };
  if (!Array.isArray(data)) return { rules: [], issues: [`${display}:1:1: expected a YAML list of rules`], locate: at };
  const result: RuleFileResult = { rules: [], issues: [], locate: at };
  data.forEach((item, index) => {
    const parsed = ruleSchema.safeParse(item);
    if (parsed.success) {
      result.rules.push({ index, rule: parsed.data });
      return;
    }
    for (const issue of parsed.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
      for (const key of keys) {
        const keys = key === undefined ? [index, ...issue.path] : [index, ...issue.path, key];
        const message = key === undefined ? issue.message : `unknown key "${key}"`;
        result.issues.push(`${display}:${at(keys)}: ${formatPath(['rules', ...keys])}: ${message}`);
      }
    }
  });
  return result;
}

export async function readRuleFile(file: string, display: string): Promise<RuleFileResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    return { rules: [], issues: [`${display}: cannot read file (${code})`], locate: () => '1:1' };
  }
  return checkRuleFile(text, display);
}

/** How a rule file is named in messages and in a rule's origin: relative to the config. */
export function displayPath(file: string, baseDir: string): string {
  const rel = path.relative(baseDir, file);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}
