import { firstValueReader } from './fields.js';

export type Group = Record<string, unknown> | null;

/**
 * How a rule's events are grouped: `key` runs for every event a rule sees, so it reads without
 * allocating where it can; the `group` object is only built for a new group or an alert. The key
 * must stay exactly `JSON.stringify(values)`: keys are persisted in state files and feed alert ids.
 */
export interface Grouping {
  key(event: unknown): string;
  group(event: unknown): Group;
}

const NO_GROUP: Grouping = { key: () => '', group: () => null };

export function grouping(fields: readonly string[]): Grouping {
  if (fields.length === 0) return NO_GROUP;
  const names = fields.slice();
  const readers = names.map((f) => firstValueReader(f));
  const values = (event: unknown) => readers.map((read) => read(event));
  const cache = keyCache<string>(MAX_CACHED_KEYS);
  const last = readers.length - 1;
  return {
    key(event) {
      // Scalars walk the cache one field at a time; anything else (objects may carry toJSON) is stringified.
      let level = cache.root;
      for (let i = 0; i < last; i++) {
        const value = readers[i](event);
        if (!isScalar(value)) return JSON.stringify(values(event));
        level = cache.branch(level, value);
      }
      const value = readers[last](event);
      if (!isScalar(value)) return JSON.stringify(values(event));
      const hit = level.get(value) as string | undefined;
      return hit ?? cache.leaf(level, value, JSON.stringify(values(event)));
    },
    // fromEntries defines properties, so even a field named `__proto__` stays a plain key.
    group: (event) => Object.fromEntries(names.map((f, i) => [f, readers[i](event)])),
  };
}

/**
 * Keys remembered per grouping. Values come from input, so the cache is bounded (and simply
 * emptied when full); it pays because the same users and accounts recur, and handing out the
 * same key string each time spares every lookup in the rule's state from hashing a new string.
 */
const MAX_CACHED_KEYS = 10_000;

type Scalar = string | number | boolean | null;
type Level = Map<Scalar, unknown>;

const isScalar = (value: unknown): value is Scalar =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** Nested maps from each field's value to the next field's map, the last one's to the key. */
function keyCache<K>(max: number) {
  let size = 0;
  // Every entry counts, branches too, and the whole cache is emptied when full rather than
  // evicted entry by entry: the next events refill what is still in use.
  const room = () => {
    if (++size <= max) return;
    cache.root = new Map();
    size = 1;
  };
  const cache = {
    root: new Map() as Level,
    branch(level: Level, value: Scalar): Level {
      let next = level.get(value) as Level | undefined;
      if (next === undefined) {
        room();
        level.set(value, (next = new Map()));
      }
      return next;
    },
    leaf(level: Level, value: Scalar, key: K): K {
      room();
      level.set(value, key);
      return key;
    },
  };
  return cache;
}

/** Value texts of `distinctKey`, shared by every rule: the same addresses and names recur across rules. */
const texts = keyCache<string>(50_000);

/** The value a `distinct` or `firstSeen` rule counts, as JSON text; undefined when the event has none. */
export function distinctKey(field: string): (event: unknown) => string | undefined {
  const read = firstValueReader(field);
  return (event) => {
    const value = read(event);
    if (value === null || value === undefined) return undefined;
    if (typeof value !== 'string') return JSON.stringify(value);
    const hit = texts.root.get(value) as string | undefined;
    return hit ?? texts.leaf(texts.root, value, JSON.stringify(value));
  };
}
