import { maskUrl } from '../util/logger.js';

/**
 * Slack (`/services/T…/B…/<token>`) and Feishu (`/bot/v2/hook/<token>`) carry the credential in
 * the path, which maskUrl (query and password only) leaves alone. A segment that looks like a
 * token — long, or mixing letters and digits — is masked too.
 */
function looksLikeToken(segment: string): boolean {
  return segment.length >= 20 || (segment.length >= 8 && /\d/.test(segment) && /[a-z]/i.test(segment));
}

export function safeUrl(url: string): string {
  const masked = maskUrl(url);
  try {
    const u = new URL(masked);
    u.pathname = u.pathname
      .split('/')
      .map((seg) => (looksLikeToken(decodeURIComponent(seg)) ? '***' : seg))
      .join('/');
    return u.toString().replace(/%2A%2A%2A/g, '***');
  } catch {
    return masked;
  }
}

/** Every piece of a URL or secret that must never reach a log line or an error message. */
function secretsOf(url: string, extra: (string | undefined)[]): string[] {
  const out = new Set<string>();
  for (const s of extra) if (s) out.add(s);
  try {
    const u = new URL(url);
    for (const v of u.searchParams.values()) if (v.length >= 4) out.add(v);
    if (u.password) out.add(decodeURIComponent(u.password));
    for (const seg of u.pathname.split('/')) if (looksLikeToken(decodeURIComponent(seg))) out.add(decodeURIComponent(seg));
  } catch {
    // Not a URL: nothing to take apart.
  }
  // Longest first, so a secret containing another is replaced whole.
  return [...out].sort((a, b) => b.length - a.length);
}

/**
 * A function that removes the URL's credentials and the given secrets from any text, in plain
 * and URL-encoded form. Applied to every error message a notifier returns or logs.
 */
export function scrubber(url: string, ...extra: (string | undefined)[]): (text: string) => string {
  const secrets = secretsOf(url, extra);
  return (text: string) => {
    let out = text.split(url).join(safeUrl(url));
    for (const s of secrets) {
      out = out.split(s).join('***');
      const encoded = encodeURIComponent(s);
      if (encoded !== s) out = out.split(encoded).join('***');
    }
    return out;
  };
}
