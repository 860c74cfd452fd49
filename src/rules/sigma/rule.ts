import { didYouMean } from '../../config/issues.js';
import type { RuleSpecInput } from '../schema.js';
import { parseCorrelation, type SigmaCorrelation } from './correlation.js';
import { translateDetection } from './detection.js';
import { checkLogsource } from './fields.js';
import { isMap, type SigmaIssue } from './yaml.js';

const LEVELS: Record<string, RuleSpecInput['severity']> = { informational: 'info', low: 'low', medium: 'medium', high: 'high', critical: 'critical' };

/** The spec's attributes. Others are custom attributes Sigma allows, unless they look like a typo of one of these. */
const STANDARD = [
  'title', 'id', 'name', 'related', 'taxonomy', 'status', 'description', 'license', 'references', 'author', 'date', 'modified',
  'tags', 'logsource', 'detection', 'correlation', 'generate', 'fields', 'falsepositives', 'level', 'scope',
];

/** One YAML document of a Sigma file, translated as far as it can be on its own. */
export interface SigmaEntry {
  kind: 'detection' | 'correlation';
  /** The Sigma `id` and `name`, by which correlations refer to the rule. */
  refs: string[];
  /** The native rule: complete for a detection rule, without when and window for a correlation. */
  spec: RuleSpecInput;
  /** Where the native id came from, for messages about the rule as a whole. */
  idKey: 'name' | 'id';
  correlation?: SigmaCorrelation;
  issues: SigmaIssue[];
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

export function translateDocument(data: unknown): SigmaEntry {
  const issues: SigmaIssue[] = [];
  const entry: SigmaEntry = { kind: 'detection', refs: [], spec: { id: 'sigma', when: {} }, idKey: 'id', issues };
  if (!isMap(data)) {
    issues.push({ path: [], message: 'expected a Sigma rule: a map with title, id, detection or correlation, ...' });
    return entry;
  }
  for (const key of Object.keys(data)) {
    const hint = STANDARD.includes(key) ? undefined : didYouMean(key, STANDARD);
    if (hint) issues.push({ path: [key], onKey: true, message: `unknown key "${key}" (did you mean "${hint}"?)` });
  }
  if ('action' in data) issues.push({ path: ['action'], onKey: true, message: `rule collections (action: ${String(data.action)}) are not supported; write each rule in full` });
  Object.assign(entry, metadata(data, issues));
  checkLogsource(data.logsource, issues);
  if (('detection' in data) === ('correlation' in data)) {
    issues.push({ path: [], message: 'a Sigma rule needs either detection or correlation (not both)' });
    return entry;
  }
  if ('correlation' in data) {
    entry.kind = 'correlation';
    entry.correlation = parseCorrelation(data, issues);
    return entry;
  }
  const when = translateDetection(data.detection, issues);
  if (when) entry.spec.when = when;
  return entry;
}

function metadata(data: Record<string, unknown>, issues: SigmaIssue[]): Pick<SigmaEntry, 'refs' | 'spec' | 'idKey'> {
  const refs = [data.id, data.name].filter((r): r is string => typeof r === 'string' && r !== '');
  // `name` is the readable one (`aws_root_login`); ids are UUIDs. Both become [a-z0-9-]+.
  const idKey = typeof data.name === 'string' ? 'name' : 'id';
  let id = 'sigma';
  if (typeof data[idKey] !== 'string') issues.push({ path: [], message: 'a Sigma rule needs an id or a name (it becomes the rule id)' });
  else {
    id = (data[idKey] as string).toLowerCase().replace(/[\s_.]+/g, '-');
    if (!/^[a-z0-9-]+$/.test(id)) issues.push({ path: [idKey], message: `${idKey} ${JSON.stringify(data[idKey])} cannot be a rule id: use letters, digits, - and _` });
  }
  const spec: RuleSpecInput = { id, when: {} };
  if (data.title !== undefined) {
    if (text(data.title)) spec.title = data.title as string;
    else issues.push({ path: ['title'], message: 'title must be a non-empty string' });
  }
  const level = data.level;
  if (level !== undefined) {
    const severity = typeof level === 'string' && Object.hasOwn(LEVELS, level) ? LEVELS[level] : undefined;
    if (severity) spec.severity = severity;
    else issues.push({ path: ['level'], message: `unknown level ${JSON.stringify(level)} (levels: ${Object.keys(LEVELS).join(', ')})` });
  }
  const fp = data.falsepositives;
  const fps = (Array.isArray(fp) ? fp : fp === undefined || fp === null ? [] : [fp]).filter((f) => f !== null).map(String);
  // The Sigma id is how the rule is known elsewhere; kept when the name became the rule id.
  const sigmaId = idKey === 'name' && text(data.id) ? `Sigma id: ${data.id as string}` : undefined;
  const description = [text(data.description), fps.length > 0 ? `False positives: ${fps.join('; ')}` : undefined, sigmaId].filter(Boolean);
  if (description.length > 0) spec.description = description.join('\n');
  return { refs, spec, idKey };
}
