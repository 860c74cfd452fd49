// Issue 16, target 4: API calls that follow the events. A steady account of 1,000 events a minute
// (one region, synth.mjs's records), checked by cron as separate processes with --until stepping a
// simulated clock that also drives the emulator's arrivals (addEvents(events, visibleAt)). The
// first hour of runs re-reads all of lateness (15m) to measure how late events show up; those runs
// are 30 minutes apart to keep the case short. Then 20 runs a minute apart are measured: events
// fetched per minute against the 1,000 that occurred, API calls, the re-read depth the runs chose,
// and whether anything was missed: after one more run 21 minutes on (unmeasured; its sweep reads
// what settled meanwhile), every event of the measured minutes must be in the state's seen ids,
// and a root sign-in that shows up 14 minutes late must have been raised exactly once. Two accounts:
//   prompt     every event listed as soon as it happened;
//   realistic  most listed 5 s after they happened, one in ten 50 s after.
// Calls are paced at the API's 20 a second (about 5 minutes in all).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../lib/proc.mjs';
import { records } from '../lib/synth.mjs';
import { summaryOf, writeConfig } from './cron.mjs';

const PER_MINUTE = 1000;
const LATENESS_MIN = 15;
const LEARN_MIN = 60;
const LEARN_STEP_MIN = 30;
const STEADY_RUNS = 20;
const REGION = 'ap-guangzhou'; // cron.mjs's config watches this one
const MIN = 60_000;

async function account({ label, delayOf, cli, emulatorModule, log }) {
  const { startEmulator, makeEvent, TEST_SECRET_ID, TEST_SECRET_KEY } = await import(emulatorModule);
  const t0 = Math.floor((Date.now() - 4 * 60 * MIN) / MIN) * MIN;
  const steadyFrom = t0 + (LEARN_MIN + 1) * MIN;
  let clock = t0;
  const emulator = await startEmulator({ arrivalClock: () => new Date(clock) });
  const span = LEARN_MIN + STEADY_RUNS + 40;
  let i = 0;
  const all = [];
  for (const r of records({ seed: 16, count: PER_MINUTE * span, endSec: (t0 + (span - 20) * MIN) / 1000, spanSec: span * 60, regions: [REGION] })) {
    emulator.addEvents([r], new Date(Number(r.EventTime) * 1000 + delayOf(i++)));
    all.push([r.EventId, Number(r.EventTime) * 1000]);
  }
  const loginAt = steadyFrom + 2 * MIN + 30_000;
  const login = makeEvent({ name: 'ConsoleLogin', time: new Date(loginAt), region: REGION, sourceIp: '203.0.113.7' });
  emulator.addEvents([login], new Date(loginAt + 14 * MIN));
  const work = mkdtempSync(join(tmpdir(), 'audit-bench-refetch-'));
  const config = writeConfig(work, emulator, { secretId: TEST_SECRET_ID, secretKey: TEST_SECRET_KEY }, LATENESS_MIN);
  const steady = [];
  let raised = 0;
  let missed = -1;
  try {
    const times = [];
    for (let m = 0; m <= LEARN_MIN; m += LEARN_STEP_MIN) times.push(t0 + m * MIN);
    for (let k = 0; k < STEADY_RUNS; k++) times.push(steadyFrom + k * MIN);
    const steadyTo = times.at(-1);
    times.push(steadyTo + 21 * MIN);
    for (const at of times) {
      clock = at;
      const before = emulator.requests.length;
      const r = await run(process.execPath, [cli, 'check', '--until', new Date(at).toISOString(), '--output', 'json', '--config', config], { stdout: 'capture' });
      const summary = summaryOf(r.stderr);
      if (r.code !== 0 || !summary) throw new Error(`refetch (${label}): audit check --until ${new Date(at).toISOString()} exited ${r.code}: ${r.stderr}`);
      raised += r.stdout.split('\n').filter((l) => l && JSON.parse(l).event.id === login.EventId).length;
      if (at >= steadyFrom && at <= steadyTo) steady.push({ ...summary, calls: emulator.requests.length - before });
    }
    // state.dir holds one directory per config.
    const file = readdirSync(join(work, 'state'), { recursive: true }).find((f) => String(f).endsWith('state.json'));
    const seen = new Set(JSON.parse(readFileSync(join(work, 'state', String(file)), 'utf8')).seen.map(([id]) => id));
    missed = all.filter(([id, ms]) => ms >= steadyFrom - MIN && ms < steadyTo && !seen.has(id)).length;
  } finally {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
  const sum = (k) => steady.reduce((n, s) => n + s[k], 0);
  // The late sign-in happened in those minutes too.
  const occurred = STEADY_RUNS * PER_MINUTE + 1;
  const out = { label, perMinute: sum('events') / STEADY_RUNS, ratio: sum('events') / occurred, calls: sum('calls') / STEADY_RUNS, missed, lateMs: steady.at(-1).lateMs, refetchMs: steady.at(-1).refetchMs, raised };
  log(`refetch (${label}): ${out.perMinute.toFixed(0)} events fetched a minute (${out.ratio.toFixed(2)}x), ${out.calls.toFixed(1)} calls, observed lateness ${out.lateMs / 1000} s, re-read ${out.refetchMs / 1000} s, late sign-in raised ${raised}x`);
  return out;
}

export async function refetch({ cli, emulatorModule, log }) {
  log(`refetch: 1,000 events/min, lateness ${LATENESS_MIN}m: ${LEARN_MIN / LEARN_STEP_MIN + 1} learning runs then ${STEADY_RUNS} a minute apart, two accounts (about 5 minutes)`);
  const rows = [];
  for (const [label, delayOf] of [['prompt', () => 0], ['realistic', (i) => (i % 10 === 0 ? 50_000 : 5_000)]]) {
    const a = await account({ label, delayOf, cli, emulatorModule, log });
    rows.push(
      {
        case: 'cron',
        measure: `${label} account (${label === 'prompt' ? 'listed at once' : 'listed after 5 s, one in ten after 50 s'}), 1,000 events/min, every minute: events fetched per minute (observed lateness ${a.lateMs / 1000} s, re-read ${a.refetchMs / 1000} s)`,
        value: Math.round(a.perMinute),
        unit: 'events',
        ratio: a.ratio,
        reference: 'events that occurred',
        target: '<= 2x, none missed',
        met: a.ratio <= 2 && a.missed === 0 && a.raised === 1,
      },
      { case: 'cron', measure: `${label}: API calls per minute`, value: Number(a.calls.toFixed(1)), unit: 'calls', ratio: a.calls / (PER_MINUTE / 50), reference: 'ceil(1,000/50)' },
      { case: 'cron', measure: `${label}: events of those ${STEADY_RUNS} minutes never seen; root sign-in listed 14 min late, times raised`, value: `${a.missed}; ${a.raised}`, unit: '', target: '0; 1', met: a.missed === 0 && a.raised === 1 },
    );
  }
  return rows;
}
