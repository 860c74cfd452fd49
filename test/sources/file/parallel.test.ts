import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the benchmark's generator is plain JavaScript, without types
import { prng, record } from '../../../bench/lib/synth.mjs';
import { ensureBuilt, runCli } from '../../helpers/cli.js';

/**
 * A parallel replay (sources/file/parallel/) against the single-threaded one, through the built
 * CLI: the same alerts in the same order, the same warnings and quarantine. The fixture is about
 * 13 MB, so that with `parallelFrom: 0` it is split into several pieces of many chunks each.
 */
const dir = mkdtempSync(join(tmpdir(), 'audit-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COUNT = 8000;
const END = 1_795_305_600;

function fixture(): string {
  const rand = prng(7);
  const lines: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const r = record(rand, END - 7200 + Math.floor((i * 7200) / COUNT));
    lines.push(JSON.stringify(r));
    // Things a worker must warn about, quarantine or skip exactly as one thread does.
    if (i === 2500) lines.push('{"EventId": broken');
    if (i === 3100) lines.push('', '   ', '{"not":"a record"}');
    if (i === 4200) lines.push(JSON.stringify({ ...r, EventId: 'future-1', CloudAuditEvent: JSON.stringify({ ...JSON.parse(r.CloudAuditEvent), eventID: 'future-1', eventTime: END + 400 * 86_400 }) }));
    if (i === 5000) lines.push(lines[lines.length - 3]); // a repeated event: counted once
    if (i === 6000) lines.push(JSON.stringify({ Records: [JSON.parse(r.CloudAuditEvent), { eventID: 'x' }] }));
  }
  const path = join(dir, 'events.ndjson');
  writeFileSync(path, lines.join('\r\n'));
  return path;
}

/**
 * Delivered files, as a directory replay meets them: gzipped NDJSON and API pages read whole by
 * workers, one truncated file, and one plain NDJSON file over `parallelFrom` split into pieces.
 */
function deliveries(): string {
  const rand = prng(11);
  const root = join(dir, 'deliveries');
  mkdirSync(root);
  const at = (i: number) => END - 7200 + Math.floor((i * 7200) / 11_400);
  const records = (from: number, n: number) => Array.from({ length: n }, (_, i) => record(rand, at(from + i)));
  for (let f = 0; f < 30; f++) {
    const rs = records(f * 300, 300);
    const lines = rs.map((r) => JSON.stringify(r));
    // Problems inside a file read whole: said in order, under the same warning budget.
    if (f === 5) lines.splice(100, 0, '{"not":"a record"}', '{"EventId": broken');
    const body = f % 4 === 3 ? JSON.stringify({ Response: { Events: rs, RequestId: 'r' } }) : lines.join('\n');
    writeFileSync(join(root, `d${String(f).padStart(2, '0')}.${f % 4 === 3 ? 'json' : 'ndjson'}.gz`), gzipSync(body));
  }
  const whole = gzipSync(records(9000, 50).map((r) => JSON.stringify(r)).join('\n'));
  writeFileSync(join(root, 'd30-cut.ndjson.gz'), whole.subarray(0, whole.length >> 1));
  const big = records(9050, 2350).map((r) => JSON.stringify(r));
  big.splice(700, 0, '{"EventId": broken');
  writeFileSync(join(root, 'd31.ndjson'), big.join('\n'));
  return root;
}

let events: string;
let delivered: string;
beforeAll(async () => {
  await ensureBuilt();
  events = fixture();
  delivered = deliveries();
  writeFileSync(
    join(dir, 'extra.yaml'),
    `- id: describe-flood\n  window: 1m\n  count: { gte: 3 }\n  groupBy: [actor.accessKeyId]\n  when: { name: "Describe*" }\n- id: many-ips\n  window: 10m\n  distinct: { field: sourceIp, gte: 2 }\n  when: { name: ConsoleLogin }\n- id: all-writes\n  when: { readOnly: false, error: null }\n- id: new-api-per-user\n  when: {}\n  firstSeen: { field: name, per: [account, actor.id], learn: 30m }\n`,
  );
});

function config(threads: number, parallelFrom = 0, input = events): string {
  const path = join(dir, `audit-${threads}-${parallelFrom}.yaml`);
  writeFileSync(
    path,
    `sources:\n  - { provider: file, path: ${JSON.stringify(input)}, threads: ${threads}, parallelFrom: ${parallelFrom} }\nrules:\n  - builtin: recommended\n  - file: ./extra.yaml\nnotifiers:\n  - { name: out, type: stdout, format: json }\n`,
  );
  return path;
}

async function check(threads: number, parallelFrom = 0, input = events) {
  const r = await runCli(['check', '--config', config(threads, parallelFrom, input), '--no-state', '--output', 'json'], { env: { LOG_LEVEL: 'debug' }, timeoutMs: 120_000 });
  expect(r.code, r.stderr).toBe(0);
  const logs = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string; [k: string]: unknown });
  return {
    alerts: r.stdout.trim().split('\n'),
    warnings: logs.filter((l) => l.level === 'warn').map(({ time: _, ...rest }) => rest),
    summary: logs.find((l) => l.msg === 'check done') as Record<string, unknown>,
    split: logs.some((l) => /worker threads/.test(l.msg)),
    debug: logs.filter((l) => l.level === 'debug').map((l) => l.msg),
  };
}

