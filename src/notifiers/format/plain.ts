import type { Alert } from '../../rules/model.js';
import { localTime } from '../../util/local-time.js';
import type { Presentation } from '../../util/locale.js';
import { alertView } from './fields.js';
import { oneLine, truncateChars } from './text.js';

/**
 * One line for an SMS or a plain-text channel: severity and rule first, then the summary, the
 * local time and the account, then the other rules of a bundled event. `【严重】根账号登录控制台：
 * 根账号 root 从 198.51.100.7 登录控制台，未使用 MFA（2026-11-22 18:00:40 CST，账号 100012345678）`
 */
export function plainText(alert: Alert, shown: Presentation, max = 300): string {
  const view = alertView(alert, shown);
  const l = view.labels;
  const zh = shown.locale === 'zh-CN';
  // The account once: summaries of per-event rules already name it.
  const account = alert.event.account && !view.summary.includes(alert.event.account) ? `${l.account} ${alert.event.account}` : null;
  const when = [localTime(alert.time, shown.timeZone), account].filter(Boolean).join(zh ? '，' : ', ');
  const also = view.also.length ? `${zh ? '；' : '; '}${zh ? l.alsoMatched : l.alsoMatched.toLowerCase()}${l.colon}${view.also.join(l.comma)}` : '';
  return truncateChars(oneLine(`${view.title}${l.colon}${view.summary}${zh ? `（${when}）` : ` (${when})`}${also}`), max);
}
