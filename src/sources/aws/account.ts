import { AuditError } from '../../errors.js';
import { classify } from './errors.js';

export interface AccountLookup {
  /** The region STS is asked in (the source's first). */
  region: string;
  endpoint?: string;
  /** Keys, or the SDK's chain as the CloudTrail clients resolved it, so both sign alike. */
  credentials: unknown;
  timeout: number;
  maxAttempts: number;
}

const HINTS: [RegExp, string][] = [
  [/InvalidClientTokenId|UnrecognizedClientException/, 'the access key id is unknown, or its session token is missing or wrong'],
  [/SignatureDoesNotMatch|InvalidSignatureException/, "check that the secret access key belongs to the access key id, and this machine's clock"],
  [/ExpiredToken/, 'the session token has expired'],
  [/CredentialsProviderError/, 'no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, source.credentials, a profile in ~/.aws, or an instance role'],
];

/**
 * The account the keys belong to, from STS GetCallerIdentity (which any identity may call): the
 * partitions are named after it before the first LookupEvents. The SDK's own bounded retries
 * are enough for this one call.
 */
export async function resolveAccount(o: AccountLookup): Promise<string> {
  const sdk: any = await import('@aws-sdk/client-sts');
  // Named exports when Node loads it, under `default` when it is bundled.
  const { STSClient, GetCallerIdentityCommand }: typeof import('@aws-sdk/client-sts') = sdk.STSClient ? sdk : sdk.default;
  const client = new STSClient({
    region: o.region,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.credentials ? { credentials: o.credentials as never } : {}),
    maxAttempts: o.maxAttempts,
    requestHandler: { requestTimeout: o.timeout, connectionTimeout: o.timeout, throwOnRequestTimeout: true },
  });
  try {
    const out = await client.send(new GetCallerIdentityCommand({}));
    const account = out.Account;
    if (typeof account !== 'string' || !/^\d{12}$/.test(account)) {
      throw new AuditError('E_SOURCE', `aws: STS GetCallerIdentity gave no account id; set the source's account`);
    }
    return account;
  } catch (err) {
    if (err instanceof AuditError) throw err;
    const v = classify(err);
    const detail = v.message && v.message !== v.code ? ` (${v.message})` : '';
    if (v.kind === 'auth') {
      const hint = HINTS.find(([re]) => re.test(v.code))?.[1] ?? 'check the access key id and secret access key';
      throw new AuditError('E_AUTH', `aws: STS GetCallerIdentity (to learn the account id) refused with ${v.code}: ${hint}`, { cause: err });
    }
    throw new AuditError('E_SOURCE', `aws: STS GetCallerIdentity (to learn the account id) failed: ${v.code}${detail}; set the source's account to skip this call`, { cause: err });
  } finally {
    client.destroy();
  }
}
