import * as z from 'zod';
import type { AuditEvent } from '../../events/index.js';
import { describeAlert, fingerprint, titleIn } from '../alert.js';
import type { CompiledRule } from '../compile.js';
import { firstValueReader } from '../fields.js';
import { grouping } from '../group.js';
import type { Alert } from '../model.js';
import { fieldPathSchema } from '../option-schemas.js';
import { clean, PHRASES, type Trip, type TripStop } from '../phrases.js';
import { defineRuleType, type RuleRuntime, type RuleState } from './define.js';
import { distanceKm, forget, horizonMs, MAX_KM, MAX_TRAVEL_GROUPS, readTrips, travelSnapshotSchema, writeTrips, type Stop } from './travel-state.js';

/**
 * `travel: { per: [actor.id], speedKmh: 900, minKm: 500 }`: two located events of one group
 * (usually sign-ins) further apart than anyone could have travelled in the time between them.
 * Needs `geo` on events (`enrich.geoip`). The last located event per group is the rule's
 * snapshot, so a trip that spans two cron runs is still seen.
 */
export const travelRule = defineRuleType({
  type: 'travel',
  key: 'travel',
  windowed: false,
  snapshot: travelSnapshotSchema,
  options: z
    .strictObject({
      per: z
        .union([fieldPathSchema, z.array(fieldPathSchema).min(1)])
        .transform((g) => (Array.isArray(g) ? g : [g]))
        .describe('Field path or list of paths: whose trips are judged, e.g. [account, actor.id]; each group is compared only with its own last located event.'),
      speedKmh: z
        .number()
        .min(10)
        .max(100_000)
        .default(900)
        .describe('Alerts when distance / time between two located events is above this many km/h (900: an airliner). Default 900.'),
      minKm: z
        .number()
        .min(0)
        .max(MAX_KM)
        .default(500)
        .describe('Trips shorter than this never alert, however fast: IP locations are approximate (a city, often only a region). Default 500.'),
    })
    .describe('Travel rule: alerts when two located events of a group (geo from enrich.geoip) imply a speed over speedKmh across at least minKm, e.g. { per: [actor.id] }.'),
  create(rule, runtime, init, { per, speedKmh, minKm }): RuleState {
    const groups = grouping(per);
    const readers = per.map((path) => firstValueReader(path));
    const restored = init.snapshot !== undefined;
    const trips = readTrips(init.snapshot);
    // Late events (up to lateness behind the newest) must still find the stop they would have found in order.
    const keepFor = horizonMs(speedKmh) + runtime.latenessMs;
    return {
      push(event, ms, fresh) {
        // A restored state has seen the events an earlier run evaluated; a new one learns from them.
        if ((!fresh && restored) || !Number.isFinite(ms)) return undefined;
        const here = stopOf(event, ms);
        // Unknown users (a failed sign-in to no account) would all be one traveller.
        if (!here || readers.some((read) => read(event) === null)) return undefined;
        if (ms > trips.high) trips.high = ms;
        const key = groups.key(event);
        const before = trips.last.get(key);
        // Out of order, the one stop known is also the nearest in time: compared either way, and the later stays.
        if (!before || ms >= before.ms) trips.last.set(key, here);
        if (trips.last.size > MAX_TRAVEL_GROUPS) forget(trips, trips.high - keepFor);
        if (!before || !fresh) return undefined;
        const km = distanceKm(before, here);
        const hours = Math.abs(ms - before.ms) / 3_600_000;
        const kmh = hours === 0 ? Infinity : km / hours;
        if (km < minKm || km === 0 || kmh <= speedKmh) return undefined;
        const [from, to] = before.ms <= ms ? [before, here] : [here, before];
        return alert(rule, runtime, event, key, groups.group(event), { from: shown(from), to: shown(to), km, kmh, limitKmh: speedKmh }, ms);
      },
      advance: () => [],
      snapshot() {
        forget(trips, trips.high - keepFor);
        return writeTrips(trips);
      },
      retained: () => trips.last.size,
      dropped: () => 0,
    };
  },
});

/** Only a city-level place counts: a country-level one sits at the country's centre, a thousand km from anyone. */
function stopOf(event: AuditEvent, ms: number): Stop | undefined {
  const geo = event.geo;
  if (!geo || geo.city === null || geo.lat === null || geo.lon === null) return undefined;
  return { ms, lat: geo.lat, lon: geo.lon, city: geo.city, country: geo.country, ip: event.sourceIp ?? '' };
}

const shown = (s: Stop): TripStop => ({ place: s.country ? `${s.city}, ${s.country}` : s.city, ip: s.ip, ms: s.ms });

function alert(rule: CompiledRule, runtime: RuleRuntime, event: AuditEvent, key: string, group: Alert['group'], trip: Trip, ms: number): Alert | undefined {
  if (!runtime.allowed(rule, rule.groupKey(event), ms)) return undefined;
  const { id, title, severity } = rule.rule;
  const out: Alert = { id: fingerprint(id, key, event.id), time: event.time, rule: { id, title, severity }, summary: '', event, count: 1, group, window: null };
  // The trip is not on the alert: a summary of the rule's own (template or built-in code) still wins.
  const parts = Object.entries(group ?? {}).map(([k, v]) => `${k}=${v === null ? '-' : clean(String(v), 60)}`);
  const summarize = rule.rule.summarize ?? ((a: Alert, locale: keyof typeof PHRASES) => {
    const say = PHRASES[locale];
    return say.titled(titleIn(rule.rule, locale), say.travel(trip, parts, say.event(a.event)));
  });
  describeAlert({ ...rule.rule, summarize }, out, runtime.locales);
  return out;
}
