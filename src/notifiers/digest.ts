import { createHash } from 'node:crypto';
import { alertText, severityRank, type Alert } from '../rules/model.js';
import type { Locale } from '../util/locale.js';
import { LABELS } from './format/labels.js';
import type { Message } from './bundle.js';

/** The rule id of the one summary message a burst collapses into. */
export const DIGEST_RULE_ID = 'cloudaudit-watch.digest';

export function isDigest(alert: Alert): boolean {
  return alert.rule.id === DIGEST_RULE_ID;
}

/** Most severe first; alerts of one severity keep their order. */
function mostSevereFirst(alerts: Alert[]): Alert[] {
  return alerts
    .map((a, i) => [a, i] as const)
    .sort((x, y) => severityRank(y[0].rule.severity) - severityRank(x[0].rule.severity) || x[1] - y[1])
    .map(([a]) => a);
}

/** How many covered alerts a digest shows by their own summary, most severe first. */
export const DIGEST_TOP = 5;

/** Rule id → how many of the covered alerts it raised, most frequent first. */
export function countByRule(alerts: Alert[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const a of alerts) counts.set(a.rule.id, (counts.get(a.rule.id) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/**
 * One alert standing for many: "and 180 more: 150 resource-deletion, 30 root-login". It is an
 * ordinary Alert so every notifier (stdout, webhooks, exec/SMS) can send it unchanged; the
 * formatters recognise it by its rule id. Severity and event are those of the most severe
 * covered alert.
 */
export function makeDigest(unordered: Alert[], locale: Locale = 'en'): Alert {
  if (unordered.length === 0) throw new Error('makeDigest: nothing to cover');
  const covered = mostSevereFirst(unordered);
  const worst = covered.reduce((a, b) => (severityRank(b.rule.severity) > severityRank(a.rule.severity) ? b : a));
  const byRule = countByRule(covered);
  const say = LABELS[locale];
  const summary = say.digestSummary(covered.length, byRule);
  const ids = covered.map((a) => a.id).sort();
  const times = covered.map((a) => a.time).sort();
  return {
    id: `digest-${createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 16)}`,
    time: times[times.length - 1],
    rule: { id: DIGEST_RULE_ID, title: say.digestTitle(covered.length), severity: worst.rule.severity },
    summary,
    event: worst.event,
    count: covered.length,
    // The most severe ones by their own one-line summary (who, what, on which resource): a
    // digest must not reduce a HIGH deletion to a count.
    group: { byRule: Object.fromEntries(byRule), top: covered.slice(0, DIGEST_TOP).map((a) => [a.rule.severity, alertText(a, locale).summary]) },
    window: { start: times[0], end: times[times.length - 1] },
  };
}

/**
 * Most severe first (stable otherwise), so a burst never hides a critical alert in the digest.
 * With more messages than `maxPerRun`, the first `maxPerRun - 1` go alone and the rest in one
 * digest, written in the reader's language, that covers every alert they stood for.
 */
export function planMessages(messages: Message[], maxPerRun: number | undefined, locale: Locale = 'en'): Message[] {
  if (maxPerRun === undefined || messages.length <= maxPerRun) return messages;
  const order = new Map(mostSevereFirst(messages.map((m) => m.message)).map((a, i) => [a, i]));
  const ordered = [...messages].sort((x, y) => order.get(x.message)! - order.get(y.message)!);
  const keep = Math.max(0, maxPerRun - 1);
  const rest = ordered.slice(keep).flatMap((m) => m.covers);
  return [...ordered.slice(0, keep), { message: makeDigest(rest, locale), covers: rest }];
}
