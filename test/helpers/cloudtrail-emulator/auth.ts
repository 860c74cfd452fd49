import type { IncomingHttpHeaders } from 'node:http';
import { amzDateMs, computeSignature, parseAuthorization, signaturesEqual, toAmzDate } from './sigv4.js';
import type { EmulatorKey } from './types.js';

export type AwsService = 'cloudtrail' | 'sts';
export interface AuthFailure {
  code: string;
  message: string;
}

/** AWS refuses a request signed more than five minutes away from its own clock. */
export const MAX_SKEW_MS = 5 * 60_000;

type Reason = 'missing' | 'incomplete' | 'token' | 'signature';
// JSON services (CloudTrail) and query services (STS) name the same failures differently.
const CODES: Record<AwsService, Record<Reason, string>> = {
  cloudtrail: { missing: 'MissingAuthenticationTokenException', incomplete: 'IncompleteSignatureException', token: 'UnrecognizedClientException', signature: 'InvalidSignatureException' },
  sts: { missing: 'MissingAuthenticationToken', incomplete: 'IncompleteSignature', token: 'InvalidClientTokenId', signature: 'SignatureDoesNotMatch' },
};
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const BAD_TOKEN = 'The security token included in the request is invalid.';

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export const keyOf = (k: string | EmulatorKey): EmulatorKey => (typeof k === 'string' ? { secretAccessKey: k } : k);

/**
 * Checks a SigV4 signature the way AWS does: the canonical request is rebuilt from what arrived
 * and signed with the known secret; the scope must name this service and the day of X-Amz-Date,
 * which must be within five minutes of the server clock; a temporary key needs its token.
 */
export function verifyAwsRequest(
  req: ReceivedRequest,
  credentials: Record<string, string | EmulatorKey>,
  service: AwsService,
  now: Date,
): { accessKeyId: string; key: EmulatorKey; region: string } | { error: AuthFailure } {
  const fail = (reason: Reason, message: string) => ({ error: { code: CODES[service][reason], message } });
  const authorization = header(req.headers, 'authorization');
  if (!authorization) return fail('missing', 'Missing Authentication Token');
  const auth = parseAuthorization(authorization);
  if (!auth) return fail('incomplete', `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.`);
  if (!Object.hasOwn(credentials, auth.accessKeyId)) return fail('token', BAD_TOKEN);
  const key = keyOf(credentials[auth.accessKeyId]);

  const amzDate = header(req.headers, 'x-amz-date') ?? '';
  const signedAt = amzDateMs(amzDate);
  const signed = auth.signedHeaders;
  if (Number.isNaN(signedAt) || !signed.includes('host') || !signed.includes('x-amz-date')) {
    return fail('incomplete', 'Host and X-Amz-Date must be present and signed.');
  }
  if (auth.service !== service) return fail('signature', `Credential should be scoped to correct service: '${service}'.`);
  if (auth.date !== amzDate.slice(0, 8)) {
    return fail('signature', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
  }
  const t = now.getTime();
  if (signedAt < t - MAX_SKEW_MS) {
    return fail('signature', `Signature expired: ${amzDate} is now earlier than ${toAmzDate(new Date(t - MAX_SKEW_MS))} (${toAmzDate(now)} - 5 min.)`);
  }
  if (signedAt > t + MAX_SKEW_MS) {
    return fail('signature', `Signature not yet current: ${amzDate} is still later than ${toAmzDate(new Date(t + MAX_SKEW_MS))} (${toAmzDate(now)} + 5 min.)`);
  }

  const headers: Record<string, string> = {};
  for (const name of signed) headers[name] = header(req.headers, name) ?? '';
  const parts = { method: req.method, url: req.url, headers, signedHeaders: signed, body: req.body };
  const expected = computeSignature(key.secretAccessKey, parts, { amzDate, date: auth.date, region: auth.region, service });
  if (!signaturesEqual(expected, auth.signature)) return fail('signature', MISMATCH);

  // A temporary key is only valid with its token, and a long-term key with none.
  if (header(req.headers, 'x-amz-security-token') !== key.sessionToken) return fail('token', BAD_TOKEN);
  return { accessKeyId: auth.accessKeyId, key, region: auth.region };
}
