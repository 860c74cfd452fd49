import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { auditEventSchema, type AuditEvent } from '../../../src/events/index.js';
import { AuditError } from '../../../src/errors.js';
import { detectFormat, recordFormats } from '../../../src/sources/file/formats.js';
import { readRecordedEvents, type RecordedEventsIO } from '../../../src/sources/file/index.js';
import { isLogFileName } from '../../../src/sources/file/tree.js';
import { ACTIONTRAIL, API_EVENTS, CLOUDTRAIL, FILES, writeDeliveredTree } from './delivered-tree.js';

const tmp = mkdtempSync(join(tmpdir(), 'audit-delivered-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const dir = join(tmp, `d${++n}`);
  mkdirSync(dir);
  return dir;
};
const tree = writeDeliveredTree(fresh());

async function read(input: string, more: Partial<RecordedEventsIO> = {}) {
  const warnings: string[] = [];
  const skipped: string[] = [];
  const events: AuditEvent[] = [];
  const io = { stdin: new PassThrough(), warn: (m: string) => warnings.push(m), skipped: (r: string) => skipped.push(r), ...more };
  for await (const e of readRecordedEvents(input, io)) {
    expect(auditEventSchema.safeParse(e).success).toBe(true);
    events.push(e);
  }
  return { events, warnings, skipped };
}

describe('a directory of delivered files', () => {
  it('has the three providers the registry knows, and normalized events', () => {
    expect(recordFormats.map((f) => f.provider).sort()).toEqual(['alibabacloud', 'aws', 'normalized', 'tencentcloud']);
  });

  it('tries CloudTrail and ActionTrail before CloudAudit, whose bare-record check their records pass too', () => {
    const tencent = recordFormats.find((f) => f.provider === 'tencentcloud')!;
    for (const [record, provider] of [
      [CLOUDTRAIL.Records[1], 'aws'],
      [ACTIONTRAIL[1], 'alibabacloud'],
    ] as const) {
      expect(tencent.detect(record)).toBe(true);
      expect(detectFormat(record)?.provider).toBe(provider);
    }
    expect(detectFormat(API_EVENTS[0])?.provider).toBe('tencentcloud');
    expect(detectFormat({ hello: 'world' })).toBeUndefined();
  });

  it('reads every log file below it in the order of their first events, whatever their names', async () => {
    const { events } = await read(tree.root);
    expect(events.map((e) => e.id)).toEqual(tree.ids);
    const times = events.map((e) => e.time);
    expect(times).toEqual([...times].sort());
    // ActionTrail (08:40) sorts after AWSLogs/ by name, and before it by time.
    const runs = events.map((e) => e.provider).filter((p, i, all) => p !== all[i - 1]);
    expect(runs).toEqual(['alibabacloud', 'aws', 'tencentcloud']);
  });

  it('detects each record\'s provider: CloudTrail, ActionTrail, CloudAudit (API events and bare records) and normalized events', async () => {
    const { events } = await read(tree.root);
    const byId = new Map(events.map((e) => [e.id, e]));
    const rootLogin = byId.get(CLOUDTRAIL.Records[0].eventID)!;
    expect(rootLogin).toMatchObject({ provider: 'aws', account: '111122223333', region: 'us-east-1', name: 'ConsoleLogin', login: true, actor: { type: 'Root', root: true } });
    expect(byId.get(ACTIONTRAIL[0].eventId)).toMatchObject({ provider: 'alibabacloud', name: 'ConsoleSignin', login: true, actor: { type: 'root-account', root: true } });
    expect(byId.get(ACTIONTRAIL[3].eventId)!.error).toEqual({ code: 'Forbidden.RAM', message: expect.stringContaining('not authorized') });
    // An empty errorCode is ActionTrail's way of saying the call succeeded.
    expect(byId.get(ACTIONTRAIL[1].eventId)!.error).toBeNull();
    expect(events.filter((e) => e.provider === 'tencentcloud')).toHaveLength(API_EVENTS.length);
  });

  it('reads gzip by its bytes: a gzip file named .json, and a plain file named .gz', async () => {
    const early = await read(join(tree.root, FILES.cloudtrailEarly));
    expect(early.events.map((e) => e.name)).toEqual(['AssumeRole', 'RunInstances']);
    const plain = await read(join(tree.root, FILES.normalized));
    expect(plain.events.map((e) => e.id)).toEqual(API_EVENTS.slice(50).map((e) => e.EventId));
    expect([...early.warnings, ...plain.warnings]).toEqual([]);
  });

  it('sets aside, with a warning each, a corrupt gzip file, a file that is not JSON and a dangling link; the rest is read', async () => {
    const { events, warnings, skipped } = await read(tree.root);
    expect(events).toHaveLength(tree.ids.length);
    expect(skipped).toHaveLength(3);
    const [corrupt, dangling, notJson] = tree.unreadable;
    expect(skipped.find((s) => s.startsWith(corrupt))).toMatch(/gzip data is corrupt or truncated$/);
    expect(skipped.find((s) => s.startsWith(dangling))).toBe(`${dangling}: broken symbolic link`);
    expect(skipped.find((s) => s.startsWith(notJson))).toBe(`${notJson}:1: not JSON`);
    // Hidden files, README.md, manifest.csv and CloudTrail's digest files are not logs: no word about them.
    expect(warnings.sort()).toEqual(skipped.map((s) => `${s}; skipped`).sort());
  });

  it('skips non-log names and hidden files', () => {
    for (const name of ['a.json', 'a.json.gz', 'A.JSONL', 'x.ndjson.gzip', 'trail.log', 'events.gz', 'records-1013']) expect(isLogFileName(name), name).toBe(true);
    for (const name of ['.DS_Store', '.x.json', 'README.md', 'notes.txt', 'manifest.csv', 'a.md.gz', 'config.yaml']) expect(isLogFileName(name), name).toBe(false);
  });

  it('warns about a directory without log files and yields nothing', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'README.md'), 'nothing here');
    const { events, warnings, skipped } = await read(dir);
    expect(events).toEqual([]);
    expect(warnings).toEqual([`${dir}: no log files (*.json, *.jsonl, *.ndjson, *.log or no extension, gzipped or not)`]);
    expect(skipped).toEqual([]);
  });

  it('lets a consumer stop in the middle of a directory', async () => {
    const seen: string[] = [];
    for await (const e of readRecordedEvents(tree.root, { stdin: new PassThrough(), warn: () => {} })) {
      seen.push(e.id);
      if (seen.length === 6) break;
    }
    expect(seen).toEqual(tree.ids.slice(0, 6));
  });
});

