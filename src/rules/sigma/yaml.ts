import { isMap as isYamlMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';

export type Key = string | number;

/** A problem in one Sigma document: where (below the document) and what. */
export interface SigmaIssue {
  path: Key[];
  message: string;
  /** Point at the map key rather than its value: a modifier is written in the key. */
  onKey?: boolean;
  /** Characters into a one-line string, e.g. the token of a condition that is wrong. */
  shift?: number;
}

export interface SigmaDocument {
  /** Position in the file, from 0. */
  index: number;
  data: unknown;
  /** `line:column` (1-based) of the deepest node that exists along the issue's path. */
  locate(issue: Pick<SigmaIssue, 'path' | 'onKey' | 'shift'>): string;
}

/** A YAML map, once converted to JavaScript. */
export const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const ONE_LINE_TYPES = new Set(['PLAIN', 'QUOTE_SINGLE', 'QUOTE_DOUBLE']);

/**
 * Every YAML document of a Sigma file (a correlation often follows its rules after `---`), each
 * with a way back from a path to its place in the text. Invalid YAML gives only issues.
 */
export function parseSigmaText(text: string, display: string): { docs: SigmaDocument[]; issues: string[] } {
  const counter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: counter, prettyErrors: false });
  const pos = (offset: number) => {
    const { line, col } = counter.linePos(offset);
    return `${line}:${col}`;
  };
  const errors = parsed.flatMap((doc) => doc.errors);
  if (errors.length > 0) return { docs: [], issues: errors.map((e) => `${display}:${pos(e.pos[0])}: invalid YAML: ${e.message}`) };
  const docs = parsed.map((doc, index): SigmaDocument => ({
    index,
    data: doc.toJS({ maxAliasCount: 100 }),
    locate({ path, onKey, shift }) {
      const { node, key, complete } = walk(doc.contents as Node | null, path);
      const target = onKey && complete && key ? key : node;
      if (!target?.range) return pos(doc.range?.[0] ?? 0);
      const start = target.range[0];
      // A shift is only exact in a string that sits on one line and has no escapes.
      const oneLine = isScalar(target) && ONE_LINE_TYPES.has(String(target.type)) && !text.slice(start, target.range[1]).includes('\n');
      if (!shift || !oneLine || !complete || onKey) return pos(start);
      return pos(start + shift + (target.type === 'PLAIN' ? 0 : 1));
    },
  }));
  return { docs, issues: [] };
}

/** The node at `path`, or the deepest one on the way, and the key node it sits under. */
function walk(root: Node | null, path: Key[]): { node: Node | null; key?: Node; complete: boolean } {
  let node = root;
  let key: Node | undefined;
  for (const step of path) {
    if (isYamlMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) return { node, key, complete: false };
      key = pair.key as Node;
      node = (pair.value as Node | null) ?? key;
    } else if (isSeq(node) && typeof step === 'number' && node.items[step]) {
      key = undefined;
      node = node.items[step] as Node;
    } else return { node, key, complete: false };
  }
  return { node, key, complete: true };
}

const SIGMA_KEYS = ['detection', 'correlation', 'logsource'];

/**
 * Whether a file given to `audit rules validate` holds Sigma rules rather than a list of native
 * rules: several documents, or one map with a Sigma section. Broken YAML counts as native, whose
 * reader reports it.
 */
export function isSigmaText(text: string): boolean {
  const parsed = parseAllDocuments(text);
  if (parsed.length > 1) return true;
  const contents = parsed[0]?.contents;
  return isYamlMap(contents) && SIGMA_KEYS.some((k) => contents.has(k));
}
