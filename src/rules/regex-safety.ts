import { ANY, intersects, isSubset, parseRegex, RegexTooDeep, union, type CharSet, type RegexNode } from './regex-ast.js';

/**
 * Rule regexes run on event text that outsiders can shape (user agents, resource names, error
 * messages), with V8's backtracking engine and no time limit; there is no linear-time engine in
 * our dependencies. So patterns whose backtracking can explode are refused when the rule is
 * loaded. Two shapes are refused, on a conservative reading (a safe pattern may be refused; the
 * message says how to rewrite it):
 *
 * - exponential: a repeated group whose repeats can split the same text in more than one way:
 *   a quantifier inside it (`(a+)+`, `(\w+\s?)*`), or alternatives one of which can match the
 *   start of another (`(a|aa)+`). A group with only fixed-size parts that no two ways can start
 *   alike stays allowed (`(\d{1,3}\.){3}`, `(Delete|Describe)+`).
 * - polynomial of degree 3 or more: unbounded quantifiers in a row that can take the same
 *   characters (`a.*b.*c`: either `.*` may take each `b`), counting one more for an unanchored
 *   pattern, which the engine retries at every position. One such pair under `^`, or a single
 *   quantifier anywhere, stays allowed (at worst quadratic: `.*Delete`, `^a.*b.*c`).
 */
interface RegexRisk {
  kind: 'exponential' | 'polynomial';
  /** What was found: `nested quantifier in "(a+)+"`. */
  detail: string;
  /** How to rewrite the pattern. */
  advice: string;
}

const NESTED = 'rewrite it without a repeated group that repeats inside';
const ALTERNATIVES = 'rewrite it so that no two alternatives of a repeated group can start alike';
const NARROWER = 'give the quantifiers narrower classes such as [^/]*';

/**
 * Why a pattern `new RegExp` accepted must not run on event text, as a message for the rule's
 * path; undefined when it is safe to run on long text.
 */
export function regexProblem(pattern: string, ignoreCase: boolean): string | undefined {
  let root: RegexNode;
  try {
    root = parseRegex(pattern, ignoreCase);
  } catch (err) {
    if (err instanceof RegexTooDeep) return `pattern is too complex to check (${err.message}); simplify it`;
    throw err;
  }
  const text = (n: RegexNode) => pattern.slice(n.start, n.end);
  const risk = exponential(root, text) ?? polynomial(root, text);
  if (!risk) return undefined;
  const time = risk.kind === 'exponential' ? 'exponential time' : 'polynomial time on long text';
  return `pattern may take ${time} (${risk.detail}); ${risk.advice}`;
}

type Text = (n: RegexNode) => string;

/** A part of the pattern for a message, in quotes as written; shortened when long (300 action names). */
function quote(part: string): string {
  return `"${part.length > 60 ? `${part.slice(0, 57)}...` : part}"`;
}

/** Sizes and character sets are asked for again and again while looking at a pattern. */
function memo<T>(compute: (n: RegexNode) => T): (n: RegexNode) => T {
  const cache = new WeakMap<RegexNode, T>();
  return (n) => {
    if (!cache.has(n)) cache.set(n, compute(n));
    return cache.get(n)!;
  };
}

const minLen = memo((n): number => {
  switch (n.kind) {
    case 'chars': return 1;
    case 'seq': return n.items.reduce((sum, item) => sum + minLen(item), 0);
    case 'alt': return n.options.reduce((least, option) => Math.min(least, minLen(option)), Infinity);
    case 'group': return minLen(n.body);
    case 'repeat': return n.min === 0 ? 0 : n.min * minLen(n.body);
    default: return 0;
  }
});

const maxLen = memo((n): number => {
  switch (n.kind) {
    case 'chars': return 1;
    case 'seq': return n.items.reduce((sum, item) => sum + maxLen(item), 0);
    case 'alt': return n.options.reduce((most, option) => Math.max(most, maxLen(option)), 0);
    case 'group': return maxLen(n.body);
    case 'repeat': {
      const body = maxLen(n.body);
      return n.max === 0 || body === 0 ? 0 : n.max * body;
    }
    case 'backref': return Infinity;
    default: return 0;
  }
});

