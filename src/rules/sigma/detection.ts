import { ConditionError, parseCondition, type ConditionNode } from './condition.js';
import { allWhen, anyWhen, selectionEntry, type When } from './values.js';
import { isMap, type Key, type SigmaIssue } from './yaml.js';

/**
 * A Sigma `detection` as one native `when`: each selection is a map (every entry holds) or a
 * list of maps (any one holds), and the condition combines them. Undefined after issues.
 */
export function translateDetection(detection: unknown, issues: SigmaIssue[]): When | undefined {
  const path: Key[] = ['detection'];
  const before = issues.length;
  if (!isMap(detection)) {
    issues.push({ path, message: 'detection must be a map of selections and a condition' });
    return undefined;
  }
  const selections = new Map<string, When>();
  for (const [name, body] of Object.entries(detection)) {
    if (name === 'condition') continue;
    if (name === 'timeframe') {
      issues.push({ path: [...path, name], onKey: true, message: 'timeframe (an aggregation window) is not supported; write a correlation rule with a timespan' });
      continue;
    }
    const when = selection(body, [...path, name], issues);
    if (when) selections.set(name, when);
  }
  const condition = detection.condition;
  const conditions = Array.isArray(condition) ? condition : [condition];
  const conditionPath = (i: number): Key[] => (Array.isArray(condition) ? [...path, 'condition', i] : [...path, 'condition']);
  if (condition === undefined) issues.push({ path, message: 'detection needs a condition' });
  else if (conditions.length === 0 || !conditions.every((c) => typeof c === 'string')) {
    issues.push({ path: [...path, 'condition'], message: 'condition must be a string (or a list of strings, any of which holds)' });
  }
  if (issues.length > before) return undefined;
  const names = Object.keys(detection).filter((k) => k !== 'condition');
  const whens = (conditions as string[]).map((text, i) => {
    const at = conditionPath(i);
    try {
      return resolve(parseCondition(text), names, selections, (message, shift) => void issues.push({ path: at, message, shift }));
    } catch (err) {
      if (!(err instanceof ConditionError)) throw err;
      issues.push({ path: at, message: err.message, shift: err.pos });
      return undefined;
    }
  });
  if (issues.length > before) return undefined;
  return simplify(anyWhen(whens as When[]));
}

function selection(body: unknown, path: Key[], issues: SigmaIssue[]): When | undefined {
  const map = (m: Record<string, unknown>, at: Key[]): When | undefined => {
    const entries = Object.entries(m);
    if (entries.length === 0) return void issues.push({ path: at, message: 'an empty selection matches nothing' });
    const parts = entries.map(([key, value]) => selectionEntry(key, value, [...at, key], issues));
    return parts.every((p) => p !== undefined) ? allWhen(parts as When[]) : undefined;
  };
  if (isMap(body)) return map(body, path);
  if (!Array.isArray(body) || body.length === 0) return void issues.push({ path, message: 'a selection must be a map of fields or a list of such maps' });
  if (!body.every(isMap)) {
    const keywords = body.every((b) => !isMap(b) && !Array.isArray(b));
    const message = keywords ? 'keyword search (a list of values without field names) is not supported' : 'a selection list must hold only maps of fields';
    return void issues.push({ path, message, onKey: keywords });
  }
  const parts = body.map((m, i) => map(m, [...path, i]));
  return parts.every((p) => p !== undefined) ? anyWhen(parts as When[]) : undefined;
}

function resolve(node: ConditionNode, names: string[], selections: Map<string, When>, fail: (m: string, shift: number) => undefined): When | undefined {
  switch (node.kind) {
    case 'ref':
      if (!names.includes(node.name)) return fail(`unknown selection "${node.name}" (selections: ${names.join(', ') || 'none'})`, node.pos);
      return selections.get(node.name);
    case 'of': {
      // `them` leaves out selections named _x, which Sigma keeps for helpers.
      const re = node.pattern === 'them' ? /^(?!_)/ : new RegExp(`^${node.pattern.replace(/[.*+?^${}()|[\]\\-]/g, (c) => (c === '*' ? '.*' : `\\${c}`))}$`);
      const matched = names.filter((n) => re.test(n));
      if (matched.length === 0) return fail(`no selection matches "${node.pattern}"`, node.pos);
      const whens = matched.map((n) => selections.get(n));
      if (whens.some((w) => w === undefined)) return undefined;
      return node.quantifier === 'one' ? anyWhen(whens as When[]) : allWhen(whens as When[]);
    }
    case 'not': {
      const arg = resolve(node.arg, names, selections, fail);
      return arg && { not: arg };
    }
    default: {
      const args = node.args.map((a) => resolve(a, names, selections, fail));
      if (args.some((a) => a === undefined)) return undefined;
      return node.kind === 'and' ? allWhen(args as When[]) : anyWhen(args as When[]);
    }
  }
}

/**
 * Flattens nested `all`/`any` and lifts the parts of an `all` into one map where their keys do
 * not clash: a top-level `name` then lets the rule set index the rule (see candidates.ts).
 */
export function simplify(when: When): When {
  const keys = Object.keys(when);
  if (keys.length !== 1) return when;
  const [key] = keys;
  if (key === 'not') return { not: simplify(when.not as When) };
  if (key !== 'all' && key !== 'any') return when;
  const items = (when[key] as When[]).map(simplify).flatMap((w) => (Object.keys(w).length === 1 && key in w ? (w[key] as When[]) : [w]));
  if (key === 'any') return anyWhen(items);
  const merged: When = {};
  const rest: When[] = [];
  for (const item of items) {
    for (const [k, v] of Object.entries(item)) {
      if (k === 'all') rest.push(...(v as When[]));
      else if (k in merged) rest.push({ [k]: v });
      else merged[k] = v;
    }
  }
  if (rest.length > 0) merged.all = rest;
  return merged;
}
