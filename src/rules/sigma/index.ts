import { readFile } from 'node:fs/promises';
import type * as z from 'zod';
import { didYouMean } from '../../config/issues.js';
import { formatPath, type RuleFileResult } from '../files.js';
import { ruleSchema, type RuleSpecInput } from '../schema.js';
import { correlationSpec } from './correlation.js';
import { translateDocument, type SigmaEntry } from './rule.js';
import type { When } from './values.js';
import { isSigmaText, parseSigmaText, type SigmaDocument, type SigmaIssue } from './yaml.js';

export { isSigmaText } from './yaml.js';
export { SIGMA_FIELD_MAP } from './fields.js';

export interface SigmaSource {
  /** How the file is named in messages and in its rules' origin. */
  display: string;
  text: string;
}

interface Placed {
  entry: SigmaEntry;
  doc: SigmaDocument;
  file: number;
}

/** Native rule keys that come from a Sigma key, so that schema problems point at the Sigma text. */
const FROM_SIGMA: Record<string, string[]> = {
  window: ['correlation', 'timespan'],
  groupBy: ['correlation', 'group-by'],
  count: ['correlation', 'condition'],
  distinct: ['correlation', 'condition'],
  title: ['title'],
  description: ['description'],
};

/**
 * Translates Sigma files into native rules, together: a correlation may name a rule in any of
 * them. One result per source, in order, shaped like a native rule file's, so loading and
 * `audit rules validate` treat both alike. Rules a correlation uses are not rules of their own
 * unless one says `generate: true`, as in Sigma.
 */
export function checkSigmaTexts(sources: SigmaSource[]): RuleFileResult[] {
  const placedRules: Placed[][] = sources.map(() => []);
  const results: RuleFileResult[] = sources.map((_, file) => ({
    rules: [],
    issues: [],
    locate: ([index]) => {
      const p = typeof index === 'number' ? placedRules[file][index] : undefined;
      return p ? p.doc.locate({ path: [p.entry.idKey] }) : '1:1';
    },
  }));
  const placed: Placed[] = [];
  sources.forEach((source, file) => {
    const { docs, issues } = parseSigmaText(source.text, source.display);
    results[file].issues.push(...issues);
    for (const doc of docs) placed.push({ entry: translateDocument(doc.data), doc, file });
  });
  const report = (p: Placed, issue: SigmaIssue) => {
    const where = issue.path.length > 0 ? `${formatPath(issue.path)}: ` : '';
    results[p.file].issues.push(`${sources[p.file].display}:${p.doc.locate(issue)}: ${where}${issue.message}`);
  };

  const byRef = new Map<string, Placed>();
  for (const p of placed) for (const ref of p.entry.refs) if (!byRef.has(ref)) byRef.set(ref, p);
  // A rule some correlation uses stays a rule of its own only if one of them says generate: true.
  const used = new Set<Placed>();
  const generated = new Set<Placed>();
  const specs = new Map<Placed, RuleSpecInput>();
  for (const p of placed) {
    for (const issue of p.entry.issues) report(p, issue);
    if (p.entry.issues.length > 0) continue;
    if (p.entry.kind === 'detection') {
      specs.set(p, p.entry.spec);
      continue;
    }
    const correlation = p.entry.correlation!;
    const whens: When[] = [];
    let complete = true;
    for (const { ref, path } of correlation.rules) {
      const target = byRef.get(ref);
      const problem = !target
        ? `no Sigma rule has the id or name "${ref}"${hint(ref, byRef.keys())}`
        : target.entry.kind === 'correlation' ? `"${ref}" is a correlation: correlations of correlations are not supported` : undefined;
      if (problem) report(p, { path, message: problem });
      if (!target || problem) complete = false;
      else {
        (correlation.generate ? generated : used).add(target);
        // A rule with problems has reported them itself.
        if (target.entry.issues.length > 0) complete = false;
        else whens.push(target.entry.spec.when as When);
      }
    }
    if (complete) specs.set(p, correlationSpec(p.entry.spec, correlation, whens));
  }

  for (const p of placed) {
    const spec = specs.get(p);
    if (!spec || (used.has(p) && !generated.has(p))) continue;
    const parsed = ruleSchema.safeParse(spec);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) report(p, nativeIssue(issue, p.entry));
      continue;
    }
    results[p.file].rules.push({ index: placedRules[p.file].length, rule: parsed.data });
    placedRules[p.file].push(p);
  }
  return results;
}

function hint(ref: string, known: Iterable<string>): string {
  const close = didYouMean(ref, known);
  return close ? ` (did you mean "${close}"?)` : '';
}

function nativeIssue(issue: z.core.$ZodIssue, entry: SigmaEntry): SigmaIssue {
  const [head] = issue.path;
  const path = head === 'id' ? [entry.idKey] : FROM_SIGMA[String(head)];
  return path ? { path, message: issue.message } : { path: [], message: `${formatPath(['rule', ...issue.path])}: ${issue.message}` };
}

/**
 * Reads and translates Sigma files. With `detect`, files that do not look like Sigma (and
 * unreadable ones) are left out, for the caller to read as native rule files.
 */
export async function readSigmaFiles(
  files: { file: string; display: string }[],
  options: { detect?: boolean } = {},
): Promise<{ file: string; display: string; result: RuleFileResult }[]> {
  const read = await Promise.all(files.map(async (f) => ({ ...f, text: await readFile(f.file, 'utf8').catch((err: NodeJS.ErrnoException) => err) })));
  const unreadable = (f: (typeof read)[number]) => typeof f.text !== 'string';
  const chosen = read.filter((f) => (options.detect ? !unreadable(f) && isSigmaText(f.text as string) : true));
  const readable = chosen.filter((f) => !unreadable(f));
  const results = checkSigmaTexts(readable.map((f) => ({ display: f.display, text: f.text as string })));
  return chosen.map((f) => ({
    file: f.file,
    display: f.display,
    result: unreadable(f)
      ? { rules: [], issues: [`${f.display}: cannot read file (${(f.text as NodeJS.ErrnoException).code ?? 'unreadable'})`], locate: () => '1:1' }
      : results[readable.indexOf(f)],
  }));
}
