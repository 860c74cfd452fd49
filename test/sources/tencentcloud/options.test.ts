import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { tencentcloudOptions } from '../../../src/sources/tencentcloud/options.js';

type Node = Record<string, any>;

/** Keys (and object variants of unions) without a description, as `audit config schema` shows them. */
function undescribed(node: Node, path: string, out: string[] = []): string[] {
  for (const [key, child] of Object.entries<Node>(node.properties ?? {})) {
    if (!child.description) out.push(`${path}${key}`);
    undescribed(child, `${path}${key}.`, out);
  }
  for (const [i, branch] of ((node.anyOf ?? []) as Node[]).entries()) {
    if (branch.type === 'object' && !branch.description) out.push(`${path}anyOf[${i}]`);
    undescribed(branch, `${path}anyOf[${i}].`, out);
  }
  return out;
}

describe('tencentcloud source options', () => {
  it('describe every key for editors, the block itself included', () => {
    const schema = z.toJSONSchema(tencentcloudOptions, { io: 'input', unrepresentable: 'any' }) as Node;
    expect(schema.description).toMatch(/CloudAudit/);
    expect(undescribed(schema, '')).toEqual([]);
    expect(schema.properties.profile.description).toContain('TENCENTCLOUD_PROFILE');
    expect(schema.properties.timeout.description).toMatch(/^Per request.*at most 10m\.$/);
  });

  it('take a profile with credentials auto or profile only', () => {
    const parse = (o: Record<string, unknown>) => tencentcloudOptions.safeParse({ provider: 'tencentcloud', ...o });
    expect(parse({ profile: 'prod' }).data?.profile).toBe('prod');
    expect(parse({ profile: 'prod', credentials: 'profile' }).success).toBe(true);
    const env = parse({ profile: 'prod', credentials: 'env' });
    expect(env.error?.issues).toEqual([expect.objectContaining({ path: ['profile'], message: 'profile is read only with credentials: auto or profile' })]);
  });
});
