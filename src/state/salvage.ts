import { SECTIONS, sectionEntries, STATE_VERSION, type Section, type StateFile } from './schema.js';

export interface Salvaged {
  state: StateFile;
  /** Entries kept and lost per section ("all" when the section itself was unreadable). */
  kept: Partial<Record<Section, number>>;
  lost: Partial<Record<Section, number | 'all'>>;
}

/**
 * What can still be used of a file that parsed as JSON but failed validation: every entry of
 * every section that validates on its own. Undelivered alerts matter most; a lost checkpoint
 * only means that partition re-reads its default range.
 */
export function salvageState(data: unknown): Salvaged | null {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return null;
  const file = data as Record<string, unknown>;
  const state: StateFile = { version: STATE_VERSION, savedAt: new Date(0).toISOString(), checkpoints: [], seen: [], alerts: [], suppression: [], outbox: [], windows: [], health: [], frontiers: [] };
  const kept: Salvaged['kept'] = {};
  const lost: Salvaged['lost'] = {};
  for (const section of SECTIONS) {
    const entries = file[section];
    if (entries === undefined) continue;
    if (!Array.isArray(entries)) {
      lost[section] = 'all';
      continue;
    }
    const good = entries.filter((entry) => sectionEntries[section].safeParse(entry).success);
    (state[section] as unknown[]) = good;
    if (good.length > 0) kept[section] = good.length;
    if (good.length < entries.length) lost[section] = entries.length - good.length;
  }
  return { state, kept, lost };
}

const NOUNS: Record<Section, [string, string]> = {
  checkpoints: ['checkpoint', 'checkpoints'],
  seen: ['seen event', 'seen events'],
  alerts: ['raised alert', 'raised alerts'],
  suppression: ['suppression time', 'suppression times'],
  outbox: ['undelivered alert', 'undelivered alerts'],
  windows: ['window state', 'window states'],
  health: ['partition health record', 'partition health records'],
  frontiers: ['partition lateness record', 'partition lateness records'],
};

/** `3 undelivered alerts, 1 checkpoint` for a log line; `nothing` when empty. */
export function describeCounts(counts: Partial<Record<Section, number | 'all'>>): string {
  const parts = (Object.entries(counts) as [Section, number | 'all'][]).map(([section, n]) =>
    n === 'all' ? `all ${NOUNS[section][1]}` : `${n} ${NOUNS[section][n === 1 ? 0 : 1]}`,
  );
  return parts.length ? parts.join(', ') : 'nothing';
}
