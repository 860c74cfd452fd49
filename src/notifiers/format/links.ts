import type { AuditEvent } from '../../events/index.js';

/**
 * Where a reader can see the event in the provider's console. CloudAudit has no link to a single
 * event, so the link opens its operation records, where the event id shown beside it is searched.
 */
const CONSOLES: Record<string, (e: AuditEvent) => string> = {
  tencentcloud: () => 'https://console.cloud.tencent.com/cloudaudit',
};

export function consoleLink(e: AuditEvent): string | undefined {
  return CONSOLES[e.provider]?.(e);
}
