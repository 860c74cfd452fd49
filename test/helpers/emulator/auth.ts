import type { IncomingHttpHeaders } from 'node:http';
import { MAX_SKEW_SECONDS, computeSignature, parseAuthorization, scopeDate, signaturesEqual } from './signature.js';
import type { EmulatorCredential } from './types.js';

export interface ApiErrorBody {
  code: string;
  message: string;
}

export interface ReceivedRequest {
  method: string;
  /** Path and query as received, e.g. `/` or `/?a=b`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const MESSAGES = {
  failure: 'The provided credentials could not be validated. Please check your signature is correct.',
  notFound: 'The SecretId is not found, please ensure that your SecretId is correct.',
  expired: `Signature expired. Timestamp and server time cannot differ by more than ${MAX_SKEW_SECONDS / 60} minutes.`,
  token: 'The provided Token is invalid.',
};

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

/** `127.0.0.1:8080` → `127.0.0.1`; `[::1]:80` → `[::1]`. The SDK signs the hostname without the port. */
export function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/**
 * Checks a request's TC3-HMAC-SHA256 signature the way the API does: the scope's service must
 * be the first label of the host name, its date the UTC day of X-TC-Timestamp, and the
 * canonical request is rebuilt from what actually arrived.
 */
export function verifyRequest(
  req: ReceivedRequest,
  credentials: Record<string, EmulatorCredential>,
  now: Date,
): { secretId: string } | { error: ApiErrorBody } {
  const fail = (code: string, message: string) => ({ error: { code, message } });
  const auth = parseAuthorization(header(req.headers, 'authorization'));
  if (!auth) return fail('AuthFailure.SignatureFailure', `${MESSAGES.failure} (malformed Authorization header)`);
  if (!Object.hasOwn(credentials, auth.secretId)) return fail('AuthFailure.SecretIdNotFound', MESSAGES.notFound);
  const cred = credentials[auth.secretId];
  const secretKey = typeof cred === 'string' ? cred : cred.secretKey;

  const tsText = header(req.headers, 'x-tc-timestamp') ?? '';
  if (!/^\d+$/.test(tsText)) return fail('AuthFailure.SignatureFailure', `${MESSAGES.failure} (X-TC-Timestamp missing)`);
  const timestamp = Number(tsText);
  if (Math.abs(now.getTime() / 1000 - timestamp) > MAX_SKEW_SECONDS) return fail('AuthFailure.SignatureExpire', MESSAGES.expired);

  const hostname = hostnameOf(header(req.headers, 'host') ?? '');
  const service = hostname.split('.')[0];
  const signed = auth.signedHeaders;
  if (!signed.includes('content-type') || !signed.includes('host')) {
    return fail('AuthFailure.SignatureFailure', `${MESSAGES.failure} (content-type and host must be signed)`);
  }
  if (auth.date !== scopeDate(timestamp) || auth.service !== service) return fail('AuthFailure.SignatureFailure', MESSAGES.failure);

  const headers: Record<string, string> = {};
  for (const name of signed) headers[name] = name === 'host' ? hostname : (header(req.headers, name) ?? '');
  const q = req.url.indexOf('?');
  const parts = {
    method: req.method,
    path: q === -1 ? req.url : req.url.slice(0, q),
    query: q === -1 ? '' : req.url.slice(q + 1),
    headers,
    signedHeaders: signed,
    body: req.body,
  };
  const expected = computeSignature(secretKey, parts, { timestamp, date: auth.date, service });
  if (!signaturesEqual(expected, auth.signature)) return fail('AuthFailure.SignatureFailure', MESSAGES.failure);

  if (typeof cred !== 'string' && cred.token !== undefined && header(req.headers, 'x-tc-token') !== cred.token) {
    return fail('AuthFailure.TokenFailure', MESSAGES.token);
  }
  return { secretId: auth.secretId };
}
