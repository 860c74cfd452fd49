import * as z from 'zod';
import { storedEventSchema } from '../events/index.js';
import type { Frontier } from '../sources/lateness.js';
import { SEVERITIES } from '../rules/model.js';
import { LOCALES } from '../util/locale.js';

/** Bumped whenever the file's shape changes; older versions are migrated on load, others moved aside. */
export const STATE_VERSION = 2;
export const STATE_FILE = 'state.json';

const isoTime = z.iso.datetime({ offset: true });

export const alertSchema = z.object({
  id: z.string().min(1),
  time: isoTime,
  rule: z.object({ id: z.string(), title: z.string(), severity: z.enum(SEVERITIES) }),
  summary: z.string(),
  event: storedEventSchema,
  count: z.number(),
  group: z.record(z.string(), z.unknown()).nullable(),
  window: z.object({ start: z.string(), end: z.string() }).nullable(),
  /** The title and summary in other languages some notifiers read: a retry from the outbox still writes in theirs. */
  l10n: z.partialRecord(z.enum(LOCALES), z.object({ title: z.string(), summary: z.string() })).optional(),
});

export const pendingDeliverySchema = z.object({
  notifier: z.string().min(1),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  lastAttemptAt: isoTime.nullable(),
});

/**
 * How the last run went for one partition, for `audit status` and the audit-lagging alert
 * (state/health.ts). The error text is redacted before it is stored.
 */
export const partitionHealthSchema = z.object({
  lastRunAt: isoTime,
  result: z.enum(['ok', 'failed']),
  error: z.string().nullable(),
  /** The first failed run of the failures still going on: the lag of a partition that never had a checkpoint. */
  failingSince: isoTime.nullable(),
  /** When the current spell of lagging past health.maxLag began; null when not lagging. */
  laggingSince: isoTime.nullable(),
});

/** Per partition: the point it has settled to and the lateness runs observed, by hour (sources/lateness.ts). */
export const frontierSchema = z.object({
  observedSince: isoTime,
  settledTo: isoTime,
  late: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])).max(48),
});

export const outboxEntrySchema = z.object({
  alert: alertSchema,
  addedAt: isoTime,
  pending: z.array(pendingDeliverySchema).min(1),
});

/**
 * What one entry of each list in the file looks like. Maps are stored as `[key, value]` pairs
 * rather than objects: keys such as suppression keys carry event text, and a key named
 * `__proto__` must round-trip like any other. A damaged file is salvaged entry by entry
 * against these (load.ts), so one bad field never costs the outbox.
 */
export const sectionEntries = {
  checkpoints: z.tuple([z.string().min(1), isoTime]),
  /** Event id and the event's own time. */
  seen: z.tuple([z.string(), isoTime]),
  /** Alert id (fingerprint) and the alert's time. */
  alerts: z.tuple([z.string(), isoTime]),
  /** Suppression key and the last alert time in ms since the epoch. */
  suppression: z.tuple([z.string(), z.number().int().nonnegative()]),
  outbox: outboxEntrySchema,
  /** Each window rule's state (rule id, the rule's stateKey, its snapshot), so cron runs need not re-fetch history. */
  windows: z.tuple([z.string(), z.string(), z.unknown()]),
  /** Per partition: the last run's result and any lagging spell (state/health.ts). */
  health: z.tuple([z.string().min(1), partitionHealthSchema]),
  /** Per partition: how late its events show up and where it has settled, so runs re-read only what lateness needs. */
  frontiers: z.tuple([z.string().min(1), frontierSchema]),
};

export type Section = keyof typeof sectionEntries;
export const SECTIONS = Object.keys(sectionEntries) as Section[];

const stateFileFields = {
  savedAt: isoTime,
  checkpoints: z.array(sectionEntries.checkpoints),
  seen: z.array(sectionEntries.seen),
  alerts: z.array(sectionEntries.alerts),
  suppression: z.array(sectionEntries.suppression),
  outbox: z.array(sectionEntries.outbox),
};

export const stateFileSchema = z.object({
  version: z.literal(STATE_VERSION),
  ...stateFileFields,
  windows: z.array(sectionEntries.windows),
  // Files saved before run health was kept have none: every partition starts healthy.
  health: z.array(sectionEntries.health).default([]),
  // Files saved before lateness was observed have none: each partition re-reads all of `lateness` once.
  frontiers: z.array(sectionEntries.frontiers).default([]),
});

/**
 * Version 1 (0.1.x) judged windows from re-fetched history and kept none. Its suppression
 * keys are the same, so a burst it alerted on is not raised again after the upgrade.
 */
export const stateFileV1Schema = z.object({ version: z.literal(1), ...stateFileFields });

export type StateFile = z.infer<typeof stateFileSchema>;
export type PendingDelivery = z.infer<typeof pendingDeliverySchema>;
export type PartitionHealth = z.infer<typeof partitionHealthSchema>;
export type FrontierRecord = z.infer<typeof frontierSchema>;

export const frontierRecord = (f: Frontier): FrontierRecord => ({ observedSince: new Date(f.sinceMs).toISOString(), settledTo: new Date(f.settledMs).toISOString(), late: f.late.map(([h, ms]) => [h, Math.round(ms)]) });
export const frontierOf = (r: FrontierRecord): Frontier => ({ sinceMs: Date.parse(r.observedSince), settledMs: Date.parse(r.settledTo), late: r.late.map(([h, ms]) => [h, ms]) });
