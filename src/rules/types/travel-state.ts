import * as z from 'zod';

/**
 * Per rule: past this many groups the least recently active tenth is forgotten (one sort, not
 * one per event). A forgotten group's next sign-in is only remembered, never compared: quiet,
 * not a false alarm. About 100 bytes of state file per group.
 */
export const MAX_TRAVEL_GROUPS = 10_000;

/** Half the Earth's circumference: no two places are further apart along its surface. */
export const MAX_KM = 20_038;
const EARTH_RADIUS_KM = 6371.0088;

/** A group's last located event. */
export interface Stop {
  ms: number;
  lat: number;
  lon: number;
  city: string;
  country: string | null;
  ip: string;
}

export interface Trips {
  /** The latest event time seen; forgetting is measured back from it. */
  high: number;
  /** Group key → its last located event. */
  last: Map<string, Stop>;
}

/** Great-circle distance (haversine), in km. */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * How long a stop can matter: further back than MAX_KM at `speedKmh`, no place on Earth is too
 * far to have been reached since (22 h at 900 km/h), so the stop is forgotten.
 */
export const horizonMs = (speedKmh: number) => (MAX_KM / speedKmh) * 3_600_000;

/** Forgets stops older than `cutoff` (event time), then the least recently active groups past the bound. */
export function forget(t: Trips, cutoff: number): void {
  for (const [key, stop] of t.last) if (stop.ms < cutoff) t.last.delete(key);
  if (t.last.size <= MAX_TRAVEL_GROUPS) return;
  // By time then key, never by arrival, so one backfill and cron runs keep the same groups.
  const idle = [...t.last].sort(([ka, a], [kb, b]) => a.ms - b.ms || (ka < kb ? -1 : 1));
  for (const [key] of idle.slice(0, t.last.size - Math.floor(MAX_TRAVEL_GROUPS * 0.9))) t.last.delete(key);
}

/** JSON has no infinities: null is "no event yet". */
export const travelSnapshotSchema = z.object({
  high: z.number().nullable(),
  /** [group key, time, lat, lon, city, country, ip] */
  last: z.array(z.tuple([z.string(), z.number(), z.number(), z.number(), z.string(), z.string().nullable(), z.string()])),
});

type TravelSnapshot = z.infer<typeof travelSnapshotSchema>;

export function writeTrips(t: Trips): TravelSnapshot {
  return {
    high: Number.isFinite(t.high) ? t.high : null,
    last: [...t.last].map(([key, s]) => [key, s.ms, s.lat, s.lon, s.city, s.country, s.ip]),
  };
}

/** From a snapshot already checked against travelSnapshotSchema; undefined for a fresh start. */
export function readTrips(data: unknown): Trips {
  if (data === undefined) return { high: -Infinity, last: new Map() };
  const s = data as TravelSnapshot;
  return {
    high: s.high ?? -Infinity,
    last: new Map(s.last.map(([key, ms, lat, lon, city, country, ip]) => [key, { ms, lat, lon, city, country, ip }])),
  };
}
