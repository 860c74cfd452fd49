/**
 * The values that must never be shown: in a log line, an error message the CLI prints, or an
 * error kept in the state file. Redaction works on finished text rather than on known fields
 * because secrets come back in places nobody chose: a server echoing a header in its error body,
 * a program printing its argv on stderr, an SDK error quoting a request.
 */

/** Shorter values would turn ordinary words and numbers into `***` everywhere. */
export const MIN_SECRET_LENGTH = 4;
export const MASK = '***';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The ways a secret is spelt once it has gone through a URL, a query string or a JSON string. */
function spellings(secret: string): string[] {
  const out = new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]);
  for (const s of [...out]) out.add(JSON.stringify(s).slice(1, -1));
  return [...out];
}

export class SecretRegistry {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  /** Adds values; empty, missing and too-short ones are ignored. */
  add(values: Iterable<string | null | undefined>): void {
    let added = false;
    for (const v of values) {
      if (typeof v !== 'string' || v.length < MIN_SECRET_LENGTH || this.values.has(v)) continue;
      this.values.add(v);
      added = true;
    }
    if (added) this.pattern = undefined;
  }

  /** Every known secret in `text`, in any of its spellings, replaced by `***`. */
  redact(text: string): string {
    if (this.values.size === 0 || !text) return text;
    this.pattern ??= this.compile();
    return text.replace(this.pattern, MASK);
  }

  get size(): number {
    return this.values.size;
  }

  private compile(): RegExp {
    const forms = new Set<string>();
    for (const v of this.values) for (const f of spellings(v)) forms.add(f);
    // Longest first: the regex takes the first alternative that matches, so a secret that
    // contains another is masked whole rather than leaving its ends behind.
    const sorted = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
    return new RegExp(sorted.join('|'), 'g');
  }
}

/**
 * The process's registry. Global on purpose: the logger exists before the config is read, and
 * every error path (notifiers, sources, the CLI's error report) must mask the same values.
 */
const registry = new SecretRegistry();

export function addSecrets(values: Iterable<string | null | undefined>): void {
  registry.add(values);
}

export function redact(text: string): string {
  return registry.redact(text);
}

/**
 * A header value and, for `Bearer abc…` / `Basic abc…`, the credential after the scheme on its
 * own: a server echoing the token alone must be caught too.
 */
export function credentialParts(value: string): string[] {
  const m = /^\s*[A-Za-z][\w-]*\s+(\S.*)$/.exec(value);
  return m ? [value, m[1].trim()] : [value];
}
