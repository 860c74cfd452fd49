import { maskUrl } from '../util/logger.js';
import { credentialParts, MIN_SECRET_LENGTH, redact, SecretRegistry } from '../util/secrets.js';

/**
 * Slack (`/services/T…/B…/<token>`) and Feishu (`/bot/v2/hook/<token>`) carry the credential in
 * the path, which maskUrl (query and password only) leaves alone. A segment that looks like a
 * token — long, or mixing letters and digits — is masked too.
 */
function looksLikeToken(segment: string): boolean {
  return segment.length >= 20 || (segment.length >= 8 && /\d/.test(segment) && /[a-z]/i.test(segment));
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function safeUrl(url: string): string {
  const masked = maskUrl(url);
  try {
    const u = new URL(masked);
    u.pathname = u.pathname
      .split('/')
      .map((seg) => (looksLikeToken(decode(seg)) ? '***' : seg))
      .join('/');
    return u.toString().replace(/%2A%2A%2A/g, '***');
  } catch {
    return masked;
  }
}

/** The credentials inside a URL: query values, the password, token-like path segments. */
export function urlSecrets(url: string): string[] {
  const out: string[] = [];
  try {
    const u = new URL(url);
    for (const v of u.searchParams.values()) if (v.length >= MIN_SECRET_LENGTH) out.push(v);
    if (u.password) out.push(decode(u.password));
    for (const seg of u.pathname.split('/')) if (looksLikeToken(decode(seg))) out.push(decode(seg));
  } catch {
    // Not a URL: nothing to take apart.
  }
  return out;
}

/**
 * The secrets one `notifiers:` entry holds, read from the raw config (before validation, so an
 * entry the schema rejects still has its secrets masked in the error report).
 */
export function notifierSecrets(entry: unknown): string[] {
  if (!entry || typeof entry !== 'object') return [];
  const { url, secret, headers } = entry as { url?: unknown; secret?: unknown; headers?: unknown };
  const out: string[] = [];
  if (typeof url === 'string') out.push(...urlSecrets(url));
  if (typeof secret === 'string') out.push(secret);
  if (headers && typeof headers === 'object') {
    for (const v of Object.values(headers)) if (typeof v === 'string') out.push(...credentialParts(v));
  }
  return out;
}

/**
 * A function that removes the URL's credentials, the given secrets and every registered secret
 * from any text, in plain, URL-encoded and JSON-escaped form. Applied to every error message a
 * notifier returns or logs, and to response bodies before they are cut to an excerpt (a cut
 * could otherwise leave half a token that no longer matches).
 */
export function scrubber(url: string, ...extra: (string | undefined)[]): (text: string) => string {
  const local = new SecretRegistry();
  local.add(urlSecrets(url));
  for (const s of extra) if (s) local.add(credentialParts(s));
  const shown = safeUrl(url);
  return (text: string) => redact(local.redact(text.split(url).join(shown)));
}
