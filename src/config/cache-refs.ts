/**
 * How the validated config and rules are written to the config cache without a single secret:
 * every string holding one is kept as parts, each secret replaced by where to find it again on
 * the next run (an environment variable, or a span of the config file's own text, whose hash the
 * entry is keyed on). Anything that is not plain data (a function, a Date, NaN) makes the value
 * uncacheable, except built-in rules' summarize functions, kept as the rule's id.
 */

/** A secret's place: `${NAME}` in the environment, or [start, end) in the config file's text. */
export type SecretRef = { env: string } | { at: [number, number] };
type Part = string | SecretRef;

export class Uncacheable extends Error {}

const SECRET = '$secret';
const UNDEFINED = '$undefined';
const SUMMARIZE = '$builtinSummarize';
const MARKERS = new Set([SECRET, UNDEFINED, SUMMARIZE]);

export interface EncodeOptions {
  /** Every secret the run registered, in any order. */
  secrets: readonly string[];
  refFor(secret: string): SecretRef | undefined;
  /** A built-in rule's summarize function by id (rules/builtin/summaries.ts). */
  summaries: Record<string, unknown>;
}

export function encodeCached(value: unknown, options: EncodeOptions): unknown {
  // Longest first, so a secret containing another is replaced whole.
  const secrets = [...new Set(options.secrets)].filter((s) => s !== '').sort((a, b) => b.length - a.length);
  const refs = new Map(secrets.map((s) => [s, options.refFor(s)]));
  const str = (text: string): unknown => {
    const parts: Part[] = [];
    let rest = text;
    let found = false;
    while (rest !== '') {
      let best: { at: number; secret: string } | undefined;
      for (const s of secrets) {
        const at = rest.indexOf(s);
        if (at >= 0 && (!best || at < best.at)) best = { at, secret: s };
      }
      if (!best) break;
      const ref = refs.get(best.secret);
      if (!ref) throw new Uncacheable('a secret with no place to find it again');
      if (best.at > 0) parts.push(rest.slice(0, best.at));
      parts.push(ref);
      rest = rest.slice(best.at + best.secret.length);
      found = true;
    }
    if (!found) return text;
    if (rest !== '') parts.push(rest);
    return { [SECRET]: parts };
  };
  const walk = (v: unknown, key: string | undefined, holder: any): unknown => {
    if (typeof v === 'string') return str(v);
    if (v === null || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new Uncacheable('a number JSON cannot hold');
      return v;
    }
    if (v === undefined) return { [UNDEFINED]: 1 };
    if (typeof v === 'function' && key === 'summarize' && holder?.origin === 'builtin' && options.summaries[holder.id] === v) return { [SUMMARIZE]: holder.id };
    if (Array.isArray(v)) return v.map((item) => walk(item, undefined, v));
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        if (MARKERS.has(k)) throw new Uncacheable(`a key named ${k}`);
        out[k] = walk(item, k, v);
      }
      return out;
    }
    throw new Uncacheable(`a value that is not plain data (${typeof v})`);
  };
  return walk(value, undefined, undefined);
}

export interface DecodeOptions {
  resolve(ref: SecretRef): string;
  summarize(ruleId: string): unknown;
}

/** The value encodeCached was given, secrets filled in again from this run's environment and text. */
export function decodeCached(value: unknown, options: DecodeOptions): unknown {
  if (Array.isArray(value)) return value.map((v) => decodeCached(v, options));
  if (!value || typeof value !== 'object') return value;
  const o = value as Record<string, any>;
  if (SECRET in o) return (o[SECRET] as Part[]).map((p) => (typeof p === 'string' ? p : options.resolve(p))).join('');
  if (UNDEFINED in o) return undefined;
  if (SUMMARIZE in o) return options.summarize(o[SUMMARIZE]);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = decodeCached(v, options);
  return out;
}

/** Whether a decoded value needs the built-ins' summarize functions. */
export function needsBuiltins(json: string): boolean {
  return json.includes(`"${SUMMARIZE}"`);
}
