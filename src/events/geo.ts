import { AuditError } from '../errors.js';
import { publicAddress } from './geo-ip.js';
import { geoFromRecord } from './geo-record.js';
import type { AuditEvent, Geo } from './schema.js';

export { geoFromRecord } from './geo-record.js';
export { publicAddress } from './geo-ip.js';

/**
 * Addresses remembered per database (a run, or an `audit watch` process). Audit trails repeat a
 * handful of addresses (offices, CI runners, the provider's own services), so nearly every event
 * is a hit; the bound keeps a replay that sweeps the whole address space from growing without end.
 */
export const GEO_CACHE_SIZE = 10_000;

/** The `enrich` stage between dedupe and the rules (pipeline.ts). */
export type EnrichEvent = (event: AuditEvent) => void;

export interface GeoDatabase {
  /** The database's own name for itself (`GeoLite2-City`, `city ipv4`, ...). */
  type: string;
  /** Where the address is, or null for a private, reserved or unknown one. */
  lookup(ip: string): Geo | null;
  /**
   * Sets `event.geo` in place: the event is the pipeline's own, freshly normalized object, and a
   * copy per event would cost a replay of millions as many allocations.
   */
  enrich: EnrichEvent;
  /** Addresses currently cached. */
  cached(): number;
}

interface Reader {
  metadata: { databaseType: string; ipVersion: number };
  get(ip: string): unknown;
}

/**
 * Opens a MaxMind-format database with the `maxmind` package, loaded only here, so a config
 * without `enrich.geoip` never pays for it. The file is read into memory once (tens of MB for a
 * city database). Errors are E_CONFIG with the reason alone; the caller names the setting.
 */
export async function openGeoDatabase(file: string, options: { cacheSize?: number } = {}): Promise<GeoDatabase> {
  const maxmind = (await import('maxmind')).default;
  let reader: Reader;
  try {
    reader = await maxmind.open(file);
  } catch (err) {
    throw new AuditError('E_CONFIG', `${file}: ${openFailure(err)}`, { cause: err });
  }
  return geoDatabase(reader, options.cacheSize ?? GEO_CACHE_SIZE);
}

function openFailure(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a .mmdb file';
  const message = err instanceof Error ? err.message : String(err);
  if (/gzip/i.test(message)) return 'a gzip file: unpack it first (the GeoLite2-City .tar.gz holds GeoLite2-City.mmdb)';
  return `not a MaxMind database (${message.split('\n')[0].slice(0, 120)})`;
}

/** Lookups through a bounded cache: a Map in recency order, the least recently used dropped first. */
export function geoDatabase(reader: Reader, cacheSize: number): GeoDatabase {
  const cache = new Map<string, Geo | null>();
  // An IPv4-only database reads an IPv6 address's first bits as an IPv4 one and answers with a wrong place.
  const v4Only = reader.metadata.ipVersion === 4;
  const find = (ip: string): Geo | null => {
    const target = publicAddress(ip);
    if (!target || (v4Only && target.version === 6)) return null;
    let record: unknown;
    try {
      record = reader.get(target.address);
    } catch {
      return null; // an address the database's tree cannot hold
    }
    const geo = geoFromRecord(record);
    // Shared by every event from the address: nothing may change it under the others.
    return geo && Object.freeze(geo);
  };
  const lookup = (ip: string): Geo | null => {
    const hit = cache.get(ip);
    if (hit !== undefined) {
      cache.delete(ip);
      cache.set(ip, hit);
      return hit;
    }
    const geo = find(ip);
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
    cache.set(ip, geo);
    return geo;
  };
  return {
    type: reader.metadata.databaseType,
    lookup,
    enrich(event) {
      event.geo = event.sourceIp ? lookup(event.sourceIp) : null;
    },
    cached: () => cache.size,
  };
}
