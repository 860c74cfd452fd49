// `audit events` end to end: the built CLI, the real Tencent SDK, the local CloudAudit emulator.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEventSchema, type AuditEvent } from '../../src/events/schema.js';
import { makeEvent, spreadEvents, startEmulator, TEST_SECRET_KEY, type ApiEvent, type Emulator } from '../helpers/emulator/index.js';
import { writeEmulatorConfig } from './emulator-config.js';
import { GUARD_MARK, ndjson, sandbox, stackLines, type CliResult, type Sandbox } from './run-cli.js';

let box: Sandbox;
let emu: Emulator | undefined;
beforeEach(async () => {
  box = await sandbox();
});
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  await box.cleanup();
});

// Every key of the schema but `geo`, which only enrichment (enrich.geoip, in check and watch) adds.
const SCHEMA_KEYS = Object.keys(auditEventSchema.shape).filter((k) => k !== 'geo').sort();

/** 137 events inside the last hour: three pages of at most 50. */
function recentEvents(): ApiEvent[] {
  const now = Date.now();
  return spreadEvents(137, { start: new Date(now - 50 * 60_000), end: new Date(now - 10 * 60_000), names: ['DescribeInstances', 'RunInstances', 'DeleteBucket'] });
}

function events(r: CliResult): AuditEvent[] {
  return ndjson(r.stdout).map((line) => {
    expect(Object.keys(line as object).sort()).toEqual(SCHEMA_KEYS);
    return auditEventSchema.parse(line);
  });
}

function expectClean(r: CliResult, ...secrets: string[]) {
  for (const s of [TEST_SECRET_KEY, ...secrets]) {
    expect(r.stdout).not.toContain(s);
    expect(r.stderr).not.toContain(s);
  }
  expect(r.stderr).not.toContain(GUARD_MARK);
}

