import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesTest } from '../../src/cli/commands/rules-test.js';
import { parseConfig } from '../../src/config/load.js';
import { checkSession, runCheck, type CheckRequest } from '../../src/pipeline.js';
import { createLogger } from '../../src/util/logger.js';
import { makeEvent, startEmulator, TEST_SECRET_ID, TEST_SECRET_KEY, type ApiEvent, type Emulator } from '../helpers/emulator/index.js';

/**
 * The same events give the same alerts however they arrive: (a) one backfill, (b) cron runs with
 * --until stepping a minute at a time over a persisted state, (c) `rules test` over the file,
 * (d) watch ticks on an injected clock. With events delayed up to lateness, every burst still
 * alerts exactly once. Runs in-process against the real SDK and the emulator.
 */

const MIN = 60_000;
const RULES = `
- id: key-burst
  when: { error: { exists: true } }
  window: 5m
  count: { gte: 10 }
  groupBy: actor.accessKeyId
- id: fail-spike
  when: { error: { exists: true } }
  window: 5m
  spike: { increase: 50%, minCount: 8 }
- id: many-ips
  when: { name: ConsoleLogin }
  window: 10m
  distinct: { field: sourceIp, gte: 4 }
  groupBy: actor.name
- id: quiet-drop
  when: { name: DescribeInstances }
  window: 10m
  every: 2m
  spike: { decrease: 60%, minCount: 10 }
- id: root-call
  when: { actor.type: Root, name: { ne: ConsoleLogin } }
`;

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Stream {
  events: ApiEvent[];
  /** Each burst of one key's failures: its first and last event time (ms). */
  bursts: { key: string; from: number; to: number }[];
}

/** Quiet background traffic with bursts of one key's failures, spikes, logins from many places, and quiet spells. */
function generate(seed: number, startMs: number, minutes: number): Stream {
  const rnd = prng(seed);
  const events: ApiEvent[] = [];
  const bursts: Stream['bursts'] = [];
  let n = 0;
  const add = (ms: number, spec: Omit<Parameters<typeof makeEvent>[0], 'time'>) =>
    events.push(makeEvent({ ...spec, id: `s${seed}-${n++}`, time: Math.floor(ms / 1000) }));
  const quietUntil = startMs + (40 + Math.floor(rnd() * 20)) * MIN;
  const quietFrom = quietUntil - 15 * MIN;
  for (let m = 0; m < minutes; m++) {
    const base = startMs + m * MIN;
    const quiet = base >= quietFrom && base < quietUntil;
    for (let i = 0, k = quiet ? 0 : 3 + Math.floor(rnd() * 4); i < k; i++) {
      const failed = rnd() < 0.15;
      add(base + Math.floor(rnd() * 60) * 1000, { name: 'DescribeInstances', actorType: 'CAMUser', userName: `u${Math.floor(rnd() * 5)}`, secretId: `AKIDquiet${Math.floor(rnd() * 5)}`, errorCode: failed ? 'InternalError' : undefined });
    }
    if (rnd() < 0.03) add(base + Math.floor(rnd() * 60) * 1000, { name: 'DeleteBucket', actorType: 'Root' });
    if (rnd() < 0.05) add(base + Math.floor(rnd() * 60) * 1000, { name: 'ConsoleLogin', actorType: 'CAMUser', userName: 'alice', sourceIp: `198.51.100.${Math.floor(rnd() * 8)}` });
  }
  // Two spells of one user signing in from many places.
  for (const spell of [startMs + (10 + Math.floor(rnd() * 20)) * MIN, startMs + (45 + Math.floor(rnd() * 20)) * MIN]) {
    for (let i = 0; i < 5; i++) add(spell + Math.floor(rnd() * 300) * 1000, { name: 'ConsoleLogin', actorType: 'CAMUser', userName: 'bob', sourceIp: `203.0.113.${i}` });
  }
  // Bursts at least 15 minutes apart (longer than the window plus its suppression), not in the first minutes.
  for (let at = startMs + 8 * MIN + Math.floor(rnd() * 5) * MIN; at < startMs + (minutes - 6) * MIN; at += (15 + Math.floor(rnd() * 10)) * MIN) {
    const key = `AKIDburst${Math.floor(rnd() * 3)}`;
    const count = 12 + Math.floor(rnd() * 10);
    const span = 30 + Math.floor(rnd() * 120);
    const times = Array.from({ length: count }, () => at + Math.floor(rnd() * span) * 1000);
    for (const t of times) add(t, { name: 'RunInstances', actorType: 'CAMUser', userName: 'mallory', secretId: key, camErrorCode: 4102, errorCode: 'UnauthorizedOperation' });
    bursts.push({ key, from: Math.min(...times), to: Math.max(...times) });
  }
  events.sort((x, y) => Number(x.EventTime) - Number(y.EventTime));
  return { events, bursts };
}

function sink() {
  let text = '';
  return {
    stream: new Writable({
      write(chunk, _enc, cb) {
        text += String(chunk);
        cb();
      },
    }),
    text: () => text,
    ids: () => text.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id),
    alerts: () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; rule: { id: string }; group: Record<string, unknown> | null; window: { start: string; end: string } | null }),
  };
}

let emulator: Emulator;
let work: string;
const logger = createLogger('silent');

