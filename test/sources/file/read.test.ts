import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { auditEventSchema, type AuditEvent } from '../../../src/events/index.js';
import { AuditError } from '../../../src/errors.js';
import { readRecordedEvents } from '../../../src/sources/file/index.js';
import { normalizeTencentRecord } from '../../../src/sources/tencentcloud/normalize.js';

const ROOT = join(import.meta.dirname, '../../..');
const EXAMPLES = readFileSync(join(ROOT, 'examples/events.ndjson'), 'utf8');
const API_EVENTS: any[] = EXAMPLES.trim().split('\n').map((l) => JSON.parse(l));
const RESPONSE_TEXT = readFileSync(join(ROOT, 'examples/api-response.json'), 'utf8');
const RESPONSE = JSON.parse(RESPONSE_TEXT);
const BARE: any[] = API_EVENTS.map((e) => JSON.parse(e.CloudAuditEvent));

const dir = mkdtempSync(join(tmpdir(), 'audit-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(content: string | Buffer, name = `f${++n}.txt`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function noStdin() {
  return new PassThrough();
}

async function read(input: string, stdin: NodeJS.ReadableStream = noStdin()) {
  const warnings: string[] = [];
  const events: AuditEvent[] = [];
  for await (const e of readRecordedEvents(input, { stdin, warn: (m) => warnings.push(m) })) {
    expect(auditEventSchema.safeParse(e).success).toBe(true);
    events.push(e);
  }
  return { events, warnings };
}

async function readError(input: string, stdin?: NodeJS.ReadableStream): Promise<AuditError> {
  try {
    await read(input, stdin);
  } catch (err) {
    expect(err).toBeInstanceOf(AuditError);
    return err as AuditError;
  }
  throw new Error('expected the read to fail');
}

/** stdin that delivers `data` in pieces of `size` bytes, so records straddle chunks. */
function stdinOf(data: Buffer | string, size = 7): PassThrough {
  const s = new PassThrough();
  const buf = Buffer.from(data);
  for (let i = 0; i < buf.length; i += size) s.write(buf.subarray(i, i + size));
  s.end();
  return s;
}

const ids = (events: AuditEvent[]) => events.map((e) => e.id);
const EXPECTED_IDS = API_EVENTS.map((e) => e.EventId);

describe('readRecordedEvents: formats', () => {
  it('reads NDJSON of API events', async () => {
    const { events, warnings } = await read(file(EXAMPLES));
    expect(ids(events)).toEqual(EXPECTED_IDS);
    expect(warnings).toEqual([]);
    expect(events[0].provider).toBe('tencentcloud');
  });

  it('detects gzip by magic bytes, whatever the name', async () => {
    const { events } = await read(file(gzipSync(EXAMPLES), 'plain-looking.json'));
    expect(ids(events)).toEqual(EXPECTED_IDS);
  });

  it('reads stdin with "-", in small chunks, gzip or not', async () => {
    expect(ids((await read('-', stdinOf(EXAMPLES, 5))).events)).toEqual(EXPECTED_IDS);
    expect(ids((await read('-', stdinOf(gzipSync(EXAMPLES), 3))).events)).toEqual(EXPECTED_IDS);
  });

  it('reads a pretty-printed JSON array and a one-line array, split across odd chunks', async () => {
    const pretty = JSON.stringify(API_EVENTS, null, 2);
    expect(ids((await read(file(pretty))).events)).toEqual(EXPECTED_IDS);
    expect(ids((await read('-', stdinOf(JSON.stringify(API_EVENTS), 1))).events)).toEqual(EXPECTED_IDS);
  });

  it('reads an array of bare CloudAudit records', async () => {
    const { events } = await read(file(JSON.stringify(BARE, null, 1)));
    expect(ids(events)).toEqual(BARE.map((r) => r.eventID));
  });

  it('reads a whole pretty-printed API response and a compact one', async () => {
    const expected = RESPONSE.Response.Events.map((e: any) => e.EventId);
    expect(ids((await read(join(ROOT, 'examples/api-response.json'))).events)).toEqual(expected);
    expect(ids((await read(file(JSON.stringify(RESPONSE)))).events)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(5);
  });

  it('reads NDJSON of API responses (one page per line)', async () => {
    const pages = [API_EVENTS.slice(0, 20), API_EVENTS.slice(20)].map((Events) => JSON.stringify({ Response: { Events, ListOver: false } }));
    expect(ids((await read(file(pages.join('\n')))).events)).toEqual(EXPECTED_IDS);
  });

  it('detects the shape per record in mixed NDJSON, with blank lines, CRLF and a BOM', async () => {
    const normalized = normalizeTencentRecord(API_EVENTS[3], {});
    const lines = [
      JSON.stringify({ Response: { Events: API_EVENTS.slice(0, 2) } }),
      '',
      JSON.stringify(API_EVENTS[2]),
      '   ',
      JSON.stringify(normalized),
      JSON.stringify(BARE[4]),
    ];
    const { events, warnings } = await read(file('\ufeff' + lines.join('\r\n') + '\r\n'));
    expect(ids(events)).toEqual(EXPECTED_IDS.slice(0, 5));
    expect(events[3]).toEqual(normalized);
    expect(warnings).toEqual([]);
  });

  it('round-trips its own NDJSON output', async () => {
    const first = (await read(file(EXAMPLES))).events;
    const again = (await read(file(first.map((e) => JSON.stringify(e)).join('\n')))).events;
    expect(again).toEqual(first);
  });

  it('yields nothing for an empty or blank file', async () => {
    expect((await read(file(''))).events).toEqual([]);
    expect((await read(file('\n  \n'))).events).toEqual([]);
  });

  it('streams: the first event arrives before the input ends', async () => {
    for (const [start, next] of [
      [JSON.stringify(API_EVENTS[0]) + '\n', JSON.stringify(API_EVENTS[1]) + '\n'],
      ['[' + JSON.stringify(API_EVENTS[0]) + ',\n', JSON.stringify(API_EVENTS[1]) + ']'],
    ]) {
      const stdin = new PassThrough();
      const it = readRecordedEvents('-', { stdin, warn: () => {} })[Symbol.asyncIterator]();
      stdin.write(start);
      stdin.write(next.slice(0, 10));
      const first = await it.next();
      expect(first.value?.id).toBe(API_EVENTS[0].EventId);
      stdin.end(next.slice(10));
      expect((await it.next()).value?.id).toBe(API_EVENTS[1].EventId);
      expect((await it.next()).done).toBe(true);
    }
  });
});

describe('readRecordedEvents: bad input', () => {
  it('skips a broken NDJSON line after good ones with a warning naming the file and line, and reads on', async () => {
    const path = file([JSON.stringify(API_EVENTS[0]), JSON.stringify(API_EVENTS[1]), '{"EventId": oops}', JSON.stringify(API_EVENTS[2])].join('\n'));
    const seen: string[] = [];
    const warnings: string[] = [];
    for await (const e of readRecordedEvents(path, { stdin: noStdin(), warn: (m) => warnings.push(m) })) seen.push(e.id);
    expect(seen).toEqual(EXPECTED_IDS.slice(0, 3));
    expect(warnings).toEqual([`${path}:3: not JSON; skipped`]);
  });

  it('reports text that is no JSON at all at line 1', async () => {
    const err = await readError(file('hello world\n'));
    expect(err.code).toBe('E_INPUT');
    expect(err.message).toMatch(/:1: not JSON/);
  });

  it('reports the line of a bad element in an array', async () => {
    const err = await readError(file('[\n  {"EventId": "a"},\n  {"EventId": bad}\n]'));
    expect(err.message).toMatch(/:3: not JSON/);
  });

  it('reports an unterminated array or record', async () => {
    expect((await readError(file('[\n' + JSON.stringify(API_EVENTS[0])))).message).toMatch(/unterminated array/);
    expect((await readError(file('[\n{"EventId": "a"'))).message).toMatch(/:2: unexpected end of input/);
  });

  it('fails for a missing file, naming the path, as a usage error (exit 2); a directory is read (delivered.test.ts)', async () => {
    const missing = join(dir, 'nope.ndjson');
    const err = await readError(missing);
    expect(err.code).toBe('E_USAGE');
    expect(err.message).toBe(`${missing}: no such file`);
    expect((await readError(join(missing, 'below'))).message).toBe(`${join(missing, 'below')}: no such file`);
  });

  it('fails for truncated gzip', async () => {
    const gz = gzipSync(EXAMPLES);
    const err = await readError(file(gz.subarray(0, gz.length - 40)));
    expect(err.code).toBe('E_INPUT');
    expect(err.message).toMatch(/gzip/);
  });

  it('warns about and skips invalid normalized events, unknown records and records without id', async () => {
    const good = normalizeTencentRecord(API_EVENTS[0], {});
    const lines = [
      JSON.stringify({ ...good, time: 'not a time' }),
      JSON.stringify({ hello: 'world' }),
      JSON.stringify({ EventId: '', EventName: 'X' }),
      '42',
      JSON.stringify(good),
      JSON.stringify({ EventId: 'broken-inner', EventTime: '1795341640', CloudAuditEvent: '{oops' }),
    ];
    const path = file(lines.join('\n'));
    const { events, warnings } = await read(path);
    expect(ids(events)).toEqual([good.id, 'broken-inner']);
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toMatch(new RegExp(`:1: invalid event .*time`));
    expect(warnings[1]).toContain(':2: not an audit event record');
    expect(warnings[2]).toContain(':3: ');
    expect(warnings[3]).toContain(':4: not an audit event record');
    expect(warnings[4]).toContain(':6: event broken-inner');
    for (const w of warnings) expect(w.startsWith(path)).toBe(true);
  });

  it('caps the warnings of a file full of junk and says how many it held back', async () => {
    const { warnings } = await read(file(Array.from({ length: 150 }, () => '{"x":1}').join('\n')));
    expect(warnings).toHaveLength(101);
    expect(warnings[100]).toMatch(/50 more warnings not shown/);
  });
});

describe('readRecordedEvents: stopping early', () => {
  it('lets a consumer break out of plain, gzip and array input', async () => {
    const inputs = [file(EXAMPLES), file(gzipSync(EXAMPLES)), file(JSON.stringify(API_EVENTS, null, 2)), file(gzipSync(JSON.stringify(API_EVENTS)))];
    for (const path of inputs) {
      const seen: string[] = [];
      for await (const e of readRecordedEvents(path, { stdin: noStdin(), warn: () => {} })) {
        seen.push(e.id);
        if (seen.length === 2) break;
      }
      expect(seen).toEqual(EXPECTED_IDS.slice(0, 2));
    }
  });
});

describe('readRecordedEvents: error text', () => {
  it('does not echo the offending text, which could be anything', async () => {
    const err = await readError(file('secretKey: hunter2-not-json\n'));
    expect(err.message).toMatch(/:1: not JSON/);
    expect(err.message).not.toContain('hunter2');
    expect(String(err.cause ?? '')).not.toContain('hunter2');
  });
});
