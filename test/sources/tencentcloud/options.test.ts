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

  it('take accounts through roles, each with its own id, the role in that account', () => {
    const parse = (o: Record<string, unknown>) => tencentcloudOptions.safeParse({ provider: 'tencentcloud', ...o });
    const role = { id: '100012345678', roleArn: 'qcs::cam::uin/100012345678:roleName/AuditReader' };
    const ok = parse({ account: '100000000001', accounts: [{ ...role, externalId: 'ext-1234' }], stsEndpoint: 'http://127.0.0.1:9000' });
    expect(ok.data?.accounts).toEqual([{ ...role, externalId: 'ext-1234', sessionName: 'cloudaudit-watch' }]);
    expect(ok.data?.stsEndpoint).toBe('http://127.0.0.1:9000');
    const issues = (o: Record<string, unknown>) => parse(o).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ account: 'me' })).toEqual(['account: expected an account id (UIN): digits only, e.g. "100012345678"']);
    expect(issues({ accounts: [{ ...role, roleArn: 'AuditReader' }] })).toEqual(['accounts.0.roleArn: expected a role ARN: qcs::cam::uin/<account>:roleName/<name>']);
    expect(issues({ accounts: [{ ...role, id: '100000000009' }] })).toEqual(['accounts.0.roleArn: the role is in account 100012345678, not 100000000009']);
    expect(issues({ account: role.id, accounts: [role] })).toEqual(['accounts.0.id: account 100012345678 is already watched (account)']);
    expect(issues({ accounts: [role, role] })).toEqual(['accounts.1.id: account 100012345678 is already watched (accounts[0])']);
    expect(issues({ accounts: [{ ...role, externalId: 'x' }] })).toEqual(['accounts.0.externalId: expected 2 to 128 letters, digits or =,.@:/-_']);
    expect(issues({ stsEndpoint: 'sts.example.com' })).toEqual(['stsEndpoint: invalid endpoint: expected scheme://host[:port]']);
    expect(issues({ maxRequestsPerSecond: 21 })?.[0]).toMatch(/^maxRequestsPerSecond: /);
  });
});
