/**
 * A set of strings that keeps 8 bytes per member instead of the string (a CloudAudit event id
 * held in a Set costs about 100 bytes), so deduplicating a replay of millions stays small.
 * Members are 63-bit fingerprints: two ids collide with probability about n²/2⁶⁴, below one
 * in ten million for a million ids.
 */
export interface IdSet {
  /** Adds the id; false when it was already there. */
  add(id: string): boolean;
  has(id: string): boolean;
  readonly size: number;
}

const MIN_SLOTS = 1 << 12;

export function createIdSet(): IdSet {
  let slots = MIN_SLOTS;
  // Two Uint32 per slot; (0, 0) marks an empty one, so the second half always has its top bit set.
  let table = new Uint32Array(slots * 2);
  let size = 0;

  let a = 0;
  let b = 0;
  // FNV-1a and a murmur-style mix over the UTF-16 code units, in one pass, into `a` and `b`.
  const hash = (id: string) => {
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    a = h1 >>> 0;
    b = (h2 | 0x80000000) >>> 0;
  };
  /** The slot holding (a, b), or the empty slot where it would go. */
  const find = (t: Uint32Array, mask: number, x: number, y: number): number => {
    for (let i = x & mask; ; i = (i + 1) & mask) {
      const v = t[2 * i + 1];
      if (v === 0 || (v === y && t[2 * i] === x)) return i;
    }
  };
  const insert = (t: Uint32Array, mask: number, x: number, y: number): boolean => {
    const i = find(t, mask, x, y);
    if (t[2 * i + 1] !== 0) return false;
    t[2 * i] = x;
    t[2 * i + 1] = y;
    return true;
  };

  const grow = () => {
    const old = table;
    slots *= 2;
    table = new Uint32Array(slots * 2);
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) insert(table, slots - 1, old[i], old[i + 1]);
  };

  return {
    get size() {
      return size;
    },
    add(id) {
      hash(id);
      if (!insert(table, slots - 1, a, b)) return false;
      if (++size * 2 > slots) grow();
      return true;
    },
    has(id) {
      hash(id);
      return table[2 * find(table, slots - 1, a, b) + 1] !== 0;
    },
  };
}
