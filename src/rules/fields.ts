/**
 * Field paths into the normalized event (`actor.type`, `resources.name`, `raw.x.y`). A path
 * is checked against the shared schema when a rule is compiled, so a typo such as
 * `eventName` is a rule error instead of a condition that silently never matches.
 */
const KNOWN_FIELDS: Record<string, readonly string[] | null> = {
  id: null,
  time: null,
  provider: null,
  account: null,
  region: null,
  name: null,
  type: null,
  service: null,
  readOnly: null,
  actor: ['type', 'id', 'name', 'accessKeyId', 'root'],
  sourceIp: null,
  location: null,
  // Present with `enrich.geoip` (events/geo.ts); null when the address could not be placed.
  geo: ['country', 'region', 'city', 'lat', 'lon'],
  userAgent: null,
  error: ['code', 'message'],
  sensitive: null,
  login: null,
  resources: ['type', 'name'],
  requestId: null,
  raw: null,
};

/** Undefined when the path is usable, otherwise why not. */
export function checkFieldPath(path: string): string | undefined {
  const parts = path.split('.');
  if (parts.some((p) => p === '')) return `invalid field path "${path}"`;
  const [head, ...rest] = parts;
  if (!(head in KNOWN_FIELDS)) return `unknown field "${head}" (fields: ${Object.keys(KNOWN_FIELDS).join(', ')})`;
  if (head === 'raw') return undefined;
  const sub = KNOWN_FIELDS[head];
  if (rest.length === 0) return undefined;
  if (!sub) return `"${head}" has no sub-fields`;
  if (rest.length > 1 || !sub.includes(rest[0])) return `unknown field "${path}" (${head} has: ${sub.join(', ')})`;
  return undefined;
}

export type FieldReader = (event: unknown) => unknown[];

const hasOwn = (value: object, key: string) => Object.prototype.hasOwnProperty.call(value, key);

/** What a single-value reader returns when the event is not shaped as normalized (see below). */
export const GENERAL: unique symbol = Symbol('general');

/** The one value a path reaches, undefined for none, or GENERAL: ask `fieldReader` instead. */
export type SingleReader = (event: unknown) => unknown;

/**
 * Most conditions read a path that meets no list on a normalized event: a top-level field,
 * `actor.*`, `error.*`, most of `raw.*`. Such a path reaches at most one value, and reading it
 * must not allocate. Wherever `fieldReader` would fan out or parse (a list, JSON text) this
 * gives GENERAL instead, so both readers always agree. `resources` is always a list.
 */
export function singleReader(path: string): SingleReader | undefined {
  const keys = path.split('.');
  if (keys[0] === 'resources') return undefined;
  return (event) => {
    let value = event;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (value === null || typeof value !== 'object') return typeof value === 'string' ? GENERAL : undefined;
      if (Array.isArray(value)) return GENERAL;
      const child = (value as Record<string, unknown>)[key];
      if (child === undefined || !hasOwn(value, key)) return undefined;
      value = child;
    }
    return Array.isArray(value) ? GENERAL : value;
  };
}

/**
 * Every value a path reaches. Lists are fanned out at any level, so `resources.name` yields
 * each resource's name and a condition holds when it holds for ANY of them. Inside `raw`, a
 * string holding JSON (CloudAudit keeps some sub-records as JSON text) is parsed on the way
 * when the path goes deeper. Each call returns a new array the caller may keep.
 */
export function fieldReader(path: string): FieldReader {
  const keys = path.split('.');
  return (event) => {
    let current: unknown[] = [];
    step(event, keys[0], current);
    for (let i = 1; i < keys.length && current.length > 0; i++) {
      const next: unknown[] = [];
      for (const value of current) step(value, keys[i], next);
      current = next;
    }
    // Only a list at the end needs flattening; otherwise `current` is already fresh.
    if (!current.some(Array.isArray)) return current;
    const out: unknown[] = [];
    for (const value of current) {
      if (Array.isArray(value)) out.push(...value);
      else out.push(value);
    }
    return out;
  };
}

function step(value: unknown, key: string, into: unknown[]): void {
  if (Array.isArray(value)) {
    for (const item of value) step(item, key, into);
    return;
  }
  if (typeof value === 'string') {
    const parsed = parseJsonObject(value);
    if (parsed !== undefined) step(parsed, key, into);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (!hasOwn(value, key)) return;
  const child = (value as Record<string, unknown>)[key];
  if (child !== undefined) into.push(child);
}

function parseJsonObject(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The first value a path reaches, for groups, distinct values and summaries. */
export function firstValue(reader: FieldReader, event: unknown): unknown {
  const values = reader(event);
  return values.length > 0 ? values[0] : null;
}

/** `firstValue` for one path, without allocating when the path reaches at most one value. */
export function firstValueReader(path: string): (event: unknown) => unknown {
  const read = fieldReader(path);
  const one = singleReader(path);
  if (!one) return (event) => firstValue(read, event);
  return (event) => {
    const value = one(event);
    return value === GENERAL ? firstValue(read, event) : value === undefined ? null : value;
  };
}
