// AWS Signature Version 4, written from the "Create a signed AWS API request" documentation:
//   CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n hex(sha256(payload))
//   StringToSign     = "AWS4-HMAC-SHA256" \n X-Amz-Date \n Date/Region/Service/aws4_request \n hex(sha256(CanonicalRequest))
//   key = HMAC(HMAC(HMAC(HMAC("AWS4" + SecretKey, Date), Region), Service), "aws4_request"); Signature = hex(HMAC(key, StringToSign))
// Header names are lower-cased, values trimmed with inner runs of spaces collapsed; URI parts are
// RFC 3986-encoded, the path twice for every service but S3.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded, in upper-case hex. */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%20'));
  } catch {
    return s;
  }
}

/** The path as received, each segment encoded once more (the SDK's `uriEscapePath`). */
export function canonicalPath(rawPath: string): string {
  return rawPath === '' ? '/' : rawPath.split('/').map(uriEncode).join('/');
}

/** Parameters decoded, re-encoded, sorted by name then value. */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs = rawQuery.split('&').filter(Boolean).map((p) => {
    const eq = p.indexOf('=');
    const [k, v] = eq === -1 ? [p, ''] : [p.slice(0, eq), p.slice(eq + 1)];
    return [uriEncode(safeDecode(k)), uriEncode(safeDecode(v))];
  });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

export interface CanonicalParts {
  method: string;
  /** Path and query as they arrived, e.g. `/` or `/?a=b`. */
  url: string;
  /** Lower-case header name → value, holding at least every signed header. */
  headers: Record<string, string>;
  signedHeaders: string[];
  body: string | Buffer;
}

export function canonicalRequest(p: CanonicalParts): string {
  const q = p.url.indexOf('?');
  const path = q === -1 ? p.url : p.url.slice(0, q);
  const query = q === -1 ? '' : p.url.slice(q + 1);
  const names = [...p.signedHeaders].map((h) => h.toLowerCase()).sort();
  const headers = names.map((n) => `${n}:${(p.headers[n] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  return [p.method.toUpperCase(), canonicalPath(path), canonicalQuery(query), headers, names.join(';'), sha256Hex(p.body)].join('\n');
}

export interface Scope {
  /** X-Amz-Date, `YYYYMMDDTHHMMSSZ`. */
  amzDate: string;
  /** `YYYYMMDD` of the credential scope. */
  date: string;
  region: string;
  service: string;
}

export function computeSignature(secretKey: string, parts: CanonicalParts, scope: Scope): string {
  const credentialScope = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [ALGORITHM, scope.amzDate, credentialScope, sha256Hex(canonicalRequest(parts))].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretKey}`, scope.date), scope.region), scope.service), 'aws4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  const m = header ? AUTH_RE.exec(header.trim()) : null;
  if (!m) return undefined;
  return { accessKeyId: m[1], date: m[2], region: m[3], service: m[4], signedHeaders: m[5].split(';'), signature: m[6] };
}

/** `20261120T000000Z` → ms since the epoch, or NaN. */
export function amzDateMs(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : Number.NaN;
}

export function toAmzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function signaturesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The Authorization header for a request; tests use it to forge requests the SDK would never send. */
export function signV4(input: { accessKeyId: string; secretKey: string; scope: Scope; parts: CanonicalParts }): string {
  const signed = [...input.parts.signedHeaders].map((h) => h.toLowerCase()).sort();
  const signature = computeSignature(input.secretKey, { ...input.parts, signedHeaders: signed }, input.scope);
  const { date, region, service } = input.scope;
  return `${ALGORITHM} Credential=${input.accessKeyId}/${date}/${region}/${service}/aws4_request, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
}
