import * as z from 'zod';

/**
 * The one event shape every source normalizes into. Rules and notifiers only ever see this,
 * so it names no cloud: provider-specific detail stays reachable through `raw`.
 */
export const actorSchema = z.object({
  /** Root, CAMUser, AssumedRole, ... as the provider names it. */
  type: z.string().nullable(),
  id: z.string().nullable(),
  name: z.string().nullable(),
  accessKeyId: z.string().nullable(),
  /** The account's root identity, whatever the provider calls it (Tencent Root, Alibaba root-account, AWS Root). */
  root: z.boolean(),
});

export const eventErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
});

export const resourceSchema = z.object({
  type: z.string().nullable(),
  name: z.string(),
});

/**
 * Where a geo database (`enrich.geoip`) places `sourceIp`. Separate from `location`, the
 * provider's own label: the two may disagree, and a rule should know which one it reads.
 */
export const geoSchema = z.object({
  /** ISO 3166-1 alpha-2 code, e.g. CN. */
  country: z.string().nullable(),
  /** The first subdivision (province, state), e.g. Guangdong. */
  region: z.string().nullable(),
  city: z.string().nullable(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
});

export const auditEventSchema = z.object({
  /** The provider's own event id (Tencent: EventId); the dedupe key. */
  id: z.string().min(1),
  /** ISO-8601 UTC as Date#toISOString() writes it (milliseconds, `Z`): times compare as text. */
  time: z.iso.datetime(),
  provider: z.string(),
  account: z.string().nullable(),
  region: z.string().nullable(),
  /** The API action or console event, e.g. ConsoleLogin, DeleteBucket. */
  name: z.string(),
  /** ApiCall, ConsoleCall, ... */
  type: z.string().nullable(),
  service: z.string().nullable(),
  /** null when the provider does not say. */
  readOnly: z.boolean().nullable(),
  actor: actorSchema,
  sourceIp: z.string().nullable(),
  /** Where the provider places the source address (CloudAudit's `Location`, e.g. 广东省深圳市), when it says. */
  location: z.string().nullable().optional(),
  /** Set only with `enrich.geoip`: null when the address is private, reserved or not in the database. */
  geo: geoSchema.nullable().optional(),
  userAgent: z.string().nullable(),
  /** null when the call succeeded. */
  error: eventErrorSchema.nullable(),
  sensitive: z.boolean(),
  /** A console sign-in, whatever the provider calls it (ConsoleLogin, ConsoleSignin). */
  login: z.boolean(),
  resources: z.array(resourceSchema),
  requestId: z.string().nullable(),
  /** The provider's original record, for rules that need a field the schema does not lift. */
  raw: z.unknown(),
});

export type AuditEvent = z.infer<typeof auditEventSchema>;
export type Actor = z.infer<typeof actorSchema>;
export type Geo = z.infer<typeof geoSchema>;

const ROOT_TYPES = new Set(['root', 'root-account']);
const LOGIN_NAMES = new Set(['ConsoleLogin', 'ConsoleSignin']);

/** The portable fields from the provider's own values: what a normalizer sets when the record says no more. */
export function isRoot(actorType: string | null): boolean {
  return actorType !== null && ROOT_TYPES.has(actorType.toLowerCase());
}
export function isLogin(name: string): boolean {
  return LOGIN_NAMES.has(name);
}

/**
 * Events stored before `actor.root` and `login` existed (recordings, the state's outbox and
 * window snapshots) get them from their provider values, so they still parse and still match.
 */
function fillPortable(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const e = value as { name?: unknown; login?: unknown; actor?: { type?: unknown; root?: unknown } };
  if (e.login !== undefined && e.actor?.root !== undefined) return value;
  const actor = e.actor && typeof e.actor === 'object' ? e.actor : undefined;
  return {
    ...e,
    login: e.login ?? (typeof e.name === 'string' && isLogin(e.name)),
    ...(actor ? { actor: { ...actor, root: actor.root ?? (typeof actor.type === 'string' && isRoot(actor.type)) } } : {}),
  };
}

/** For events read back from storage: the schema, after filling what older versions did not write. */
export const storedEventSchema = z.preprocess(fillPortable, auditEventSchema);

/** Cheap structural check used to recognise already-normalized events in recorded files. */
export function looksNormalized(record: unknown): boolean {
  if (!record || typeof record !== 'object') return false;
  const r = record as Record<string, unknown>;
  return typeof r.id === 'string' && typeof r.time === 'string' && typeof r.provider === 'string' && 'actor' in r;
}
