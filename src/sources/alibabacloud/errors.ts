import { AuditError } from '../../errors.js';

import type { Verdict } from '../calls.js';

export type { Verdict };

interface SdkError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  data?: { Message?: unknown; statusCode?: unknown };
}

// SignatureNonceUsed: a nonce collided; the next attempt signs with a fresh one.
const RETRY_CODES = /^(Throttling|ServiceUnavailable|InternalError|InternalFailure|UnknownError|SignatureNonceUsed)(\.|$)/;
const AUTH_CODES = /^(InvalidAccessKeyId|SignatureDoesNotMatch|IncompleteSignature|InvalidSecurityToken|InvalidTimeStamp|Forbidden|NoPermission|AccessDenied)(\.|$)/;
/** Node's socket and DNS errors (ECONNRESET, ECONNREFUSED, EAI_AGAIN): the client passes them on as they are. */
const ERRNO = /^E[A-Z0-9_]+$/;

/** One line, bounded: API and transport messages end up in errors and logs. */
export function oneLine(text: unknown, max = 200): string {
  const s = String(text ?? '').replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function classify(err: unknown): Verdict {
  if (err instanceof AuditError) return { kind: 'fatal', code: err.code, message: oneLine(err.message) };
  const e = (err ?? {}) as SdkError;
  // The server's own Message: the client's wraps it in "code: 400, ... request id: ...".
  const message = oneLine(e.data?.Message ?? e.message);
  const code = typeof e.code === 'string' && e.code !== '' && e.code !== 'undefined' ? e.code : undefined;
  const status = Number(e.statusCode ?? e.data?.statusCode);
  if (code !== undefined && !ERRNO.test(code)) {
    if (AUTH_CODES.test(code)) return { kind: 'auth', code, message };
    const retry = RETRY_CODES.test(code) || status >= 500;
    return { kind: retry ? 'retry' : 'fatal', code, message };
  }
  if (Number.isFinite(status) && status > 0) {
    const retry = status >= 500 || status === 429;
    return { kind: retry ? 'retry' : 'fatal', code: `HTTP ${status}`, message };
  }
  // An answer that is not JSON (a proxy's error page): worth another try, but say what it was.
  if (err instanceof SyntaxError) return { kind: 'retry', code: 'BadResponse', message };
  // Timeouts (RequestTimeoutError), refused or reset connections.
  return { kind: 'retry', code: code ?? (/timeout/i.test(message) ? 'Timeout' : 'NetworkError'), message };
}

const PERMISSION = (action: string) => `grant this RAM identity the permission ${ramAction(action)}`;
const AUTH_HINTS: [RegExp, (action: string) => string][] = [
  [/^InvalidAccessKeyId\.Inactive/, () => 'the AccessKey is disabled; enable it or use another'],
  [/^InvalidAccessKeyId/, () => 'check the AccessKey ID (ALIBABA_CLOUD_ACCESS_KEY_ID or source.credentials)'],
  [/^(SignatureDoesNotMatch|IncompleteSignature)/, () => 'check that the AccessKey secret belongs to the AccessKey ID'],
  [/^InvalidTimeStamp/, () => "check this machine's clock: requests more than 15 minutes off are refused"],
  [/^InvalidSecurityToken/, () => 'the STS security token is invalid or has expired'],
  [/^(Forbidden|NoPermission|AccessDenied)/, PERMISSION],
];

/** `actiontrail:LookupEvents`, `sts:GetCallerIdentity`: the RAM action a call needs. */
export function ramAction(action: string): string {
  return action === 'GetCallerIdentity' ? `sts:${action}` : `actiontrail:${action}`;
}

/** E_AUTH: one line naming the partition, the code and what to check first, then the other usual suspects. */
export function authError(where: string, action: string, v: Verdict, cause: unknown): AuditError {
  const hint = AUTH_HINTS.find(([re]) => re.test(v.code))?.[1](action) ?? 'check the AccessKey ID and secret';
  return new AuditError(
    'E_AUTH',
    `${where}: ${action} refused with ${v.code}: ${hint} (also check: keys, RAM permission ${ramAction(action)}, clock skew)`,
    { cause },
  );
}

export function sourceError(where: string, action: string, v: Verdict, attempts: number, cause: unknown): AuditError {
  const detail = v.message && v.message !== v.code ? ` (${v.message})` : '';
  const what = v.kind === 'retry' ? `failed after ${attempts} attempt${attempts === 1 ? '' : 's'}` : 'was rejected';
  return new AuditError('E_SOURCE', `${where}: ${action} ${what}: ${v.code}${detail}`, { cause });
}