describe('{"Records":[...]} files', () => {
  const record = (i: number) => ({ ...CLOUDTRAIL.Records[1], eventID: `evt-${String(i).padStart(6, '0')}`, eventTime: new Date(Date.UTC(2026, 10, 22, 9) + i * 1000).toISOString().replace('.000', '') });

  it('streams a large one-line file record by record: the first event arrives before the input ends', async () => {
    const text = JSON.stringify({ Records: Array.from({ length: 3000 }, (_, i) => record(i)) });
    const stdin = new PassThrough();
    const it = readRecordedEvents('-', { stdin, warn: () => {} })[Symbol.asyncIterator]();
    const half = 64 * 1024; // no newline, far below the 1 MiB head limit: the `{"Records":[` start alone decides
    stdin.write(text.slice(0, half));
    const first = await it.next();
    expect(first.value?.id).toBe('evt-000000');
    stdin.end(text.slice(half));
    let count = 1;
    while (!(await it.next()).done) count++;
    expect(count).toBe(3000);
  });

  it('reads a gzip file of many chunks whole and in order', async () => {
    const path = join(fresh(), 'big.json.gz');
    writeFileSync(path, gzipSync(JSON.stringify({ Records: Array.from({ length: 8000 }, (_, i) => record(i)) })));
    const ids: string[] = [];
    for await (const e of readRecordedEvents(path, { stdin: new PassThrough(), warn: (m) => expect.fail(m) })) ids.push(e.id);
    expect(ids).toHaveLength(8000);
    expect(ids.every((id, i) => id === `evt-${String(i).padStart(6, '0')}`)).toBe(true);
  });

  it('reads Records that is not the first key, pretty-printed, and one file of several wrappers', async () => {
    const dir = fresh();
    const a = join(dir, 'late-key.json');
    writeFileSync(a, JSON.stringify({ Version: '1.0', Records: [record(1), record(2)] }, null, 2));
    expect((await read(a)).events.map((e) => e.id)).toEqual(['evt-000001', 'evt-000002']);
    const b = join(dir, 'several.json');
    writeFileSync(b, `${JSON.stringify({ Records: [record(3)] })}${JSON.stringify({ Records: [record(4)] })}\n`);
    expect((await read(b)).events.map((e) => e.id)).toEqual(['evt-000003', 'evt-000004']);
    const c = join(dir, 'pretty.json');
    writeFileSync(c, JSON.stringify({ Records: [record(5), record(6)] }, null, 4));
    expect((await read(c)).events.map((e) => e.id)).toEqual(['evt-000005', 'evt-000006']);
  });

  it('warns about and skips a record no format recognises, and reads on', async () => {
    const path = join(fresh(), 'mixed.json');
    writeFileSync(path, JSON.stringify({ Records: [record(1), { hello: 'world' }, record(2)] }));
    const { events, warnings, skipped } = await read(path);
    expect(events.map((e) => e.id)).toEqual(['evt-000001', 'evt-000002']);
    expect(warnings).toEqual([`${path}:1: not an audit event record; skipped`]);
    expect(skipped).toEqual([`${path}:1: not an audit event record`]);
  });
});

describe('--provider (format): every record read as one provider\'s', () => {
  // A CloudTrail record as some exports trim it: without eventVersion and awsRegion it looks like a bare CloudAudit record.
  const trimmed = { eventID: 'trimmed-1', eventTime: '2026-11-22T09:40:00Z', eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' } };
  const path = join(fresh(), 'export.ndjson');
  writeFileSync(path, JSON.stringify(trimmed) + '\n');

  it('detection alone takes the trimmed record for CloudAudit; forced, it is CloudTrail', async () => {
    expect((await read(path)).events[0].provider).toBe('tencentcloud');
    const forced = (await read(path, { format: 'aws' })).events[0];
    expect(forced).toMatchObject({ provider: 'aws', id: 'trimmed-1', name: 'ConsoleLogin', login: true, actor: { root: true } });
  });

  it('applies to every file of a directory: records of other shapes are warned about and skipped', async () => {
    const { events, skipped } = await read(tree.root, { format: 'normalized' });
    expect(events.map((e) => e.id)).toEqual(API_EVENTS.slice(50).map((e) => e.EventId));
    expect(skipped.filter((s) => s.includes('invalid event')).length).toBeGreaterThan(50);
  });

  it('an unknown name is a usage error listing the known ones', async () => {
    const err = await read(path, { format: 'gcp' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AuditError);
    expect((err as AuditError).code).toBe('E_USAGE');
    expect((err as AuditError).message).toBe('format: unknown provider "gcp" (known: normalized, aws, alibabacloud, tencentcloud)');
  });
});
