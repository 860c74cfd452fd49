import { AuditError } from '../../errors.js';

import type { Verdict } from '../calls.js';

export type { Verdict };

interface SdkError {
  code?: unknown;
  httpCode?: unknown;
  message?: unknown;
}

const RETRY_CODES = /^(RequestLimitExceeded|InternalError|ResourceUnavailable|ServiceUnavailable)(\.|$)/;
const AUTH_CODES = /^(AuthFailure|UnauthorizedOperation)(\.|$)/;

/** One line, bounded: API and transport messages end up in errors and logs. */
export function oneLine(text: unknown, max = 200): string {
  const s = String(text ?? '').replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function classify(err: unknown): Verdict {
  const e = (err ?? {}) as SdkError;
  const message = oneLine(e.message);
  if (err instanceof AuditError) return { kind: 'fatal', code: err.code, message };
  if (typeof e.code === 'string' && e.code !== '') {
    if (AUTH_CODES.test(e.code)) return { kind: 'auth', code: e.code, message };
    return { kind: RETRY_CODES.test(e.code) ? 'retry' : 'fatal', code: e.code, message };
  }
  if (typeof e.httpCode === 'number') {
    const retry = e.httpCode >= 500 || e.httpCode === 429;
    return { kind: retry ? 'retry' : 'fatal', code: `HTTP ${e.httpCode}`, message };
  }
  // The SDK wraps transport failures (node-fetch timeouts, refused or reset connections) without a code.
  return { kind: 'retry', code: /timeout/i.test(message) ? 'Timeout' : 'NetworkError', message };
}

const AUTH_HINTS: [RegExp, (permission: string) => string][] = [
  [/SecretIdNotFound|InvalidSecretId/, () => 'check the SecretId (TENCENTCLOUD_SECRET_ID or source.credentials)'],
  [/SignatureFailure/, () => 'check that the SecretKey belongs to the SecretId'],
  [/SignatureExpire/, () => "check this machine's clock: requests more than 5 minutes off are refused"],
  [/TokenFailure|InvalidToken/, () => 'the session token is invalid or has expired'],
  [/UnauthorizedOperation/, (permission) => `grant this identity the CAM permission ${permission}`],
];

/** What to check first for a refused call; `permission` is the CAM action it needs (cloudaudit:LookUpEvents). */
export function authHint(v: Verdict, permission: string): string {
  return AUTH_HINTS.find(([re]) => re.test(v.code))?.[1](permission) ?? 'check the SecretId/SecretKey';
}

/** E_AUTH: one line naming the code and what to check first, then the other usual suspects. */
export function authError(partition: string, action: string, v: Verdict, cause: unknown): AuditError {
  const permission = `cloudaudit:${action}`;
  return new AuditError(
    'E_AUTH',
    `${partition}: ${action} refused with ${v.code}: ${authHint(v, permission)} (also check: keys, CAM permission ${permission}, clock skew)`,
    { cause },
  );
}

export function sourceError(partition: string, action: string, v: Verdict, attempts: number, cause: unknown): AuditError {
  const detail = v.message && v.message !== v.code ? ` (${v.message})` : '';
  const what = v.kind === 'retry' ? `failed after ${attempts} attempt${attempts === 1 ? '' : 's'}` : 'was rejected';
  return new AuditError('E_SOURCE', `${partition}: ${action} ${what}: ${v.code}${detail}`, { cause });
}
