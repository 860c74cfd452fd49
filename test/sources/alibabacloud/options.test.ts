import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { alibabacloudOptions } from '../../../src/sources/alibabacloud/options.js';

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

const issues = (input: unknown) => {
  const r = alibabacloudOptions.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('alibabacloud source options', () => {
  it('describes every key', () => {
    expect(undescribed(z.toJSONSchema(alibabacloudOptions, { io: 'input', unrepresentable: 'any' }) as Node, '')).toEqual([]);
  });

  it('defaults to cn-hangzhou, auto credentials and ActionTrail’s 2 calls/s', () => {
    expect(alibabacloudOptions.parse({ provider: 'alibabacloud' })).toEqual({
      provider: 'alibabacloud',
      regions: ['cn-hangzhou'],
      credentials: 'auto',
      maxRequestsPerSecond: 2,
      maxAttempts: 5,
      timeout: 10_000,
      lateness: 900_000,
    });
  });

  it('refuses a rate above the API limit, an unquoted or malformed account, an endpoint with a path, unknown keys', () => {
    expect(issues({ provider: 'alibabacloud', maxRequestsPerSecond: 3 })).toEqual([expect.stringMatching(/^maxRequestsPerSecond: /)]);
    expect(issues({ provider: 'alibabacloud', account: 1234567890123456 })).toEqual([expect.stringMatching(/^account: /)]);
    expect(issues({ provider: 'alibabacloud', account: 'acct-1' })).toEqual([expect.stringContaining('numeric account ID')]);
    expect(issues({ provider: 'alibabacloud', endpoint: 'http://127.0.0.1:9001/v1' })).toEqual([expect.stringContaining('invalid endpoint')]);
    expect(issues({ provider: 'alibabacloud', stsEndpoint: 'ftp://sts' })).toEqual([expect.stringContaining('invalid endpoint')]);
    expect(issues({ provider: 'alibabacloud', region: 'cn-hangzhou' })).toHaveLength(1);
    expect(issues({ provider: 'alibabacloud', credentials: { accessKeyId: 'LTAI5t', accessKeySecret: 's', token: 'x' } })).not.toEqual([]);
  });

  it('is a provider of the config file, beside the others', () => {
    const yaml = [
      'sources:',
      '  - { provider: tencentcloud, regions: [ap-guangzhou] }',
      '  - provider: alibabacloud',
      '    regions: [cn-hangzhou, cn-shanghai]',
      '    account: "1234567890123456"',
      '    credentials: { accessKeyId: LTAI5tExample, accessKeySecret: "${ALI_SECRET}" }',
      '    endpoint: http://127.0.0.1:9001',
      '    eventNames: [ConsoleSignin]',
    ].join('\n');
    const c = parseConfig(yaml, { ALI_SECRET: 'from-the-environment-0001' }, 'a');
    expect(c.sources[1]).toMatchObject({
      provider: 'alibabacloud',
      regions: ['cn-hangzhou', 'cn-shanghai'],
      account: '1234567890123456',
      credentials: { accessKeyId: 'LTAI5tExample', accessKeySecret: 'from-the-environment-0001' },
      maxRequestsPerSecond: 2,
    });
  });
});
