// Alibaba Cloud Signature V3 (ACS3-HMAC-SHA256), written from Alibaba Cloud's "V3 request body and
// signature" documentation, not from the client:
//   CanonicalRequest = Method \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n HashedRequestPayload
//   StringToSign     = "ACS3-HMAC-SHA256" \n hex(sha256(CanonicalRequest))
//   Signature        = hex(HMAC-SHA256(AccessKeySecret, StringToSign))
// Query names and values are percent-encoded per RFC 3986 (space as %20, `~` kept) and sorted by
// name; canonical headers are `name:value\n` with lower-case names and trimmed values, sorted.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const ALGORITHM = 'ACS3-HMAC-SHA256';

export const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** RFC 3986 unreserved characters stay; everything else is %XX (encodeURIComponent leaves !'()* alone). */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Decoded name → value pairs of a raw query string, in order; `+` is a literal plus, as RFC 3986 reads it. */
export function parseQuery(raw: string): [string, string][] {
  if (!raw) return [];
  return raw
    .split('&')
    .filter(Boolean)
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq === -1 ? part : part.slice(0, eq);
      const value = eq === -1 ? '' : part.slice(eq + 1);
      return [decodeURIComponent(name), decodeURIComponent(value)];
    });
}

export function canonicalQuery(pairs: [string, string][]): string {
  return pairs
    .map(([k, v]) => [percentEncode(k), percentEncode(v)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export interface CanonicalParts {
  method: string;
  /** The path as sent (already encoded), `/` when empty. */
  path: string;
  query: [string, string][];
  /** Lower-case header name → value, holding at least every signed header. */
  headers: Record<string, string>;
  signedHeaders: string[];
  payloadHash: string;
}

export function canonicalRequest(p: CanonicalParts): string {
  const names = p.signedHeaders.map((h) => h.toLowerCase()).sort();
  const headers = names.map((n) => `${n}:${(p.headers[n] ?? '').trim()}\n`).join('');
  return [p.method.toUpperCase(), p.path || '/', canonicalQuery(p.query), headers, names.join(';'), p.payloadHash].join('\n');
}

export function computeSignature(secret: string, parts: CanonicalParts): string {
  const stringToSign = `${ALGORITHM}\n${sha256Hex(canonicalRequest(parts))}`;
  return createHmac('sha256', secret).update(stringToSign).digest('hex');
}

export interface ParsedAuthorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH_RE = /^ACS3-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  const m = header ? AUTH_RE.exec(header) : null;
  return m ? { accessKeyId: m[1], signedHeaders: m[2].split(';'), signature: m[3] } : undefined;
}

export function signaturesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The Authorization header for a request; tests use it to forge variants the client would never send. */
export function signAcs3(input: { accessKeyId: string; secret: string } & Omit<CanonicalParts, 'signedHeaders'> & { signedHeaders?: string[] }): string {
  const signedHeaders = (input.signedHeaders ?? Object.keys(input.headers)).map((h) => h.toLowerCase()).sort();
  const signature = computeSignature(input.secret, { ...input, signedHeaders });
  return `${ALGORITHM} Credential=${input.accessKeyId},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`;
}
