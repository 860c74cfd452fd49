import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEvent } from '../events/index.js';
import { writeFileAtomic } from './atomic.js';

export const QUARANTINE_FILE = 'quarantine.ndjson';
/** Kept newest last; past this many lines the oldest are dropped. */
export const QUARANTINE_MAX_LINES = 1000;

export interface QuarantineEntry {
  quarantinedAt: string;
  reason: string;
  /** What can be said of the record safely: never the raw record, which may be what broke things. */
  id: string;
  time: string;
  name: string;
  provider: string;
  account: string | null;
  region: string | null;
}

export function quarantineEntry(event: AuditEvent, reason: string, now: Date): QuarantineEntry {
  const short = (v: string) => (v.length > 200 ? `${v.slice(0, 200)}…` : v);
  return {
    quarantinedAt: now.toISOString(),
    reason,
    id: short(event.id),
    time: short(String(event.time)),
    name: short(event.name),
    provider: event.provider,
    account: event.account === null ? null : short(event.account),
    region: event.region === null ? null : short(event.region),
  };
}

/**
 * Appends to `quarantine.ndjson` in the state directory, for a person to look at; a file
 * past the bound is rewritten with its newest lines only.
 */
export async function appendQuarantine(dir: string, entries: readonly QuarantineEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const file = join(dir, QUARANTINE_FILE);
  await appendFile(file, entries.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 });
  const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  if (lines.length > QUARANTINE_MAX_LINES) await writeFileAtomic(file, `${lines.slice(-QUARANTINE_MAX_LINES).join('\n')}\n`);
}

/** A record that could not even be made an event: only the reason can be kept. */
export function unreadableEntry(reason: string, provider: string, now: Date): QuarantineEntry {
  return { quarantinedAt: now.toISOString(), reason: reason.slice(0, 500), id: '-', time: '-', name: '-', provider, account: null, region: null };
}
