/**
 * Text helpers for chat messages. Event text comes from whoever called the cloud API, so every
 * value is made single-line and stripped of the characters that start markup (links, HTML,
 * mentions, table cells) before it goes into a message.
 */
import { safeLine } from '../../events/text-width.js';

// Made on first use: Intl's segmentation data loads slower than a quiet cron run (no message) takes for everything else.
let made: Intl.Segmenter | undefined;
const segments = (text: string) => (made ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' })).segment(text);
const ELLIPSIS = '…';

/** Runs of whitespace (newlines included) become one space; other control, bidi and zero-width characters are escaped. */
export function oneLine(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return safeLine(text);
}

/** At most `max` user-perceived characters, never splitting one (emoji sequences included). */
export function truncateChars(text: string, max: number): string {
  let out = '';
  let count = 0;
  for (const { segment } of segments(text)) {
    if (count === max) return trimEnd(out, 1) + ELLIPSIS;
    out += segment;
    count++;
  }
  return out;
}

function trimEnd(text: string, graphemes: number): string {
  const parts = [...segments(text)].map((s) => s.segment);
  return parts.slice(0, Math.max(0, parts.length - graphemes)).join('');
}

/**
 * At most `maxBytes` of UTF-8, cut between characters (never inside a multi-byte sequence or a
 * grapheme), ending with `marker` when anything was dropped.
 */
export function truncateBytes(text: string, maxBytes: number, marker = `\n${ELLIPSIS}`): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(marker);
  let out = '';
  let used = 0;
  for (const { segment } of segments(text)) {
    const size = Buffer.byteLength(segment);
    if (used + size > budget) break;
    out += segment;
    used += size;
  }
  return out + marker;
}

/**
 * For DingTalk, WeCom and Feishu markdown: no links or images (`](`), no HTML, `<font>` or
 * `<@user>` / `<at>` mentions (`< >`), no table cells (`|`), no code spans. Full-width forms
 * keep the text readable.
 */
export function mdValue(value: unknown, max = 200): string {
  const safe = oneLine(value)
    .replace(/</g, '＜')
    .replace(/>/g, '＞')
    // `[text](url)` and `[text][ref]` need `]` just before `(` (spaces allowed) or `[`: break only that,
    // so ordinary brackets like `[TEST]` stay readable.
    .replace(/\](?=\s*\(|\[)/g, '］')
    .replace(/\|/g, '｜')
    .replace(/`/g, "'");
  return truncateChars(safe, max);
}

/** `[HIGH] Resource deleted`: our severity tag, then the rule title made safe. */
export function mdTitle(view: { severity: string; ruleTitle: string }, max = 120): string {
  return `[${view.severity}] ${mdValue(view.ruleTitle, max)}`;
}

/** Slack's documented escaping for mrkdwn: `&`, `<` and `>` (which would start links and mentions). */
export function slackValue(value: unknown, max = 200): string {
  const text = truncateChars(oneLine(value), max);
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
