import * as z from 'zod';
import { timeoutDuration } from '../../util/duration-schema.js';
import { sourceCommonFields } from '../common.js';

const keysSchema = z
  .strictObject({
    secretId: z.string().min(1).describe('The SecretId (AKID...). Prefer ${TENCENTCLOUD_SECRET_ID} to writing it here.'),
    secretKey: z.string().min(1).describe('The SecretKey. Prefer ${TENCENTCLOUD_SECRET_KEY}: never commit it.'),
    token: z.string().min(1).optional().describe('Session token, for temporary (STS) keys only.'),
  })
  .describe('Keys given in the config (use ${VAR} to take them from the environment).');

const credentialsSchema = z
  .union([z.enum(['auto', 'env', 'profile', 'cvm-role']), keysSchema])
  .describe(
    'Where the API keys come from. auto (default): TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY, then ~/.tencentcloud/credentials, then the CVM role; env, profile or cvm-role: only that one; or { secretId, secretKey, token }.',
  );

const endpointSchema = z
  .string()
  .refine(
    (value) => {
      try {
        const u = new URL(value);
        return (u.protocol === 'http:' || u.protocol === 'https:') && (u.pathname === '/' || u.pathname === '') && !u.search;
      } catch {
        return false;
      }
    },
    { message: 'invalid endpoint: expected scheme://host[:port]' },
  )
  .describe('scheme://host[:port] to call instead of https://cloudaudit.tencentcloudapi.com (a proxy, or the local emulator).');

/** The `source:` block for Tencent CloudAudit. Only the options; the SDK is loaded on create. */
export const tencentcloudOptions = z
  .strictObject({
    provider: z.literal('tencentcloud').describe('tencentcloud: Tencent CloudAudit (the default when provider is omitted).'),
    region: z.string().min(1).optional().describe('The one region to list, e.g. ap-guangzhou (the default). Give region or regions, not both.'),
    regions: z.array(z.string().min(1)).min(1).optional().describe('Regions to list, one after another under one rate limit; each keeps its own checkpoint.'),
    api: z.enum(['LookUpEvents', 'DescribeEvents']).default('LookUpEvents').describe('The CloudAudit API to list with. Default LookUpEvents (up to 7 days per call); DescribeEvents takes up to 30.'),
    endpoint: endpointSchema.optional(),
    credentials: credentialsSchema.default('auto'),
    profile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'A section of ~/.tencentcloud/credentials to take the keys from (with credentials auto or profile), instead of [default] or the environment. Default: $TENCENTCLOUD_PROFILE; --profile overrides it.',
      ),
    eventNames: z
      .array(z.string().min(1))
      .optional()
      .describe('Only these event names, filtered by the API itself (e.g. [ConsoleLogin]). Default: all events.'),
    lookup: z
      .strictObject({
        username: z.string().min(1).optional().describe('Only events of this CAM user name (what `audit events --user` sends).'),
        accessKeyId: z.string().min(1).optional().describe('Only events signed with this access key (what `audit events --access-key` sends).'),
        readOnly: z.boolean().optional().describe('true: reads only; false: writes only (what `audit events --writes` sends).'),
      })
      .optional()
      .describe('Further filters the API applies itself, all of which must hold (LookUpEvents only; DescribeEvents ignores them).'),
    maxRequestsPerSecond: z
      .number()
      .positive()
      .max(20)
      .default(10)
      .describe('API calls per second across all regions together, paced 5% under it. Default 10; the API itself allows 20.'),
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(5)
      .describe('Attempts per API call, retries included: throttling, 5xx, timeouts and broken connections are retried with backoff. Default 5.'),
    timeout: timeoutDuration
      .default(10_000)
      .describe(`Per request: a stalled request is abandoned and retried. Default 10s. ${timeoutDuration.description}`),
    ...sourceCommonFields,
  })
  .describe('Events from Tencent CloudAudit, through the official SDK.')
  .refine((o) => !(o.region && o.regions), { message: 'give either region or regions, not both', path: ['regions'] })
  .refine((o) => !o.profile || o.credentials === 'auto' || o.credentials === 'profile', {
    message: 'profile is read only with credentials: auto or profile',
    path: ['profile'],
  })
  .transform(({ region, regions, ...rest }) => ({ ...rest, regions: regions ?? [region ?? 'ap-guangzhou'] }));

export type TencentcloudOptions = z.output<typeof tencentcloudOptions>;
