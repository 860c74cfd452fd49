import { AuditError } from '../../errors.js';

import type { Verdict } from '../calls.js';

export type { Verdict };

interface SdkError {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

const RETRY_NAMES = /^(ThrottlingException|Throttling|ThrottledException|TooManyRequestsException|RequestLimitExceeded|RequestThrottled(Exception)?|ServiceUnavailable(Exception)?|InternalFailure|InternalServerError|InternalError|RequestTimeout(Exception)?|TimeoutError)$/;
const AUTH_NAMES = /^(UnrecognizedClientException|InvalidSignatureException|SignatureDoesNotMatch|InvalidClientTokenId|AccessDenied(Exception)?|ExpiredToken(Exception)?|IncompleteSignature(Exception)?|MissingAuthenticationToken|NotAuthorized|CredentialsProviderError)$/;
const NETWORK_CODES = /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|ECONNABORTED|EHOSTUNREACH|ENETUNREACH)$/;

/** One line, bounded: API and transport messages end up in errors and logs. */
export function oneLine(text: unknown, max = 200): string {
  const s = String(text ?? '').replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function classify(err: unknown): Verdict {
  const e = (err ?? {}) as SdkError;
  const message = oneLine(e.message);
  if (err instanceof AuditError) return { kind: 'fatal', code: err.code, message };
  const name = typeof e.name === 'string' ? e.name : '';
  if (AUTH_NAMES.test(name)) return { kind: 'auth', code: name, message };
  if (RETRY_NAMES.test(name)) return { kind: 'retry', code: name, message };
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number') {
    const code = name && name !== 'Error' ? name : `HTTP ${status}`;
    if (status === 403 || status === 401) return { kind: 'auth', code, message };
    return { kind: status >= 500 || status === 429 ? 'retry' : 'fatal', code, message };
  }
  if (typeof e.code === 'string' && NETWORK_CODES.test(e.code)) return { kind: 'retry', code: e.code, message };
  // Without an HTTP answer it is the transport (a reset, a refused connection, a socket timeout).
  return { kind: 'retry', code: /timeout/i.test(message) ? 'Timeout' : 'NetworkError', message };
}

const PERMISSION = 'cloudtrail:LookupEvents';

const AUTH_HINTS: [RegExp, string][] = [
  [/UnrecognizedClientException|InvalidClientTokenId/, 'the access key id is unknown, or its session token is missing or wrong'],
  [/InvalidSignatureException|SignatureDoesNotMatch|IncompleteSignature/, "check that the secret access key belongs to the access key id, and this machine's clock"],
  [/ExpiredToken/, 'the session token has expired: get new temporary keys'],
  [/AccessDenied|NotAuthorized|HTTP 40[13]/, `grant this identity the IAM permission ${PERMISSION}`],
  [/CredentialsProviderError/, 'no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, source.credentials, a profile in ~/.aws, or an instance role'],
];

/** E_AUTH: one line naming the partition, the code and what to check first, then the usual suspects. */
export function authError(partition: string, action: string, v: Verdict, cause: unknown): AuditError {
  const hint = AUTH_HINTS.find(([re]) => re.test(v.code))?.[1] ?? 'check the access key id and secret access key';
  return new AuditError(
    'E_AUTH',
    `${partition}: ${action} refused with ${v.code}: ${hint} (also check: keys, IAM permission ${PERMISSION}, clock skew)`,
    { cause },
  );
}

export function sourceError(partition: string, action: string, v: Verdict, attempts: number, cause: unknown): AuditError {
  const detail = v.message && v.message !== v.code ? ` (${v.message})` : '';
  const what = v.kind === 'retry' ? `failed after ${attempts} attempt${attempts === 1 ? '' : 's'}` : 'was rejected';
  return new AuditError('E_SOURCE', `${partition}: ${action} ${what}: ${v.code}${detail}`, { cause });
}