/** Every character the node can take (a back-reference: any). */
const taken = memo((n): CharSet => {
  switch (n.kind) {
    case 'chars': return n.set;
    case 'seq': return n.items.map(taken).reduce(union, []);
    case 'alt': return n.options.map(taken).reduce(union, []);
    case 'group':
    case 'repeat': return taken(n.body);
    case 'backref': return ANY;
    default: return [];
  }
});

function children(n: RegexNode): RegexNode[] {
  switch (n.kind) {
    case 'seq': return n.items;
    case 'alt': return n.options;
    case 'group':
    case 'look':
    case 'repeat': return [n.body];
    default: return [];
  }
}

/** A quantifier without an upper bound anywhere inside (lookarounds too: they run at every repeat). */
function unbounded(n: RegexNode): boolean {
  if (n.kind === 'repeat' && n.max === Infinity) return true;
  return children(n).some(unbounded);
}

function hasQuantifier(n: RegexNode): boolean {
  if (n.kind === 'repeat' && n.max > n.min) return true;
  return children(n).some(hasQuantifier);
}

/**
 * A back-reference in a way through a group: text captured elsewhere, of any length and
 * content, so it starts alike with everything.
 */
const CAPTURED: CharSet = [...ANY];

/** Past this many ways through a repeated group, it is not worth proving the group safe. */
const MAX_WORDS = 256;
const MAX_WORD_CHARS = 4096;

/**
 * Every way through a node without unbounded parts, as the character sets each way takes in
 * order; undefined when there are too many to look at.
 */
function words(n: RegexNode): CharSet[][] | undefined {
  switch (n.kind) {
    case 'chars': return [[n.set]];
    case 'backref': return [[CAPTURED]];
    case 'assert':
    case 'look': return [[]];
    case 'group': return words(n.body);
    case 'alt': {
      const all: CharSet[][] = [];
      for (const option of n.options) {
        const w = words(option);
        if (!w || all.push(...w) > MAX_WORDS) return undefined;
      }
      return all;
    }
    case 'seq': return n.items.reduce<CharSet[][] | undefined>((acc, item) => acc && product(acc, words(item)), [[]]);
    case 'repeat': {
      const body = words(n.body);
      if (!body || n.max === Infinity) return undefined;
      const all: CharSet[][] = [];
      let k: CharSet[][] | undefined = [[]];
      for (let count = 0; count <= n.max && k; count++) {
        if (count >= n.min && all.push(...k) > MAX_WORDS) return undefined;
        k = count < n.max ? product(k, body) : k;
      }
      return k ? all : undefined;
    }
  }
}

function product(a: CharSet[][], b: CharSet[][] | undefined): CharSet[][] | undefined {
  if (!b || a.length * b.length > MAX_WORDS) return undefined;
  const out = a.flatMap((x) => b.map((y) => [...x, ...y]));
  return out.every((w) => w.length <= MAX_WORD_CHARS) ? out : undefined;
}

/** Some text can be taken whole by one way and be the start of what the other takes. */
function startAlike(a: CharSet[], b: CharSet[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === CAPTURED || b[i] === CAPTURED) return true;
    if (!intersects(a[i], b[i])) return false;
  }
  return true;
}

/**
 * A group repeated more than once whose repeats are not each decided by the text: any two ways
 * through it that start alike let the engine try both at every repeat, 2^n paths in all.
 */
function exponential(n: RegexNode, text: Text): RegexRisk | undefined {
  for (const child of children(n)) {
    const inner = exponential(child, text);
    if (inner) return inner;
  }
  if (n.kind !== 'repeat' || n.max <= 1 || maxLen(n.body) === 0) return undefined;
  const risk: RegexRisk =
    hasQuantifier(n.body) || unbounded(n.body)
      ? { kind: 'exponential', detail: `nested quantifier in ${quote(text(n))}`, advice: NESTED }
      : { kind: 'exponential', detail: `alternatives that can match the same text in ${quote(text(n))}`, advice: ALTERNATIVES };
  if (unbounded(n.body)) return risk;
  const ways = words(n.body);
  if (!ways) return risk;
  for (let i = 0; i < ways.length; i++) {
    for (let j = i + 1; j < ways.length; j++) if (startAlike(ways[i], ways[j])) return risk;
  }
  return undefined;
}

