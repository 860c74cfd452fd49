import type { z } from 'zod';

/** ['notifiers', 1, 'url'] becomes `notifiers[1].url`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

export function didYouMean(key: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestScore) [best, bestScore] = [candidate, d];
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Unwraps defaults, optionals, pipes and transforms down to the schema that has a shape. */
function unwrap(schema: any): any {
  let s = schema;
  for (let i = 0; i < 20 && s?._zod?.def; i++) {
    const def = s._zod.def;
    if (def.innerType) s = def.innerType;
    // z.preprocess is a pipe from a transform into the real schema; .transform() is the reverse.
    else if (def.type === 'pipe') s = def.in?._zod?.def?.type === 'transform' ? def.out : def.in;
    else break;
  }
  return s;
}

/** The keys an object at `path` may have, following arrays and picking union members by the input. */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[], input: unknown): string[] | undefined {
  let s: any = unwrap(schema);
  let value: any = input;
  const candidates = (sch: any, val: any): any => {
    sch = unwrap(sch);
    if (sch?._zod?.def?.type !== 'union') return sch;
    const objects = sch._zod.def.options.map(unwrap).filter((o: any) => o?._zod?.def?.type === 'object');
    const disc = objects.find((o: any) =>
      Object.entries(o.shape).some(([k, v]: [string, any]) => {
        const lit = unwrap(v)?._zod?.def;
        return lit?.type === 'literal' && val && lit.values?.includes(val[k]);
      }),
    );
    return disc ?? objects[0];
  };
  s = candidates(s, value);
  for (const key of path) {
    const def = s?._zod?.def;
    if (!def) return undefined;
    if (def.type === 'array' && typeof key === 'number') s = def.element;
    else if (def.type === 'object' && typeof key === 'string') s = def.shape[key];
    else if (def.type === 'record') s = def.valueType;
    else return undefined;
    value = value?.[key as any];
    s = candidates(s, value);
  }
  return s?._zod?.def?.type === 'object' ? Object.keys(s._zod.def.shape) : undefined;
}

/** One line per zod issue, led by its path, with a suggestion for misspelt keys. */
export function formatIssues(error: z.ZodError, schema: z.ZodType, input: unknown, prefix: PropertyKey[] = []): string[] {
  const lines: string[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path, input) ?? [];
      for (const key of issue.keys) {
        const hint = didYouMean(key, known);
        lines.push(`${formatPath([...path, key])}: unknown key${hint ? ` (did you mean "${hint}"?)` : ''}`);
      }
    } else if (issue.code === 'invalid_union' && (issue as any).errors?.length) {
      // Report the member closest to the input rather than zod's generic "invalid input".
      const branches: z.core.$ZodIssue[][] = (issue as any).errors;
      // A member whose very type the input does not have (an enum for an object) is the worst fit.
      const misfit = (b: z.core.$ZodIssue[]) => b.some((x) => x.path.length === 0 && (x.code === 'invalid_type' || x.code === 'invalid_value'));
      const score = (b: z.core.$ZodIssue[]) => (misfit(b) ? 1000 : 0) + b.length;
      const best = branches.reduce((a, b) => (score(b) < score(a) ? b : a));
      for (const sub of best) lines.push(`${formatPath([...path, ...sub.path])}: ${sub.message}`);
    } else {
      lines.push(`${formatPath(path)}: ${issue.message}`);
    }
  }
  return [...new Set(lines)];
}
