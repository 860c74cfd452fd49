import type { IncomingHttpHeaders } from 'node:http';
import { computeSignature, parseAuthorization, parseQuery, sha256Hex, signaturesEqual } from './signature.js';
import type { ActionTrailCredential } from './types.js';

/** An error answer: Alibaba's code, message and HTTP status. */
export interface ApiError {
  code: string;
  message: string;
  status: number;
}

export interface Received {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Alibaba refuses an x-acs-date more than 15 minutes from its clock, and a nonce seen within that time. */
export const MAX_SKEW_MS = 15 * 60_000;
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
};

const fail = (code: string, message: string, status = 400) => ({ error: { code, message, status } });

/** Nonces seen in the last 15 minutes, as a replayed request must be refused. */
export class NonceStore {
  private seen = new Map<string, number>();
  use(nonce: string, nowMs: number): boolean {
    for (const [n, t] of this.seen) if (t < nowMs - MAX_SKEW_MS) this.seen.delete(n);
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, nowMs);
    return true;
  }
}

/**
 * Checks an ACS3-HMAC-SHA256 request the way the gateway does: every x-acs-* header, host and
 * content-type must be signed; the body must hash to x-acs-content-sha256; the canonical request
 * is rebuilt from what actually arrived; then the date, the nonce and the STS token.
 */
export function verifyRequest(
  req: Received,
  credentials: Record<string, ActionTrailCredential>,
  now: Date,
  nonces: NonceStore,
): { accessKeyId: string } | { error: ApiError } {
  const auth = parseAuthorization(header(req.headers, 'authorization'));
  if (!auth) return fail('IncompleteSignature', 'The request signature does not conform to Aliyun standards.');
  if (!Object.hasOwn(credentials, auth.accessKeyId)) return fail('InvalidAccessKeyId.NotFound', 'Specified access key is not found.', 404);
  const cred = credentials[auth.accessKeyId];
  const secret = typeof cred === 'string' ? cred : cred.secret;

  const signed = new Set(auth.signedHeaders);
  const mustSign = Object.keys(req.headers).filter((h) => h.startsWith('x-acs-') || h === 'host' || h === 'content-type');
  if (mustSign.some((h) => !signed.has(h))) {
    return fail('IncompleteSignature', `The request signature does not conform to Aliyun standards. (unsigned: ${mustSign.filter((h) => !signed.has(h)).join(', ')})`);
  }
  const payloadHash = header(req.headers, 'x-acs-content-sha256') ?? '';
  if (payloadHash !== sha256Hex(req.body)) return fail('SignatureDoesNotMatch', 'Specified signature does not match our calculation. (x-acs-content-sha256 is not the hash of the body)');

  const q = req.url.indexOf('?');
  const headers: Record<string, string> = {};
  for (const name of signed) headers[name] = header(req.headers, name) ?? '';
  const expected = computeSignature(secret, {
    method: req.method,
    path: q === -1 ? req.url : req.url.slice(0, q),
    query: parseQuery(q === -1 ? '' : req.url.slice(q + 1)),
    headers,
    signedHeaders: [...signed],
    payloadHash,
  });
  if (!signaturesEqual(expected, auth.signature)) return fail('SignatureDoesNotMatch', 'Specified signature does not match our calculation.');

  const date = header(req.headers, 'x-acs-date') ?? '';
  if (!ISO_SECONDS.test(date)) return fail('InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.');
  if (Math.abs(Date.parse(date) - now.getTime()) > MAX_SKEW_MS) return fail('InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
  const nonce = header(req.headers, 'x-acs-signature-nonce');
  if (!nonce) return fail('MissingSignatureNonce', 'SignatureNonce is mandatory for this action.');
  if (!nonces.use(nonce, now.getTime())) return fail('SignatureNonceUsed', 'Specified signature nonce was used already.');

  const token = typeof cred === 'string' ? undefined : cred.token;
  if (token !== undefined && header(req.headers, 'x-acs-security-token') !== token) {
    return fail('InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.');
  }
  return { accessKeyId: auth.accessKeyId };
}
