/**
 * A small parser for the JavaScript regexes rules may hold (no `u` or `v` flag, so the lenient
 * Annex B syntax), enough for regex-safety.ts to see the shape of a pattern: what repeats, what
 * alternates, and which characters each part can take. It runs only on patterns `new RegExp`
 * already accepted, and where a construct is unclear it errs towards "any character", which can
 * only make the safety check stricter.
 */

/** Sorted, disjoint, inclusive ranges of UTF-16 code units (without `u`, a regex sees code units). */
export type CharSet = readonly (readonly [number, number])[];

export type RegexNode = { start: number; end: number } & (
  | { kind: 'chars'; set: CharSet }
  | { kind: 'seq'; items: RegexNode[] }
  | { kind: 'alt'; options: RegexNode[] }
  | { kind: 'group'; body: RegexNode }
  /** Lookahead or lookbehind: looks at text without taking it. */
  | { kind: 'look'; body: RegexNode }
  /** `^`, `$`, `\b`, `\B`. */
  | { kind: 'assert' }
  | { kind: 'backref' }
  | { kind: 'repeat'; body: RegexNode; min: number; max: number }
);

const TOP = 0xffff;
export const ANY: CharSet = [[0, TOP]];
const DIGIT: CharSet = [[48, 57]];
const WORD: CharSet = [[48, 57], [65, 90], [95, 95], [97, 122]];
const SPACE: CharSet = normalize([
  [9, 13], [32, 32], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff],
]);
const LINE_TERMINATORS: CharSet = normalize([[10, 10], [13, 13], [0x2028, 0x2029]]);
const DOT = complement(LINE_TERMINATORS);

export function normalize(ranges: (readonly [number, number])[]): CharSet {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out.at(-1);
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export const union = (a: CharSet, b: CharSet): CharSet => normalize([...a, ...b]);

export function complement(set: CharSet): CharSet {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of set) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= TOP) out.push([next, TOP]);
  return out;
}

export function intersects(a: CharSet, b: CharSet): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i][1] < b[j][0]) i++;
    else if (b[j][1] < a[i][0]) j++;
    else return true;
  }
  return false;
}

export function isSubset(a: CharSet, b: CharSet): boolean {
  return a.every(([lo, hi]) => b.some(([blo, bhi]) => blo <= lo && hi <= bhi));
}

/** With `i`, a character also stands for its other cases; small ranges are folded one by one. */
function foldCase(set: CharSet): CharSet {
  const extra: [number, number][] = [];
  for (const [lo, hi] of set) {
    if (hi - lo > 0x400) {
      // Wide ranges (negated classes, `.`) hold nearly everything already; add the ASCII letters.
      extra.push([65, 90], [97, 122]);
      continue;
    }
    for (let c = lo; c <= hi; c++) {
      const ch = String.fromCharCode(c);
      for (const other of [ch.toLowerCase(), ch.toUpperCase()]) {
        if (other.length === 1 && other !== ch) extra.push([other.charCodeAt(0), other.charCodeAt(0)]);
      }
    }
  }
  return extra.length ? union(set, extra) : set;
}

const single = (code: number): CharSet => [[code, code]];
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isOctal = (c: string | undefined) => c !== undefined && c >= '0' && c <= '7';
const CLASS_ESCAPES: Record<string, CharSet> = {
  d: DIGIT, D: complement(DIGIT), w: WORD, W: complement(WORD), s: SPACE, S: complement(SPACE),
};
const CONTROL_ESCAPES: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };

/** Capturing groups, so `\2` can be told from an octal escape as the engine does. */
function countGroups(p: string): { groups: number; named: boolean } {
  let groups = 0;
  let named = false;
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') {
      if (p[i + 1] !== '?') groups++;
      else if (p[i + 2] === '<' && p[i + 3] !== '=' && p[i + 3] !== '!') {
        groups++;
        named = true;
      }
    }
  }
  return { groups, named };
}

/** Groups nested deeper than this are not looked into (the parser recurses per group). */
export const MAX_GROUP_DEPTH = 100;

export class RegexTooDeep extends Error {}

