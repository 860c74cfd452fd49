import { isRecord } from './normalize-fields.js';

/**
 * Shape detection for recorded files, so the file reader knows Tencent only through this
 * module and the normalizer. Checks are a few property lookups: they run once per record.
 */
export type TencentShape = 'response' | 'event' | 'record';

/** `{"Response":{"Events":[...]}}` as LookUpEvents/DescribeEvents return it (or without the Response wrapper). */
export function tencentResponseEvents(value: unknown): unknown[] | null {
  if (!isRecord(value)) return null;
  const body = isRecord(value.Response) ? value.Response : value;
  const events = body.Events;
  if (!Array.isArray(events)) return null;
  // A bare {Events:[...]} is only a response if it has nothing of an event itself.
  if (body === value && ('EventId' in value || 'eventID' in value)) return null;
  return events;
}

export function tencentShapeOf(value: unknown): TencentShape | null {
  if (!isRecord(value)) return null;
  if (tencentResponseEvents(value)) return 'response';
  // One element of Response.Events: PascalCase, with the inner record as a JSON string.
  if ('EventId' in value || 'CloudAuditEvent' in value) return 'event';
  // A bare CloudAudit record, as tracking sets deliver to COS.
  if (('eventID' in value || 'eventId' in value) && ('eventName' in value || 'userIdentity' in value)) return 'record';
  return null;
}
