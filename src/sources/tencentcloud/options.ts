import * as z from 'zod';
import { timeoutDuration } from '../../util/duration-schema.js';
import { sourceCommonFields } from '../common.js';

const credentialsSchema = z.union([
  z.enum(['auto', 'env', 'profile', 'cvm-role']),
  z.strictObject({
    secretId: z.string().min(1),
    secretKey: z.string().min(1),
    token: z.string().min(1).optional(),
  }),
]);

const endpointSchema = z.string().refine(
  (value) => {
    try {
      const u = new URL(value);
      return (u.protocol === 'http:' || u.protocol === 'https:') && (u.pathname === '/' || u.pathname === '') && !u.search;
    } catch {
      return false;
    }
  },
  { message: 'invalid endpoint: expected scheme://host[:port]' },
);

/** The `source:` block for Tencent CloudAudit. Only the options; the SDK is loaded on create. */
export const tencentcloudOptions = z
  .strictObject({
    provider: z.literal('tencentcloud'),
    region: z.string().min(1).optional(),
    regions: z.array(z.string().min(1)).min(1).optional(),
    api: z.enum(['LookUpEvents', 'DescribeEvents']).default('LookUpEvents'),
    endpoint: endpointSchema.optional(),
    credentials: credentialsSchema.default('auto'),
    eventNames: z.array(z.string().min(1)).optional(),
    /** Further push-down filters (LookUpEvents only; all must hold): what `audit events --user/--access-key/--writes` send. */
    lookup: z
      .strictObject({ username: z.string().min(1).optional(), accessKeyId: z.string().min(1).optional(), readOnly: z.boolean().optional() })
      .optional(),
    /** Across all regions together; the API itself allows 20. */
    maxRequestsPerSecond: z.number().positive().max(20).default(10),
    /** Attempts per API call, retries included. */
    maxAttempts: z.number().int().min(1).max(20).default(5),
    /** Per-request timeout; a stalled request is abandoned and retried. At most 10m. */
    timeout: timeoutDuration.default(10_000),
    ...sourceCommonFields,
  })
  .refine((o) => !(o.region && o.regions), { message: 'give either region or regions, not both', path: ['regions'] })
  .transform(({ region, regions, ...rest }) => ({ ...rest, regions: regions ?? [region ?? 'ap-guangzhou'] }));

export type TencentcloudOptions = z.output<typeof tencentcloudOptions>;
