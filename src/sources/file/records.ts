import { looksNormalized, storedEventSchema, type AuditEvent } from '../../events/index.js';
import { isAuditError } from '../../errors.js';
import { normalizeTencentRecord, tencentResponseEvents, tencentShapeOf } from '../tencentcloud/normalize.js';

/** A file of a million broken records should not print a million lines. */
export const MAX_WARNINGS = 100;

export interface RecordHandler {
  /** Turns one parsed record (of any supported shape) into zero or more events, appended to `out`. */
  handle(value: unknown, line: number, out: AuditEvent[]): void;
  /** A record that could not even be read (a broken NDJSON line): warned and skipped. */
  skip(line: number, why: string): void;
  /** Says how many warnings were held back, if any. */
  finish(): void;
}

function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * Per-record shape detection. Each record is recognised on its own, so one NDJSON file may mix
 * API responses, API events, bare CloudAudit records and already-normalized events.
 */
export function recordHandler(label: string, warn: (msg: string) => void, skipped?: (reason: string) => void): RecordHandler {
  let warnings = 0;
  let line = 0;
  const say = (msg: string) => {
    warnings++;
    if (warnings <= MAX_WARNINGS) warn(`${label}:${line}: ${msg}`);
    if (msg.endsWith('; skipped')) skipped?.(`${label}:${line}: ${msg.slice(0, -'; skipped'.length)}`);
  };
  const ctx = { warn: say };

  const normalize = (record: unknown, out: AuditEvent[]) => {
    try {
      out.push(normalizeTencentRecord(record, ctx));
    } catch (err) {
      if (!isAuditError(err, 'E_INPUT')) throw err;
      say(`${err.message}; skipped`);
    }
  };

  const handle = (value: unknown, out: AuditEvent[], nested: boolean): void => {
    if (Array.isArray(value) && !nested) {
      for (const v of value) handle(v, out, true);
      return;
    }
    if (looksNormalized(value)) {
      const parsed = storedEventSchema.safeParse(value);
      if (parsed.success) {
        // One canonical form (milliseconds, Z) so that times compare as text everywhere.
        const canonical = new Date(parsed.data.time).toISOString();
        out.push(canonical === parsed.data.time ? parsed.data : { ...parsed.data, time: canonical });
      }
      else say(`invalid event ${JSON.stringify((value as { id: string }).id.slice(0, 80))}: ${describeIssues(parsed.error.issues)}; skipped`);
      return;
    }
    const events = tencentResponseEvents(value);
    if (events) {
      for (const e of events) normalize(e, out);
      return;
    }
    if (tencentShapeOf(value)) normalize(value, out);
    else say('not an audit event record; skipped');
  };

  return {
    handle(value, at, out) {
      line = at;
      handle(value, out, false);
    },
    skip(at, why) {
      line = at;
      say(`${why}; skipped`);
    },
    finish() {
      if (warnings > MAX_WARNINGS) warn(`${label}: ${warnings - MAX_WARNINGS} more warnings not shown`);
    },
  };
}
