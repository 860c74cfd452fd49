import * as z from 'zod';
import { apiCallFields, endpointSchema, sourceCommonFields } from '../common.js';

/** ActionTrail allows LookupEvents 2 calls per second per account and region; more only draws Throttling. */
export const ACTIONTRAIL_MAX_RPS = 2;

const keysSchema = z
  .strictObject({
    accessKeyId: z.string().min(1).describe('The AccessKey ID (LTAI...). Prefer ${ALIBABA_CLOUD_ACCESS_KEY_ID} to writing it here.'),
    accessKeySecret: z.string().min(1).describe('The AccessKey secret. Prefer ${ALIBABA_CLOUD_ACCESS_KEY_SECRET}: never commit it.'),
    securityToken: z.string().min(1).optional().describe('STS security token, for temporary (STS.) keys only.'),
  })
  .describe('Keys given in the config (use ${VAR} to take them from the environment).');

const credentialsSchema = z
  .union([z.literal('auto'), keysSchema])
  .describe(
    'Where the AccessKey comes from. auto (default): ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN for STS keys); or { accessKeyId, accessKeySecret, securityToken }.',
  );

const endpoint = endpointSchema;

/** The `source:` block for Alibaba Cloud ActionTrail. Only the options; the SDK is loaded on create. */
export const alibabacloudOptions = z
  .strictObject({
    provider: z.literal('alibabacloud').describe('alibabacloud: Alibaba Cloud ActionTrail (LookupEvents, API version 2020-07-06).'),
    regions: z
      .array(z.string().min(1))
      .min(1)
      .default(['cn-hangzhou'])
      .describe('ActionTrail regions to list, e.g. [cn-hangzhou, cn-shanghai]; each is a partition with its own checkpoint and rate limit. Default [cn-hangzhou].'),
    credentials: credentialsSchema.default('auto'),
    account: z
      .string()
      .regex(/^\d{1,32}$/, { message: 'expected the numeric account ID (UID), quoted, e.g. "1234567890123456"' })
      .optional()
      .describe(
        'The account ID (UID) the keys belong to, quoted; it names the partitions (alibabacloud/<account>/<region>). Default: asked once of STS GetCallerIdentity when the source opens.',
      ),
    endpoint: endpoint(
      'scheme://host[:port] to call for every region instead of https://actiontrail.<region>.aliyuncs.com (a proxy, a VPC endpoint, or the local emulator).',
    ).optional(),
    stsEndpoint: endpoint('scheme://host[:port] of STS, for GetCallerIdentity when account is not given. Default https://sts.aliyuncs.com.').optional(),
    eventNames: z
      .array(z.string().min(1))
      .optional()
      .describe('Only these event names, filtered by the API itself (one LookupAttribute EventName per listing), e.g. [ConsoleSignin]. Default: all events.'),
    maxRequestsPerSecond: z
      .number()
      .positive()
      .max(ACTIONTRAIL_MAX_RPS)
      .default(ACTIONTRAIL_MAX_RPS)
      .describe('LookupEvents calls per second for each region (ActionTrail counts per account and region), paced 5% under it. Default and most 2.'),
    ...apiCallFields,
    ...sourceCommonFields,
  })
  .describe('Events from Alibaba Cloud ActionTrail, through the official OpenAPI client.');

export type AlibabacloudOptions = z.output<typeof alibabacloudOptions>;
