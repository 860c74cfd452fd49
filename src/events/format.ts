import type { AuditEvent } from './schema.js';
import { padEnd, sanitize, truncate } from './text-width.js';
import { localTime } from '../util/local-time.js';

/** Column widths in terminal cells; the error column is last and unpadded. */
export interface EventLineWidths {
  /** The zone times are shown in (`2026-11-22 18:00:40 CST`); the time column fits it. */
  timeZone: string;
  time: number;
  name: number;
  actor: number;
  sourceIp: number;
  error: number;
}

export const DEFAULT_WIDTHS: EventLineWidths = { timeZone: 'UTC', time: 23, name: 28, actor: 32, sourceIp: 15, error: 48 };

const GAP = '  ';

function resolve(widths?: Partial<EventLineWidths>): EventLineWidths {
  if (!widths) return DEFAULT_WIDTHS;
  const w = { ...DEFAULT_WIDTHS, ...widths };
  // Zone names differ in length (UTC, CST, GMT+13): the column is as wide as this zone's times.
  if (widths.time === undefined) w.time = localTime('2026-01-01T00:00:00.000Z', w.timeZone).length;
  return w;
}

/** `Root:root`, `CAMUser:alice`; falls back to the principal id, then the access key. */
export function actorLabel(e: AuditEvent): string {
  const who = e.actor.name ?? e.actor.id ?? e.actor.accessKeyId;
  if (who === null) return e.actor.type ?? '-';
  return e.actor.type ? `${e.actor.type}:${who}` : who;
}

function cell(value: string, width: number): string {
  return padEnd(truncate(sanitize(value), width), width);
}

export function formatEventHeader(widths?: Partial<EventLineWidths>): string {
  const w = resolve(widths);
  return [cell('TIME', w.time), cell('EVENT', w.name), cell('ACTOR', w.actor), cell('SOURCE IP', w.sourceIp), 'ERROR'].join(GAP);
}

/** One aligned line for `audit events --output text`. No colors: it must read the same in a pipe. */
export function formatEventLine(e: AuditEvent, widths?: Partial<EventLineWidths>): string {
  const w = resolve(widths);
  return [
    cell(localTime(e.time, w.timeZone), w.time),
    cell(e.name || '-', w.name),
    cell(actorLabel(e), w.actor),
    // An address is never cut: a truncated IP would name a different host.
    padEnd(sanitize(e.sourceIp ?? '-'), w.sourceIp),
    e.error ? truncate(sanitize(e.error.code), w.error) : '-',
  ].join(GAP);
}
