import type { Geo } from './schema.js';

/**
 * A database record as `geo`. Two layouts are in use, and a field is read from whichever the
 * record has, so a database that mixes them (or only has some fields) still maps:
 *   - MaxMind's GeoLite2/GeoIP2 City (also DB-IP's lite builds): `country.iso_code`,
 *     `subdivisions[0].names.en`, `city.names.en`, `location.latitude/longitude`;
 *   - ip-location-db's flat builds: `country_code`, `state1`, `city`, `latitude`, `longitude`.
 * Empty strings (the flat builds' "unknown") are null. A record that places nothing is null.
 */
export function geoFromRecord(record: unknown): Geo | null {
  if (!record || typeof record !== 'object') return null;
  const r = record as Record<string, unknown>;
  const location = field(r, 'location');
  const lat = number(field(location, 'latitude') ?? r.latitude);
  const lon = number(field(location, 'longitude') ?? r.longitude);
  // A coordinate alone is no place: both or neither, and only on the globe.
  const placed = lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  const subdivisions = r.subdivisions;
  const geo: Geo = {
    country: text(field(r.country, 'iso_code') ?? r.country_code),
    region: text(Array.isArray(subdivisions) ? named(subdivisions[0]) : r.state1),
    city: text(typeof r.city === 'string' ? r.city : named(r.city)),
    lat: placed ? round(lat) : null,
    lon: placed ? round(lon) : null,
  };
  return geo.country === null && geo.region === null && geo.city === null && geo.lat === null ? null : geo;
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

/** `{ names: { en, de, zh-CN, ... } }`: English, as every other name in an alert is, else any. */
function named(value: unknown): unknown {
  const names = field(value, 'names');
  if (names === undefined || names === null || typeof names !== 'object') return undefined;
  return field(names, 'en') ?? Object.values(names as Record<string, unknown>).find((n) => typeof n === 'string');
}

/** Databases are not attacker-written, but they are not ours either: one short line. */
function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const flat = value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat === '' ? null : flat.slice(0, 100);
}

/** Four decimals are 11 m, far finer than any IP location; the float32 noise (23.118099212646484) goes. */
const round = (x: number) => Math.round(x * 1e4) / 1e4;

function number(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
