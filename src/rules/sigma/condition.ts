/**
 * Sigma's `condition` language: selection names, `1 of x*` / `all of x*` / `... them`, `not`,
 * `and`, `or` and parentheses, with Sigma's precedence (not, then and, then or). Features
 * this tool does not translate are parse errors that name them, at the token's position.
 */
export type ConditionNode =
  | { kind: 'ref'; name: string; pos: number }
  | { kind: 'of'; quantifier: 'one' | 'all'; pattern: string; pos: number }
  | { kind: 'not'; arg: ConditionNode }
  | { kind: 'and' | 'or'; args: ConditionNode[] };

export class ConditionError extends Error {
  constructor(
    message: string,
    /** Characters into the condition text. */
    readonly pos: number,
  ) {
    super(message);
  }
}

interface Token {
  text: string;
  pos: number;
}

const WORD = /[A-Za-z0-9_*.-]+/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i])) {
      i++;
      continue;
    }
    if (text[i] === '(' || text[i] === ')') {
      tokens.push({ text: text[i], pos: i++ });
      continue;
    }
    if (text[i] === '|') throw new ConditionError('aggregation expressions ("| count() ...") are not supported; write a correlation rule (event_count, value_count)', i);
    WORD.lastIndex = i;
    const m = WORD.exec(text);
    if (!m) throw new ConditionError(`unexpected ${JSON.stringify(text[i])} in the condition`, i);
    if (m[0].toLowerCase() === 'near') throw new ConditionError('"near" is not supported', i);
    tokens.push({ text: m[0], pos: i });
    i += m[0].length;
  }
  return tokens;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', 'all']);

export function parseCondition(text: string): ConditionNode {
  const tokens = tokenize(text);
  let at = 0;
  const peek = () => tokens[at];
  const word = (t: Token | undefined) => t?.text.toLowerCase();
  const end = text.length;

  function expect(what: string): Token {
    const t = tokens[at++];
    if (!t) throw new ConditionError(`the condition ends where ${what} was expected`, end);
    return t;
  }

  function binary(kind: 'and' | 'or', next: () => ConditionNode): ConditionNode {
    const args = [next()];
    while (word(peek()) === kind) {
      at++;
      args.push(next());
    }
    return args.length === 1 ? args[0] : { kind, args };
  }

  const or = (): ConditionNode => binary('or', and);
  const and = (): ConditionNode => binary('and', not);

  function not(): ConditionNode {
    if (word(peek()) !== 'not') return primary();
    at++;
    return { kind: 'not', arg: not() };
  }

  function primary(): ConditionNode {
    const t = expect('a selection name, "not", "1 of", "all of" or "("');
    const w = t.text.toLowerCase();
    if (t.text === '(') {
      const inner = or();
      const close = tokens[at];
      if (close?.text !== ')') throw new ConditionError('missing ")"', close?.pos ?? end);
      at++;
      return inner;
    }
    if (word(peek()) === 'of') return quantified(t);
    if (t.text === ')' || KEYWORDS.has(w)) throw new ConditionError(`unexpected "${t.text}"`, t.pos);
    return { kind: 'ref', name: t.text, pos: t.pos };
  }

  function quantified(t: Token): ConditionNode {
    const w = t.text.toLowerCase();
    if (w !== '1' && w !== 'all') {
      const message = /^\d+$/.test(w) ? `"${t.text} of" is not supported (only "1 of" and "all of")` : `unexpected "${t.text}" before "of"`;
      throw new ConditionError(message, t.pos);
    }
    at++;
    const target = expect('a selection pattern or "them" after "of"');
    if (target.text === '(' || target.text === ')' || (KEYWORDS.has(word(target)!) && word(target) !== 'them')) {
      throw new ConditionError(`unexpected "${target.text}" after "of"`, target.pos);
    }
    const pattern = word(target) === 'them' ? 'them' : target.text;
    return { kind: 'of', quantifier: w === '1' ? 'one' : 'all', pattern, pos: target.pos };
  }

  if (tokens.length === 0) throw new ConditionError('the condition is empty', 0);
  const tree = or();
  const rest = tokens[at];
  if (rest) throw new ConditionError(rest.text === ')' ? 'unmatched ")"' : `unexpected "${rest.text}" (join conditions with "and" or "or")`, rest.pos);
  return tree;
}
