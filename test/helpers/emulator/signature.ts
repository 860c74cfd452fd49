// TC3-HMAC-SHA256, written from Tencent Cloud's "Signature v3" documentation:
//   CanonicalRequest = Method \n URI \n Query \n CanonicalHeaders \n SignedHeaders \n hex(sha256(payload))
//   StringToSign     = "TC3-HMAC-SHA256" \n Timestamp \n Date/Service/tc3_request \n hex(sha256(CanonicalRequest))
//   key = HMAC(HMAC(HMAC("TC3" + SecretKey, Date), Service), "tc3_request"); Signature = hex(HMAC(key, StringToSign))
// Canonical headers are `name:value\n` with names and values lower-cased and trimmed, sorted by name.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const ALGORITHM = 'TC3-HMAC-SHA256';
/** Tencent rejects a timestamp more than five minutes away from its own clock. */
export const MAX_SKEW_SECONDS = 300;

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** `YYYY-MM-DD` of a unix timestamp, in UTC, as the credential scope wants it. */
export function scopeDate(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

export interface CanonicalParts {
  method: string;
  path: string;
  query: string;
  /** Lower-case header name → value, holding at least every signed header. */
  headers: Record<string, string>;
  signedHeaders: string[];
  body: string | Buffer;
}

export function canonicalRequest(p: CanonicalParts): string {
  const names = [...p.signedHeaders].map((h) => h.toLowerCase()).sort();
  const canonicalHeaders = names.map((n) => `${n}:${(p.headers[n] ?? '').trim().toLowerCase()}\n`).join('');
  return [p.method.toUpperCase(), p.path, p.query, canonicalHeaders, names.join(';'), sha256Hex(p.body)].join('\n');
}

export function computeSignature(
  secretKey: string,
  parts: CanonicalParts,
  scope: { timestamp: number; date: string; service: string },
): string {
  const credentialScope = `${scope.date}/${scope.service}/tc3_request`;
  const stringToSign = [ALGORITHM, String(scope.timestamp), credentialScope, sha256Hex(canonicalRequest(parts))].join('\n');
  const key = hmac(hmac(hmac(`TC3${secretKey}`, scope.date), scope.service), 'tc3_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

export interface SignInput {
  secretId: string;
  secretKey: string;
  timestamp: number;
  service: string;
  /** Defaults to the UTC date of `timestamp`; give another to forge a wrong scope. */
  date?: string;
  method?: string;
  path?: string;
  query?: string;
  /** Values used verbatim in the canonical headers (e.g. a `host` with or without port). */
  headers: Record<string, string>;
  signedHeaders?: string[];
  body: string | Buffer;
}

/** The Authorization header for a request; tests use it to forge variants the SDK would never send. */
export function signTc3(input: SignInput): string {
  const signedHeaders = (input.signedHeaders ?? ['content-type', 'host']).map((h) => h.toLowerCase()).sort();
  const date = input.date ?? scopeDate(input.timestamp);
  const headers = Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const parts = { method: input.method ?? 'POST', path: input.path ?? '/', query: input.query ?? '', headers, signedHeaders, body: input.body };
  const signature = computeSignature(input.secretKey, parts, { timestamp: input.timestamp, date, service: input.service });
  return `${ALGORITHM} Credential=${input.secretId}/${date}/${input.service}/tc3_request, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
}

export interface ParsedAuthorization {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH_RE =
  /^TC3-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s,]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  const m = header ? AUTH_RE.exec(header) : null;
  if (!m) return undefined;
  return { secretId: m[1], date: m[2], service: m[3], signedHeaders: m[4].split(';'), signature: m[5] };
}

export function signaturesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
