import type { AuditEvent } from '../../events/index.js';
import type { Locale } from '../../util/locale.js';

interface Console {
  /** The trail service's name, as its users know it in each language. */
  name: Record<Locale, string>;
  url(e: AuditEvent): string;
}

/**
 * Where a reader can see the event in the provider's console. CloudAudit and ActionTrail have no
 * link to a single event, so theirs open the event list, where the event id shown beside the link
 * is searched; CloudTrail's opens the event itself.
 */
const CONSOLES: Record<string, Console> = {
  tencentcloud: { name: { en: 'CloudAudit', 'zh-CN': '云审计' }, url: () => 'https://console.cloud.tencent.com/cloudaudit' },
  alibabacloud: { name: { en: 'ActionTrail', 'zh-CN': '操作审计' }, url: () => 'https://actiontrail.console.aliyun.com/' },
  aws: {
    name: { en: 'CloudTrail', 'zh-CN': 'CloudTrail' },
    url: (e) => {
      const region = /^[a-z]{2}(-[a-z]+)+-\d$/.test(e.region ?? '') ? e.region! : 'us-east-1';
      return `https://${region}.console.aws.amazon.com/cloudtrailv2/home?region=${region}#/events/${encodeURIComponent(e.id)}`;
    },
  },
};

export function consoleLink(e: AuditEvent, locale: Locale): { service: string; url: string } | undefined {
  const c = CONSOLES[e.provider];
  return c ? { service: c.name[locale], url: c.url(e) } : undefined;
}