describe('parallel replay', { timeout: 240_000 }, () => {
  it('raises the same alerts in the same order, with the same warnings and counts, as one thread', async () => {
    const [one, two] = [await check(1), await check(3)];
    expect(one.split).toBe(false);
    expect(two.split).toBe(true);
    expect(one.alerts.length).toBeGreaterThan(100);
    // Window alerts (count, distinct) and per-event ones, each with the event and its raw record.
    const rules = new Set(one.alerts.map((a) => JSON.parse(a).rule.id));
    expect([...rules]).toEqual(expect.arrayContaining(['describe-flood', 'many-ips', 'all-writes', 'new-api-per-user']));
    expect(JSON.parse(one.alerts.find((a) => a.includes('"describe-flood"'))!).event.raw.eventID).toEqual(expect.any(String));
    // A firstSeen alert on a worker thread's stand-in shows the whole event, read again from the file.
    expect(JSON.parse(two.alerts.find((a) => a.includes('"new-api-per-user"'))!).event.raw.eventID).toEqual(expect.any(String));
    expect(two.alerts).toEqual(one.alerts);
    expect(two.warnings).toEqual(one.warnings);
    expect(one.warnings.map((w) => w.msg).join('\n')).toMatch(/:2502: not JSON; skipped/);
    const { ms: _a, time: _c, ...counts } = one.summary;
    const { ms: _b, time: _d, ...countsTwo } = two.summary;
    expect(countsTwo).toEqual(counts);
    // Skipped: the broken line, the line that is no record, the element without a name; set aside: the future
    // event; counted once: the repeated event and the bare record of an event already read.
    expect(counts).toMatchObject({ quarantined: 4, events: COUNT + 1 });
  });

  it('judges a directory of delivered files on worker threads with the same alerts, warnings and counts as one thread', async () => {
    const [one, three] = [await check(1, 1024 * 1024, delivered), await check(3, 1024 * 1024, delivered)];
    expect(one.split).toBe(false);
    // Small files whole, a few ahead of the merge; the large NDJSON file in pieces on the same workers.
    // Every event of this rule set matches a rule (new-api-per-user), so past 5,000 events the main thread reads the rest itself.
    expect(three.debug).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^32 files judged on 3 worker threads$/),
        expect.stringMatching(/^most events match a rule \(\d+%\): the remaining files are read on this thread$/),
      ]),
    );
    expect(one.alerts.length).toBeGreaterThan(50);
    expect(three.alerts).toEqual(one.alerts);
    expect(three.warnings).toEqual(one.warnings);
    const said = one.warnings.map((w) => w.msg).join('\n');
    expect(said).toMatch(/d30-cut\.ndjson\.gz: gzip data is corrupt or truncated; skipped/);
    expect(said).toMatch(/d31\.ndjson:701: not JSON; skipped/);
    expect(said).toMatch(/d05\.ndjson\.gz:101: not an audit event record; skipped\n.*d05\.ndjson\.gz:102: not JSON; skipped/);
    const strip = ({ ms: _m, time: _t, ...rest }: Record<string, unknown>) => rest;
    expect(strip(three.summary)).toEqual(strip(one.summary));
    // Every event of the whole files and the large one; the truncated file's first part too, before it broke off.
    expect(one.summary.events as number).toBeGreaterThanOrEqual(11_350);
  });

  it('splits a large NDJSON file of a directory into pieces on the directory\'s workers', async () => {
    // Without the rule that matches every event, the workers keep every file to the end.
    const quiet = (threads: number) => {
      const path = join(dir, `quiet-${threads}.yaml`);
      writeFileSync(path, `sources:\n  - { provider: file, path: ${JSON.stringify(delivered)}, threads: ${threads}, parallelFrom: 1048576 }\nrules:\n  - builtin: recommended\nnotifiers:\n  - { name: out, type: stdout, format: json }\n`);
      return runCli(['check', '--config', path, '--no-state', '--output', 'json'], { env: { LOG_LEVEL: 'debug' }, timeoutMs: 120_000 });
    };
    const [one, three] = [await quiet(1), await quiet(3)];
    expect(three.code, three.stderr).toBe(0);
    expect(three.stderr).toMatch(/d31\.ndjson: \d+ pieces judged on 3 worker threads/);
    expect(three.stderr).not.toMatch(/most events match/);
    expect(one.stdout.split('\n').length).toBeGreaterThan(10);
    expect(three.stdout).toBe(one.stdout);
  });

  it('reads a small file on one thread whatever the thread count', async () => {
    const r = await check(4, 16 * 1024 * 1024);
    expect(r.split).toBe(false);
  });

  it('lists the same matches in `audit rules test` on worker threads as on one', async () => {
    const run = (threads: string) =>
      runCli(['rules', 'test', join(dir, 'extra.yaml'), '--events', events, '--threads', threads, '--output', 'json'], { timeoutMs: 120_000 });
    // --events is read with the default threshold (16 MiB): this fixture stays on one thread either way,
    // so the option is checked for what it accepts and gives.
    const [one, many] = [await run('1'), await run('2')];
    expect(many.code, many.stderr).toBe(one.code);
    expect(many.stdout).toBe(one.stdout);
    expect((await runCli(['rules', 'test', join(dir, 'extra.yaml'), '--events', events, '--threads', '0'])).stderr).toMatch(/--threads: expected a whole number from 1 to 64/);
  });
});
