import type { CompiledRule } from './compile.js';

/** Distinct event names remembered; names come from input, so the memo must stay bounded. */
export const MAX_MEMO_NAMES = 10_000;

/**
 * Which rules can match an event of a given name, in rule order. A rule's top-level `name`
 * condition depends on the name alone, so it is decided once per distinct name and the
 * answer is kept; rules without one are candidates for every name. Past the memo's bound,
 * names get the index below: rules pinned to exact names where the name is one of them, plus
 * every rule not pinned (a superset, so the rules' own tests still decide correctly).
 */
export function candidateIndex(rules: readonly CompiledRule[]): (name: string) => readonly CompiledRule[] {
  const unindexed: CompiledRule[] = [];
  const byName = new Map<string, CompiledRule[]>();
  for (const rule of rules) {
    const names = rule.names;
    if (!names) unindexed.push(rule);
    else for (const name of new Set(names)) byName.set(name, [...(byName.get(name) ?? []), rule]);
  }
  const merged = new Map<string, CompiledRule[]>();
  for (const [name, list] of byName) merged.set(name, [...list, ...unindexed].sort((a, b) => a.index - b.index));
  const indexed = (name: string) => merged.get(name) ?? unindexed;

  if (!rules.some((r) => r.nameTest !== undefined)) return indexed;
  const memo = new Map<string, readonly CompiledRule[]>();
  // Most names select the same few lists: share them instead of holding one per name.
  const shared = new Map<string, readonly CompiledRule[]>();
  return (name) => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    if (typeof name !== 'string' || memo.size >= MAX_MEMO_NAMES) return indexed(name);
    // A rule pinned to other names fails its name test, so only the index's list needs testing.
    const list = indexed(name).filter((r) => r.nameTest === undefined || r.nameTest(name));
    const id = list.map((r) => r.index).join(',');
    let same = shared.get(id);
    if (same === undefined) shared.set(id, (same = list));
    memo.set(name, same);
    return same;
  };
}
