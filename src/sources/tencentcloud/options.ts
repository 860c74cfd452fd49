import * as z from 'zod';
import { apiCallFields, endpointSchema, sourceCommonFields } from '../common.js';

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

const apiEndpoint = endpointSchema('scheme://host[:port] to call instead of https://cloudaudit.tencentcloudapi.com (a proxy, or the local emulator).');

const accountId = z.string().regex(/^\d{5,20}$/, { message: 'expected an account id (UIN): digits only, e.g. "100012345678"' });

const roleAccountSchema = z
  .strictObject({
    id: accountId.describe('The account to watch (its UIN); its partitions are tencentcloud/<id>/<region>.'),
    roleArn: z
      .string()
      .regex(/^qcs::cam::uin\/\d+:role(Name)?\/\S+$/, { message: 'expected a role ARN: qcs::cam::uin/<account>:roleName/<name>' })
      .describe('The CAM role in that account to assume, e.g. qcs::cam::uin/100012345678:roleName/AuditReader.'),
    externalId: z
      .string()
      .regex(/^[\w+=,.@:/-]{2,128}$/, { message: 'expected 2 to 128 letters, digits or =,.@:/-_' })
      .optional()
      .describe("The external id the role's trust policy requires, if it requires one. Prefer ${AUDIT_EXTERNAL_ID}."),
    sessionName: z
      .string()
      .regex(/^[\w+=,.@-]{2,128}$/, { message: 'expected 2 to 128 letters, digits or =,.@-_' })
      .default('cloudaudit-watch')
      .describe("RoleSessionName: how this tool's calls appear in that account's own audit trail. Default cloudaudit-watch."),
  })
  .describe('Another account, watched through a CAM role (STS AssumeRole with the caller\'s own keys).');

/** The `source:` block for Tencent CloudAudit. Only the options; the SDK is loaded on create. */
export const tencentcloudOptions = z
  .strictObject({
    provider: z.literal('tencentcloud').describe('tencentcloud: Tencent CloudAudit (the default when provider is omitted).'),
    region: z.string().min(1).optional().describe('The one region to list, e.g. ap-guangzhou (the default). Give region or regions, not both.'),
    regions: z.array(z.string().min(1)).min(1).optional().describe("Regions to list, one after another under each account's rate limit; each account and region keeps its own checkpoint."),
    api: z.enum(['LookUpEvents', 'DescribeEvents']).default('LookUpEvents').describe('The CloudAudit API to list with. Default LookUpEvents (up to 7 days per call); DescribeEvents takes up to 30.'),
    endpoint: apiEndpoint.optional(),
    stsEndpoint: apiEndpoint
      .optional()
      .describe('scheme://host[:port] of STS (GetCallerIdentity, AssumeRole). Default: the endpoint\'s host when endpoint is given, else https://sts.tencentcloudapi.com.'),
    credentials: credentialsSchema.default('auto'),
    account: accountId
      .optional()
      .describe("The credentials' own account id (UIN), named in partitions tencentcloud/<account>/<region>. Default: asked once per run with STS GetCallerIdentity."),
    accounts: z
      .array(roleAccountSchema)
      .min(1)
      .optional()
      .describe('Further accounts to watch through CAM roles, each with its own rate budget; one whose role cannot be assumed fails only its own partitions.'),
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
      .describe('CloudAudit calls per second per account, its regions together, paced 5% under it. Default 10; the API itself allows 20 per account.'),
    ...apiCallFields,
    ...sourceCommonFields,
  })
  .describe('Events from Tencent CloudAudit, through the official SDK.')
  .refine((o) => !(o.region && o.regions), { message: 'give either region or regions, not both', path: ['regions'] })
  .refine((o) => !o.profile || o.credentials === 'auto' || o.credentials === 'profile', {
    message: 'profile is read only with credentials: auto or profile',
    path: ['profile'],
  })
  .superRefine((o, ctx) => {
    // Two entries for one account would share partitions, and so checkpoints.
    const seen = new Map<string, string>(o.account ? [[o.account, 'account']] : []);
    o.accounts?.forEach((a, i) => {
      // The role's account is the one whose trail its keys read: another id would file its events under the wrong partition.
      const owner = /^qcs::cam::uin\/(\d+):/.exec(a.roleArn)?.[1];
      if (owner !== undefined && owner !== a.id) ctx.addIssue({ code: 'custom', path: ['accounts', i, 'roleArn'], message: `the role is in account ${owner}, not ${a.id}` });
      const first = seen.get(a.id);
      if (first) ctx.addIssue({ code: 'custom', path: ['accounts', i, 'id'], message: `account ${a.id} is already watched (${first})` });
      else seen.set(a.id, `accounts[${i}]`);
    });
  })
  .transform(({ region, regions, ...rest }) => ({ ...rest, regions: regions ?? [region ?? 'ap-guangzhou'] }));

export type TencentcloudOptions = z.output<typeof tencentcloudOptions>;
