import { describe, expect, it } from 'vitest';
import { createIdSet } from '../../src/util/id-set.js';

describe('createIdSet', () => {
  it('adds once, answers has, and survives growing past its first table', () => {
    const set = createIdSet();
    const ids = Array.from({ length: 20_000 }, (_, i) => `evt-${i}-${(i * 2654435761) >>> 0}`);
    for (const id of ids) expect(set.add(id)).toBe(true);
    expect(set.size).toBe(ids.length);
    for (const id of ids) {
      expect(set.has(id)).toBe(true);
      expect(set.add(id)).toBe(false);
    }
    expect(set.size).toBe(ids.length);
    expect(set.has('evt-20000-0')).toBe(false);
    expect(set.has('')).toBe(false);
  });

  it('tells apart ids that differ in one character, including non-ASCII ones', () => {
    const set = createIdSet();
    for (const id of ['a', 'b', 'ab', 'ba', '', '日本', '日夲', 'x'.repeat(1000), `${'x'.repeat(999)}y`]) expect(set.add(id)).toBe(true);
    expect(set.size).toBe(9);
  });
});