/** Parses a pattern `new RegExp(pattern, ignoreCase ? 'i' : '')` accepted; throws RegexTooDeep. */
export function parseRegex(p: string, ignoreCase: boolean): RegexNode {
  const { groups, named } = countGroups(p);
  let i = 0;
  let depth = 0;
  const chars = (set: CharSet, start: number): RegexNode => ({ kind: 'chars', set: ignoreCase ? foldCase(set) : set, start, end: i });

  function alternation(): RegexNode {
    const start = i;
    const options = [sequence()];
    while (p[i] === '|') {
      i++;
      options.push(sequence());
    }
    return options.length === 1 ? options[0] : { kind: 'alt', options, start, end: i };
  }

  function sequence(): RegexNode {
    const start = i;
    const items: RegexNode[] = [];
    while (i < p.length && p[i] !== '|' && p[i] !== ')') items.push(quantified(atom()));
    return { kind: 'seq', items, start, end: i };
  }

  function quantified(body: RegexNode): RegexNode {
    let min: number;
    let max: number;
    const c = p[i];
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else {
      const m = c === '{' ? /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i)) : null;
      if (!m) return body;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      i += m[0].length - 1;
    }
    i++;
    if (p[i] === '?') i++; // lazy: the same paths, tried in another order
    return { kind: 'repeat', body, min, max, start: body.start, end: i };
  }

  function atom(): RegexNode {
    const start = i;
    const c = p[i++];
    if (c === '(') return group(start);
    if (c === '[') return charClass(start);
    if (c === '.') return chars(DOT, start);
    if (c === '^' || c === '$') return { kind: 'assert', start, end: i };
    if (c === '\\') return escape(start);
    return chars(single(c.charCodeAt(0)), start);
  }

  function group(start: number): RegexNode {
    if (++depth > MAX_GROUP_DEPTH) throw new RegexTooDeep(`groups nested more than ${MAX_GROUP_DEPTH} deep`);
    let look = false;
    if (p.startsWith('?:', i)) i += 2;
    else if (p.startsWith('?=', i) || p.startsWith('?!', i)) [i, look] = [i + 2, true];
    else if (p.startsWith('?<=', i) || p.startsWith('?<!', i)) [i, look] = [i + 3, true];
    else if (p.startsWith('?<', i)) i = p.indexOf('>', i) + 1;
    const body = alternation();
    i++; // ')'
    depth--;
    return { kind: look ? 'look' : 'group', body, start, end: i };
  }

  function escape(start: number): RegexNode {
    const c = p[i];
    if (c === 'b' || c === 'B') {
      i++;
      return { kind: 'assert', start, end: i };
    }
    if (c >= '1' && c <= '9') {
      let digits = '';
      while (isDigit(p[i])) digits += p[i++];
      if (Number(digits) <= groups) return { kind: 'backref', start, end: i };
      // An octal escape or a literal digit (Annex B); any character is the safe guess.
      return chars(ANY, start);
    }
    if (c === 'k' && named && p[i + 1] === '<') {
      i = p.indexOf('>', i) + 1;
      return { kind: 'backref', start, end: i };
    }
    return chars(escapeChars(), start);
  }

  /** An escape that stands for characters, inside or outside a class; `i` is just past the `\`. */
  function escapeChars(inClass = false): CharSet {
    const c = p[i++];
    if (c in CLASS_ESCAPES) return CLASS_ESCAPES[c];
    if (c in CONTROL_ESCAPES) return single(CONTROL_ESCAPES[c]);
    if (inClass && c === 'b') return single(8);
    if (c === 'c') {
      const letter = p[i];
      if (letter !== undefined && /[A-Za-z]/.test(letter)) {
        i++;
        return single(letter.charCodeAt(0) % 32);
      }
      i--; // `\c` without a letter is a backslash, then `c`
      return single(92);
    }
    const hex = c === 'x' ? 2 : c === 'u' ? 4 : 0;
    if (hex && new RegExp(`^[0-9A-Fa-f]{${hex}}`).test(p.slice(i))) {
      i += hex;
      return single(parseInt(p.slice(i - hex, i), 16));
    }
    if (isOctal(c)) {
      let digits = c;
      while (digits.length < 3 && isOctal(p[i])) digits += p[i++];
      return single(parseInt(digits, 8) & 0xff);
    }
    return single(c.charCodeAt(0));
  }

  function charClass(start: number): RegexNode {
    const negated = p[i] === '^';
    if (negated) i++;
    const parts: CharSet[] = [];
    while (i < p.length && p[i] !== ']') {
      const from = classAtom();
      if (p[i] === '-' && p[i + 1] !== ']' && i + 1 < p.length && from.length === 1 && from[0][0] === from[0][1]) {
        const save = i;
        i++;
        const to = classAtom();
        if (to.length === 1 && to[0][0] === to[0][1]) {
          parts.push([[from[0][0], to[0][0]]]);
          continue;
        }
        // `[a-\d]`: the `-` is a literal (Annex B).
        i = save;
      }
      parts.push(from);
    }
    i++; // ']'
    const set = parts.reduce(union, []);
    return chars(negated ? complement(set) : set, start);
  }

  function classAtom(): CharSet {
    const c = p[i++];
    return c === '\\' ? escapeChars(true) : single(c.charCodeAt(0));
  }

  return alternation();
}