/** A sequence's parts, with plain groups opened up so `(a.*)(b.*)` is seen as one row. */
function flatten(items: RegexNode[]): RegexNode[] {
  return items.flatMap((item) => {
    if (item.kind !== 'group') return [item];
    return item.body.kind === 'seq' ? flatten(item.body.items) : item.body.kind === 'alt' ? [item] : flatten([item.body]);
  });
}

const isUnboundedRepeat = (n: RegexNode) => n.kind === 'repeat' && n.max === Infinity && maxLen(n.body) > 0;

/**
 * A row of unbounded quantifiers in which each can take characters the next takes, with nothing
 * between them that the earlier one could not take or skip: each extra one lets the engine try
 * every split of the text again (`.*a.*b` tries each `a` for the first `.*`). The first row that
 * reaches `length`, or undefined.
 */
function rowOf(items: RegexNode[], length: number): { from: RegexNode; to: RegexNode } | undefined {
  // Per item, the longest row ending there and where it starts; items are taken in order, so a
  // row is complete before it is extended.
  const rows = new Map<number, { length: number; from: RegexNode }>();
  for (let i = 0; i < items.length; i++) {
    if (!isUnboundedRepeat(items[i])) continue;
    const row = rows.get(i) ?? { length: 1, from: items[i] };
    if (row.length >= length) return { from: row.from, to: items[i] };
    const set = taken(items[i]);
    // Later quantifiers are linked while everything between can be taken or skipped; the first
    // part that cannot ends the search for this one.
    for (let j = i + 1; j < items.length; j++) {
      const item = items[j];
      if (isUnboundedRepeat(item) && intersects(set, taken(item)) && (rows.get(j)?.length ?? 1) < row.length + 1) {
        rows.set(j, { length: row.length + 1, from: row.from });
      }
      if (minLen(item) > 0 && !isSubset(taken(item), set)) break;
    }
  }
  return undefined;
}

/** `".*b.*"`, or the two ends alone when the text between them is not a whole part (`(a.*)(b.*)`). */
function rowDetail(from: string, to: string, whole: string): string {
  let depth = 0;
  for (const c of whole.replace(/\\.|\[(?:\\.|[^\]])*\]/g, '')) {
    depth += c === '(' ? 1 : c === ')' ? -1 : 0;
    if (depth < 0) break;
  }
  return depth === 0 ? `quantifiers over the same characters in ${quote(whole)}` : `${quote(from)} and ${quote(to)} over the same characters`;
}

/**
 * Rows of quantifiers over the same characters, in every sequence of the pattern. `anchored`:
 * the sequence can start at one place only (after `^`, with only fixed-size parts before it).
 * `top`: the sequence ends the pattern, so a quantifier at its end never needs to give back.
 */
function polynomial(root: RegexNode, text: Text): RegexRisk | undefined {
  const visit = (n: RegexNode, anchored: boolean, top: boolean): RegexRisk | undefined => {
    if (n.kind === 'alt') {
      for (const option of n.options) {
        const found = visit(option, anchored, top);
        if (found) return found;
      }
      return undefined;
    }
    if (n.kind !== 'seq') return visitChildren(n, anchored);
    const items = flatten(n.items);
    const starts = items[0]?.kind === 'assert' && text(items[0]) === '^';
    const fixed = anchored || (top && starts);
    const counted = top && items.length > 0 && isUnboundedRepeat(items.at(-1)!) ? items.slice(0, -1) : items;
    // Cubic or worse: three in a row, or two where the engine also tries every start.
    const row = rowOf(counted, fixed ? 3 : 2);
    if (row) {
      const advice = fixed ? NARROWER : `anchor it with ^, or ${NARROWER}`;
      return { kind: 'polynomial', detail: rowDetail(text(row.from), text(row.to), pattern(row.from, row.to)), advice };
    }
    let stillFixed = fixed;
    for (const item of items) {
      const found = visit(item, stillFixed, false);
      if (found) return found;
      stillFixed &&= minLen(item) === maxLen(item);
    }
    return undefined;
  };
  const visitChildren = (n: RegexNode, anchored: boolean): RegexRisk | undefined => {
    for (const child of children(n)) {
      // A body repeated more than once runs at many places.
      const found = visit(child, anchored && !(n.kind === 'repeat' && n.max > 1), false);
      if (found) return found;
    }
    return undefined;
  };
  const pattern = (from: RegexNode, to: RegexNode) => text({ ...from, end: to.end });
  return visit(root, false, true);
}
