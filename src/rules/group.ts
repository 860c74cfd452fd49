import { firstValueReader } from './fields.js';

export type Group = Record<string, unknown> | null;

/**
 * How a rule's events are grouped: `key` runs for every event added to a window, so it reads
 * without allocating where it can; the `group` object is only built for a new window group
 * or an alert. The key must stay exactly `JSON.stringify(values)`: keys are persisted in
 * state files and feed alert ids.
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
  return {
    key: readers.length === 1 ? singleKey(readers[0], values) : (event) => {
      let key = '[';
      for (let i = 0; i < readers.length; i++) {
        const text = scalarJson(readers[i](event));
        // Objects may carry toJSON, which sees its array index as key: leave those to stringify.
        if (text === undefined) return JSON.stringify(values(event));
        key += i === 0 ? text : `,${text}`;
      }
      return `${key}]`;
    },
    // fromEntries defines properties, so even a field named `__proto__` stays a plain key.
    group: (event) => Object.fromEntries(names.map((f, i) => [f, readers[i](event)])),
  };
}

/** Distinct values whose keys are remembered; values come from input, so this is bounded. */
const MAX_CACHED_KEYS = 1024;

/**
 * Most groupings are one string field (an access key, a user): the same values recur, so
 * their keys are remembered. The same key string each time also saves the window state's
 * lookup from hashing a new string per event.
 */
function singleKey(read: (event: unknown) => unknown, values: (event: unknown) => unknown[]): (event: unknown) => string {
  const cache = new Map<string, string>();
  return (event) => {
    const value = read(event);
    if (typeof value !== 'string') {
      const text = scalarJson(value);
      return text === undefined ? JSON.stringify(values(event)) : `[${text}]`;
    }
    let key = cache.get(value);
    if (key === undefined) {
      if (cache.size >= MAX_CACHED_KEYS) cache.clear();
      key = `[${JSON.stringify(value)}]`;
      cache.set(value, key);
    }
    return key;
  };
}

/** JSON of a value that stringifies the same inside an array as alone; undefined otherwise. */
function scalarJson(value: unknown): string | undefined {
  if (value === null) return 'null';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' ? JSON.stringify(value) : undefined;
}

/** The value a `distinct` rule counts, as a key; undefined when the event has none. */
export function distinctKey(field: string): (event: unknown) => string | undefined {
  const read = firstValueReader(field);
  return (event) => {
    const value = read(event);
    return value === null || value === undefined ? undefined : JSON.stringify(value);
  };
}