describe('audit events against the emulator', () => {
  it('pages through 137 events with NextToken and prints one schema event per NDJSON line', async () => {
    const api = recentEvents();
    emu = await startEmulator({ events: api });
    const config = await writeEmulatorConfig(box.dir, { endpoint: emu.url });
    const r = await box.run(['events', '--since', '1h', '--output', 'json', '--config', config]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');

    const out = events(r);
    expect(out).toHaveLength(137);
    expect(new Set(out.map((e) => e.id))).toEqual(new Set(api.map((e) => e.EventId)));
    // Printed as pages arrive (newest page first, as CloudAudit lists), each page in time order.
    const pages = [out.slice(0, 50), out.slice(50, 100), out.slice(100)].map((p) => p.map((e) => e.time));
    for (const p of pages) expect(p).toEqual([...p].sort());
    expect(out.every((e) => e.provider === 'tencentcloud' && e.region === 'ap-guangzhou')).toBe(true);

    expect(emu.requests.map((q) => [q.action, q.errorCode, q.eventCount])).toEqual([
      ['LookUpEvents', null, 50],
      ['LookUpEvents', null, 50],
      ['LookUpEvents', null, 37],
    ]);
    const tokens = emu.requests.map((q) => q.params.NextToken);
    expect(tokens[0]).toBeUndefined();
    expect(typeof tokens[1]).toBe('string');
    expect(typeof tokens[2]).toBe('string');
    expect(tokens[2]).not.toBe(tokens[1]);
    // The same query on every page: only the token moves.
    const { NextToken: _t, ...first } = emu.requests[0].params;
    for (const q of emu.requests.slice(1)) expect({ ...q.params, NextToken: undefined }).toEqual({ ...first, NextToken: undefined });
    expectClean(r);
  });

  it('defaults to NDJSON in a pipe, and keeps logs on stderr even at trace level', async () => {
    emu = await startEmulator({ events: recentEvents() });
    const config = await writeEmulatorConfig(box.dir, { endpoint: emu.url });
    const r = await box.run(['events', '--since', '1h', '--config', config, '--log-level', 'trace']);
    expect(r.code, r.stderr).toBe(0);
    expect(events(r)).toHaveLength(137);
    expect(r.stderr).toContain('"msg":"CloudAudit page"');
    expect(r.stdout).not.toContain('"level"');
    expectClean(r);
  });

  it('--output text prints a header and aligned columns, oldest first', async () => {
    const t = (m: number) => new Date(Date.parse('2026-11-20T10:00:00Z') + m * 60_000);
    emu = await startEmulator({
      events: [
        makeEvent({ name: 'DeleteBucket', time: t(3), actorType: 'CAMUser', userName: 'a-rather-long-cam-user-name', service: 'cos', errorCode: 'ResourceNotFound', sourceIp: '198.51.100.23' }),
        makeEvent({ name: 'ConsoleLogin', time: t(1), sourceIp: '10.1.2.3' }),
        makeEvent({ name: 'AttachUserPolicy', time: t(2), actorType: 'CAMUser', userName: 'bob', service: 'cam', camErrorCode: 4102 }),
      ],
    });
    const config = await writeEmulatorConfig(box.dir, { endpoint: emu.url });
    const r = await box.run(['events', '--since', '2026-11-20T09:00:00Z', '--until', '2026-11-20T11:00:00Z', '--output', 'text', '--config', config]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    const header = lines[0];
    const columns = ['EVENT', 'ACTOR', 'SOURCE IP', 'ERROR'].map((h) => header.indexOf(h));
    expect(header.startsWith('TIME')).toBe(true);
    expect(columns.every((c, i) => c > 0 && (i === 0 || c > columns[i - 1]))).toBe(true);
    for (const line of lines.slice(1)) {
      for (const c of columns) {
        expect(line.slice(c - 2, c), `column at ${c} in ${JSON.stringify(line)}`).toBe('  ');
        expect(line[c], `column at ${c} in ${JSON.stringify(line)}`).not.toBe(' ');
      }
    }
    expect(lines.slice(1).map((l) => l.slice(columns[0]).split(/\s+/)[0])).toEqual(['ConsoleLogin', 'AttachUserPolicy', 'DeleteBucket']);
    expect(lines[1]).toMatch(/^2026-11-20 10:01:00 UTC\s/);
    // A name wider than its column is cut with an ellipsis rather than pushing the rest right.
    expect(lines[3]).toContain('CAMUser:a-rather-long-cam-user-…');
    expect(lines[3].slice(columns[3])).toBe('ResourceNotFound');
  });
});

describe('audit events: failures', () => {
  const WRONG_KEY = 'wrong-secret-key-MUST-NOT-BE-PRINTED-0001';

  it('a wrong SecretKey exits 1 with one line naming AuthFailure and what to check, without retrying', async () => {
    emu = await startEmulator({ events: recentEvents() });
    const config = await writeEmulatorConfig(box.dir, { endpoint: emu.url, secretKey: WRONG_KEY });
    const r = await box.run(['events', '--since', '1h', '--config', config]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^audit: .*AuthFailure\.SignatureFailure/);
    expect(lines[0]).toContain('check that the SecretKey belongs to the SecretId');
    expect(stackLines(r.stderr)).toEqual([]);
    // The key is refused by the first call made with it: STS asking which account it belongs to.
    expect(emu.stsRequests.map((q) => q.errorCode)).toEqual(['AuthFailure.SignatureFailure']);
    expect(emu.requests).toEqual([]);
    expectClean(r, WRONG_KEY);
  });

  it('never prints the key on an auth failure, even at trace level', async () => {
    emu = await startEmulator({ events: recentEvents() });
    const config = await writeEmulatorConfig(box.dir, { endpoint: emu.url, secretKey: WRONG_KEY });
    const r = await box.run(['events', '--since', '1h', '--config', config, '--log-level', 'trace']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('AuthFailure.SignatureFailure');
    expect(r.stderr).toContain('"level":"debug"');
    expectClean(r, WRONG_KEY);
  });

  it('retries throttled requests and still prints every event', async () => {
    emu = await startEmulator({ events: recentEvents() });
    emu.failNext(2, { code: 'RequestLimitExceeded' });
    const config = await writeEmulatorConfig(box.dir, { endpoint: emu.url });
    const r = await box.run(['events', '--since', '1h', '--output', 'json', '--config', config]);
    expect(r.code, r.stderr).toBe(0);
    expect(events(r)).toHaveLength(137);
    expect(emu.requests.map((q) => q.errorCode)).toEqual(['RequestLimitExceeded', 'RequestLimitExceeded', null, null, null]);
    expect(emu.served()).toHaveLength(3);
  });

  it('abandons a stalled request after source.timeout and retries it', async () => {
    emu = await startEmulator({ events: recentEvents() });
    emu.failNext(1, { stall: true });
    const config = await writeEmulatorConfig(box.dir, { endpoint: emu.url, source: ['timeout: 1s'] });
    const r = await box.run(['events', '--since', '1h', '--output', 'json', '--config', config, '--log-level', 'debug']);
    expect(r.code, r.stderr).toBe(0);
    expect(events(r)).toHaveLength(137);
    // At least the stalled one and three pages (a loaded machine may time out one more).
    expect(emu.requests.length).toBeGreaterThanOrEqual(4);
    expect(emu.requests[0].httpStatus).toBe(0); // never answered
    expect(emu.served()).toHaveLength(3);
    expect(r.stderr).toMatch(/"code":"Timeout".*"msg":"CloudAudit call failed; retrying"/);
  });
});

describe('secrets stay out of every log level', () => {
  it('LOG_LEVEL=debug: events, check and config validate never print the SecretKey', async () => {
    emu = await startEmulator({ events: recentEvents() });
    const config = await writeEmulatorConfig(box.dir, { endpoint: emu.url });
    const env = { LOG_LEVEL: 'debug' };
    const ev = await box.run(['events', '--since', '1h', '--output', 'json', '--config', config], { env });
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.stderr).toContain('"level":"debug"');
    expectClean(ev);
    const check = await box.run(['check', '--since', '1h', '--no-state', '--output', 'json', '--config', config], { env });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toContain('"level":"debug"');
    expectClean(check);
    const validate = await box.run(['config', 'validate', '--config', config], { env });
    expect(validate.code, validate.stderr).toBe(0);
    expectClean(validate);
  });

  it('a config error next to the key does not echo the key', async () => {
    emu = await startEmulator();
    const config = await writeEmulatorConfig(box.dir, { endpoint: emu.url, source: ['timeout: soon', 'maxAttempts: 0'] });
    const r = await box.run(['events', '--since', '1h', '--config', config, '--log-level', 'trace']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('source.timeout: invalid duration "soon"');
    expect(r.stderr).toContain('source.maxAttempts:');
    expect(emu.requests).toHaveLength(0);
    expectClean(r);
  });
});
