import { didYouMean } from '../../config/issues.js';
import type { RuleSpecInput } from '../schema.js';
import { simplify } from './detection.js';
import { nativeField } from './fields.js';
import { anyWhen, type When } from './values.js';
import { isMap, type Key, type SigmaIssue } from './yaml.js';

/** A Sigma correlation, checked on its own; its rules are found once every file is read. */
export interface SigmaCorrelation {
  rules: { ref: string; path: Key[] }[];
  /** Whether the referenced rules also alert on their own (Sigma's default: no). */
  generate: boolean;
  /** The native window options: window, groupBy, and count or distinct. */
  options: Pick<RuleSpecInput, 'window' | 'groupBy' | 'count' | 'distinct'>;
}

const KEYS = ['type', 'rules', 'group-by', 'timespan', 'condition', 'generate', 'aliases'];
const TYPES = ['event_count', 'value_count'];
const NOT_TRANSLATED = ['temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile', 'value_median'];

export function parseCorrelation(data: Record<string, unknown>, issues: SigmaIssue[]): SigmaCorrelation | undefined {
  const before = issues.length;
  const c = data.correlation;
  const at = (...keys: Key[]): Key[] => ['correlation', ...keys];
  const fail = (path: Key[], message: string, onKey = false) => void issues.push({ path, message, onKey });
  if (!isMap(c)) return void fail(at(), 'correlation must be a map with type, rules, group-by, timespan and condition');
  for (const key of Object.keys(c)) {
    if (key === 'aliases') fail(at(key), 'field name aliases are not supported', true);
    else if (!KEYS.includes(key)) {
      const hint = didYouMean(key, KEYS);
      fail(at(key), `unknown correlation key "${key}" (${hint ? `did you mean "${hint}"?` : `keys: ${KEYS.join(', ')}`})`, true);
    }
  }
  const type = c.type;
  if (typeof type !== 'string' || !TYPES.includes(type)) {
    const what = NOT_TRANSLATED.includes(String(type)) ? `correlation type "${String(type)}" is not supported` : `unknown correlation type ${JSON.stringify(type)}`;
    // The other keys of a type this tool does not run are beside the point.
    return void fail(at('type'), `${what} (supported: ${TYPES.join(', ')})`);
  }
  const rules = Array.isArray(c.rules) ? c.rules : [c.rules];
  if (c.rules === undefined || rules.length === 0 || !rules.every((r) => typeof r === 'string' && r !== '')) {
    fail(at('rules'), 'rules must list the ids or names of the rules to correlate');
  }
  const generate = data.generate ?? c.generate ?? false;
  if (typeof generate !== 'boolean') fail('generate' in data ? ['generate'] : at('generate'), 'generate must be true or false');

  const groupBy = groupFields(c['group-by'], at('group-by'), fail);
  const span = typeof c.timespan === 'string' ? /^(\d+)([smhd])$/.exec(c.timespan) : null;
  if (!span) fail(at('timespan'), 'timespan must be a number and s, m, h or d, e.g. 5m');
  const options: SigmaCorrelation['options'] = { window: c.timespan as string, ...(groupBy ? { groupBy } : {}) };
  const condition = c.condition;
  if (!isMap(condition)) fail(at('condition'), 'condition must be a map such as { gte: 10 }');
  else if (type === 'event_count' || type === 'value_count') Object.assign(options, threshold(type, condition, at('condition'), fail));
  if (issues.length > before) return undefined;
  return {
    rules: rules.map((ref, i) => ({ ref: ref as string, path: Array.isArray(c.rules) ? at('rules', i) : at('rules') })),
    generate: generate as boolean,
    options,
  };
}

function groupFields(value: unknown, path: Key[], fail: (path: Key[], m: string) => void): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const fields = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  fields.forEach((f, i) => {
    const mapped = typeof f === 'string' ? nativeField(f) : { problem: 'group-by takes field names' };
    if ('problem' in mapped) fail(Array.isArray(value) ? [...path, i] : path, mapped.problem);
    else out.push(mapped.path);
  });
  return out.length > 0 ? out : undefined;
}

/** `{ gte: N }` and `{ gt: N }` map to count and distinct; fewer-than conditions have no native window. */
function threshold(type: 'event_count' | 'value_count', condition: Record<string, unknown>, path: Key[], fail: (path: Key[], m: string, onKey?: boolean) => void) {
  const ops = Object.keys(condition).filter((k) => !(type === 'value_count' && k === 'field'));
  for (const op of ops) {
    if (['lt', 'lte', 'eq'].includes(op)) fail([...path, op], `condition "${op}" is not supported (an upper bound; only gte and gt)`, true);
    else if (op !== 'gte' && op !== 'gt') fail([...path, op], `unknown condition "${op}" (gte, gt)`, true);
  }
  if (ops.length === 0) return void fail(path, 'give gte or gt');
  if (ops.length > 1) return void (ops.every((o) => o === 'gte' || o === 'gt') && fail(path, 'give only one of gte or gt'));
  const [op] = ops;
  const n = condition[op];
  if (op !== 'gte' && op !== 'gt') return undefined;
  if (!Number.isInteger(n) || (n as number) < 0) return void fail([...path, op], `${op} takes a whole number`);
  if (type === 'event_count') return { count: { [op]: n as number } };
  const field = typeof condition.field === 'string' ? nativeField(condition.field) : { problem: 'value_count needs condition.field: the field whose different values are counted' };
  if ('problem' in field) return void fail([...path, 'field'], field.problem);
  // Distinct counts are whole numbers, so "more than N" is "at least N + 1".
  return { distinct: { field: field.path, gte: op === 'gt' ? (n as number) + 1 : (n as number) } };
}

/** The native rule of a correlation, once the rules it names are known. */
export function correlationSpec(base: RuleSpecInput, correlation: SigmaCorrelation, whens: When[]): RuleSpecInput {
  return { ...base, when: simplify(anyWhen(whens)), ...correlation.options };
}
