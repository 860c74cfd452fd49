import { createHash } from 'node:crypto';
import { alertText, severityRank, type Alert } from '../rules/model.js';
import type { Locale } from '../util/locale.js';

/** One message and the alerts it stands for (itself alone, a bundle's alerts, or a digest's). */
export interface Message {
  message: Alert;
  covers: Alert[];
}

/**
 * One DeleteAudit call matching resource-deletion, audit-tampering and sensitive-operation is one
 * thing that happened: it goes out as one message, led by the most severe rule, listing the others.
 * Window alerts stand alone (each is about many events). Order: where each event first appeared.
 */
export function bundleByEvent(alerts: readonly Alert[], locale: Locale): Message[] {
  const byEvent = new Map<string, Alert[]>();
  const out: (Alert[] | Alert)[] = [];
  for (const alert of alerts) {
    if (alert.window) {
      out.push(alert);
      continue;
    }
    const key = `${alert.event.provider}\u0000${alert.event.id}`;
    const same = byEvent.get(key);
    if (same) same.push(alert);
    else {
      const list = [alert];
      byEvent.set(key, list);
      out.push(list);
    }
  }
  return out.map((item) => {
    if (!Array.isArray(item)) return { message: item, covers: [item] };
    return item.length === 1 ? { message: item[0], covers: item } : { message: makeBundle(item, locale), covers: item };
  });
}

function makeBundle(alerts: Alert[], locale: Locale): Alert {
  const ordered = alerts
    .map((a, i) => [a, i] as const)
    .sort((x, y) => severityRank(y[0].rule.severity) - severityRank(x[0].rule.severity) || x[1] - y[1])
    .map(([a]) => a);
  const [lead, ...rest] = ordered;
  const text = alertText(lead, locale);
  const { l10n: _, ...base } = lead;
  return {
    ...base,
    id: `bundle-${createHash('sha256').update(alerts.map((a) => a.id).sort().join('\n')).digest('hex').slice(0, 16)}`,
    rule: { ...lead.rule, title: text.title },
    summary: text.summary,
    bundle: rest.map((a) => {
      const t = alertText(a, locale);
      return { id: a.id, rule: { ...a.rule, title: t.title }, summary: t.summary };
    }),
  };
}
