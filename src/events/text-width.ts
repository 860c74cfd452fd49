/**
 * Terminal-safe text. Event text is attacker-controlled: control, bidirectional-override and
 * zero-width characters could move the cursor, reorder a line or hide text, so every text
 * output (events, alerts, chat messages) shows them escaped, as `\u202e`, the same way.
 * CJK user names take two columns each.
 */
// Zero-width (non-)joiners are left alone: emoji sequences and Persian or Indic text need them.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/g;

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Every unsafe character as a visible `\uXXXX` escape. */
export function sanitize(s: string): string {
  return s.replace(UNSAFE, escape);
}

/** One line of safe text: whitespace runs (newlines and tabs too) become one space, the rest is escaped. */
export function safeLine(s: string): string {
  return isPlainLine(s) ? s : sanitize(s.replace(/[\s\u0085]+/g, ' ').trim());
}

/** Printable ASCII with single inner spaces, which safeLine leaves as it is: most names, ids and addresses. */
function isPlainLine(s: string): boolean {
  const last = s.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7e || c < 0x20) return false;
    if (c === 0x20 && (i === 0 || i === last || s.charCodeAt(i + 1) === 0x20)) return false;
  }
  return true;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += isWide(ch.codePointAt(0)!) ? 2 : 1;
  return w;
}

/** Cut to at most `width` columns, marking the cut with '…'. */
export function truncate(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = isWide(ch.codePointAt(0)!) ? 2 : 1;
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return out + '…';
}

/** Pad to `width` columns; longer text is left as it is (a column may overflow, never lose data silently). */
export function padEnd(s: string, width: number): string {
  const w = displayWidth(s);
  return w >= width ? s : s + ' '.repeat(width - w);
}
