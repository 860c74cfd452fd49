import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/json-schema.js';

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A union branch by its discriminator (`provider=file`) when it has one, so paths survive reordering. */
function branchName(branch: Node, keyword: string, i: number): string {
  const props = isNode(branch.properties) ? branch.properties : {};
  const tag = Object.entries(props).find(([, p]) => isNode(p) && typeof p.const === 'string');
  return tag ? `${keyword}(${tag[0]}=${(tag[1] as Node).const})` : `${keyword}[${i}]`;
}

/** Paths of every key (and every object variant of a union) without a description. */
function undescribed(node: Node, path: string, out: string[] = []): string[] {
  for (const [key, child] of Object.entries(isNode(node.properties) ? node.properties : {})) {
    const here = path ? `${path}.${key}` : key;
    if (!isNode(child) || typeof child.description !== 'string' || child.description.trim() === '') out.push(here);
    if (isNode(child)) undescribed(child, here, out);
  }
  if (isNode(node.items)) undescribed(node.items, `${path}[]`, out);
  if (isNode(node.additionalProperties)) undescribed(node.additionalProperties, `${path}.*`, out);
  for (const keyword of ['anyOf', 'oneOf', 'allOf']) {
    const branches = Array.isArray(node[keyword]) ? (node[keyword] as unknown[]) : [];
    branches.forEach((branch, i) => {
      if (!isNode(branch)) return;
      const here = `${path}.${branchName(branch, keyword, i)}`;
      if (branch.type === 'object' && !branch.description) out.push(here);
      undescribed(branch, here, out);
    });
  }
  for (const [name, def] of Object.entries(isNode(node.$defs) ? node.$defs : {})) if (isNode(def)) undescribed(def, `$defs.${name}`, out);
  return out;
}

/** Follows a path of property names and union branch names, as `undescribed` writes them. */
function at(schema: Node, ...steps: string[]): Node {
  let node = schema;
  for (const step of steps) {
    const branch = /^(anyOf|oneOf)\((\w+)=(.+)\)$/.exec(step);
    if (step === '[]') node = node.items as Node;
    else if (branch) node = (node[branch[1]] as Node[]).find((b) => ((b.properties as Node)?.[branch[2]] as Node)?.const === branch[3])!;
    else node = (node.properties as Node)[step] as Node;
    expect(node, `no ${step} in ${steps.join(' ')}`).toBeDefined();
  }
  return node;
}

describe('audit config schema: every key is described', () => {
  const schema = configJsonSchema();

  it('has a description on every key and object variant, at any depth', () => {
    const missing = undescribed(schema, '');
    expect(missing, `keys without a description:\n  ${missing.join('\n  ')}`).toEqual([]);
  });

  it('reaches into every part of the file, rule entries included', () => {
    // A walk that silently stopped early would pass the test above.
    const bare = JSON.parse(JSON.stringify(schema), (key, value) => (key === 'description' && typeof value === 'string' ? undefined : value));
    const paths = new Set(undescribed(bare, ''));
    const deep = ['source.oneOf(provider=tencentcloud).credentials.anyOf[1].secretKey', 'notifiers[].oneOf(type=exec).command', 'rules[].anyOf[3].spike.minCount'];
    for (const path of ['delivery.budget', 'source.oneOf(provider=file).path', ...deep]) {
      expect(paths).toContain(path);
    }
  });

  it('says what delivery.budget is for, its default and its range', () => {
    const budget = at(schema, 'delivery', 'budget').description as string;
    expect(budget).toMatch(/outbox/);
    expect(budget).toMatch(/delivering/);
    expect(budget).toContain('Default 30s');
    expect(budget).toContain('1s to 10m');
  });

  it('gives a shared duration its key-specific meaning and the helper its format', () => {
    const lateness = at(schema, 'source', 'oneOf(provider=file)', 'lateness').description as string;
    expect(lateness).toMatch(/^How long after its time an event may still appear/);
    expect(lateness).toContain('0 to 1d');
    const timeout = at(schema, 'notifiers', '[]', 'oneOf(type=webhook)', 'timeout').description as string;
    expect(timeout).toMatch(/retried/);
    expect(timeout).toContain('at most 10m');
  });

  it('shows editors the shapes of a rules: entry, with the built-in ids to tune', () => {
    const shapes = at(schema, 'rules', '[]').anyOf as Node[];
    expect(shapes.map((s) => Object.keys(s.properties as Node)[0])).toEqual(['file', 'builtin', 'id', 'id', 'sigma']);
    expect(((shapes[2].properties as Node).id as Node).enum).toContain('root-console-login');
    expect(((shapes[3].properties as Node).window as Node).description).toMatch(/count, spike or distinct/);
  });
});