beforeAll(async () => {
  emulator = await startEmulator({ events: [] });
  work = await mkdtemp(join(tmpdir(), 'audit-property-'));
  await writeFile(join(work, 'rules.yaml'), RULES);
});
afterAll(async () => {
  await emulator.close();
  await rm(work, { recursive: true, force: true });
});

let worlds = 0;
/** A config of its own (so a state of its own) against the shared emulator. */
async function world() {
  const dir = join(work, `w${worlds++}`);
  const path = join(dir, 'audit.yaml');
  const text = JSON.stringify({
    source: { endpoint: emulator.url, credentials: { secretId: TEST_SECRET_ID, secretKey: TEST_SECRET_KEY }, maxAttempts: 2, maxRequestsPerSecond: 20 },
    rules: [{ file: join(work, 'rules.yaml') }],
    notifiers: [],
    state: { dir: join(dir, 'state') },
  });
  const loaded = { config: parseConfig(text, {}, path), path, baseDir: work };
  const out = sink();
  const deps = (now: number) => ({ logger, env: {}, now: () => new Date(now), stdout: out.stream, cwd: dir });
  const req = (r: Partial<CheckRequest>): CheckRequest => ({ output: 'json', dryRun: false, noState: false, failOnMatch: false, lockTimeoutMs: 5_000, ...r });
  return { loaded, out, deps, req };
}

const sorted = (ids: string[]) => [...ids].sort();

describe('the same alerts however the events arrive', () => {
  for (const seed of [11, 29]) {
    it(`seed ${seed}: one backfill = cron runs a minute apart = rules test over the file = watch ticks`, async () => {
      const minutes = 75;
      const start = Math.floor(Date.now() / MIN) * MIN - 3 * 3600_000;
      const end = start + minutes * MIN;
      const { events } = generate(seed, start, minutes);
      emulator.setEvents(events);

      const a = await world();
      const backfill = await runCheck(a.deps(end + 2 * MIN), a.loaded, a.req({ since: new Date(start), until: new Date(end) }));
      expect(backfill.code).toBe(0);
      const once = sorted(a.out.ids());
      expect(new Set(once).size).toBe(once.length);
      // Every kind of rule had something to say, or the comparison proves little.
      expect(new Set(a.out.alerts().map((x) => x.rule.id))).toEqual(new Set(['key-burst', 'fail-spike', 'many-ips', 'quiet-drop', 'root-call']));

      const b = await world();
      for (let t = start + MIN; t <= end; t += MIN) {
        const r = await runCheck(b.deps(end + 2 * MIN), b.loaded, b.req({ until: new Date(t) }));
        expect(r.code).toBe(0);
      }
      expect(sorted(b.out.ids())).toEqual(once);

      const file = join(work, `events-${seed}.ndjson`);
      await writeFile(file, events.map((e) => JSON.stringify(e)).join('\n'));
      const c = sink();
      await rulesTest(join(work, 'rules.yaml'), { events: file, until: new Date(end), output: 'json' }, { stdout: c.stream, stderr: c.stream, cwd: work });
      const rules = c.text().trim().split('\n').map((l) => JSON.parse(l) as { alerts: { id: string }[] });
      expect(sorted(rules.flatMap((r) => r.alerts.map((x) => x.id)))).toEqual(once);

      const d = await world();
      let clock = start + MIN;
      const session = checkSession({ ...d.deps(0), now: () => new Date(clock) }, d.loaded, await (await import('../../src/config/validate.js')).prepareRules(d.loaded));
      for (; clock <= end; clock += MIN) expect((await session.run(d.req({}))).code).toBe(0);
      expect(sorted(d.out.ids())).toEqual(once);
    });
  }

  it('events delayed up to lateness: every burst still raises exactly one alert, every per-event alert once', async () => {
    const minutes = 90;
    const start = Math.floor(Date.now() / MIN) * MIN - 3 * 3600_000;
    const end = start + minutes * MIN;
    const { events, bursts } = generate(47, start, minutes);
    const rnd = prng(4711);
    // Each event shows up in the API up to 12 minutes after its time (lateness is 15m).
    const visible = events.map((e) => ({ e, at: Number(e.EventTime) * 1000 + Math.floor(rnd() * 12 * 60) * 1000 }));
    const w = await world();
    for (let t = start + MIN; t <= end + 15 * MIN; t += MIN) {
      emulator.setEvents(visible.filter((v) => v.at <= t).map((v) => v.e));
      expect((await runCheck(w.deps(end + 30 * MIN), w.loaded, w.req({ until: new Date(t) }))).code).toBe(0);
    }
    const alerts = w.out.alerts();
    expect(new Set(alerts.map((x) => x.id)).size).toBe(alerts.length);
    expect(bursts.length).toBeGreaterThanOrEqual(3);
    for (const burst of bursts) {
      const hits = alerts.filter(
        (x) => x.rule.id === 'key-burst' && x.group?.['actor.accessKeyId'] === burst.key && Date.parse(x.window!.end) >= burst.from && Date.parse(x.window!.start) < burst.to,
      );
      expect(hits, `burst of ${burst.key} at ${new Date(burst.from).toISOString()}`).toHaveLength(1);
    }
    const roots = events.filter((e) => JSON.parse(e.CloudAuditEvent).userIdentity.type === 'Root' && e.EventName !== 'ConsoleLogin');
    expect(alerts.filter((x) => x.rule.id === 'root-call')).toHaveLength(roots.length);
  });
});
