// Case 6: cron. What `audit check` run once a minute costs on a steady account: the emulator
// holds 90 minutes of events at 200 a minute ending now (one region), and the CLI runs as
// separate processes, as cron starts it: a first run `--until T0` (T0 = now − 60 min), then
// 30 runs stepping --until one minute at a time (T0+1m … T0+30m) on the same state directory.
// Each run's "check done" summary line (stderr) gives events fetched, new, alerts and API calls;
// the emulator's own request count is checked against the latter. Config: lateness 15m, the
// recommended pack, `notifiers: []`, maxRequestsPerSecond 20 (the API's limit; the runs are
// bound by its pacing, ~3.5 s each), and `--output json` so this case can tell whether an alert
// comes back in a later run. A steady run should fetch lateness + one minute = 16 minutes of
// events (3,200) in ceil(3,200/50) = 64 calls and find 200 new ones: all 31 runs fall in the
// partition's first hour of observing lateness, which re-reads all of it (refetch.mjs measures after).
//
// The 90 minutes cover the first run: its own 15 minutes plus the window rules' history before.
//
//   BENCH_BEFORE_REF=<git ref>   also measure that ref: it is checked out in a temporary
//                                `git worktree` (node_modules symlinked from this repo), built with
//                                its own scripts/build.mjs, and run through the same 31 runs against
//                                an emulator of its own, concurrently with the current build (the
//                                runs wait on API pacing, not on the CPU). Its medians appear in the
//                                table and the current rows' ratios are to them. The worktree is
//                                removed afterwards. Unset (default): only the current build.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, run } from '../lib/proc.mjs';
import { records } from '../lib/synth.mjs';

const PER_MINUTE = 200;
const SPAN_MIN = 90;
const LATENESS_MIN = 15;
const STEADY_RUNS = 30;
const FIRST_OFFSET_MIN = 60;
const PAGE = 50;
const RATE = 20;
const REGION = 'ap-guangzhou';

/** One region, the recommended pack, no notifiers, paced at the API's 20 calls/s (refetch.mjs uses it too). */
export function writeConfig(dir, emulator, { secretId, secretKey }, latenessMin) {
  const path = join(dir, 'audit.yaml');
  writeFileSync(
    path,
    `source:
  provider: tencentcloud
  region: ${REGION}
  endpoint: ${emulator.url}
  credentials: { secretId: ${secretId}, secretKey: ${secretKey} }
  lateness: ${latenessMin}m
  maxRequestsPerSecond: ${RATE}
rules:
  - builtin: recommended
notifiers: []
state:
  dir: ${join(dir, 'state')}
`,
  );
  return path;
}

/** The last "check done" line of a run's stderr (JSON logs: stderr is not a terminal). */
export function summaryOf(stderr) {
  const lines = stderr.split('\n').filter((l) => l.startsWith('{'));
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const o = JSON.parse(lines[i]);
      if (o.msg === 'check done') return o;
    } catch {
      // not a log line
    }
  }
  return undefined;
}

/** The first run and the steady runs of one build, each a process of its own, against its own emulator. */
async function sequence({ label, cli, startEmulator, keys, events, t0Ms, log, latenessMin = LATENESS_MIN, steadyRuns = STEADY_RUNS }) {
  const emulator = await startEmulator({ events });
  const work = mkdtempSync(join(tmpdir(), 'audit-bench-cron-'));
  try {
    const config = writeConfig(work, emulator, keys, latenessMin);
    const runs = [];
    for (let i = 0; i <= steadyRuns; i++) {
      const until = new Date(t0Ms + i * 60_000).toISOString();
      const before = emulator.requests.length;
      const r = await run(process.execPath, [cli, 'check', '--until', until, '--output', 'json', '--config', config], { stdout: 'capture' });
      const summary = summaryOf(r.stderr);
      if (r.code !== 0 || !summary) throw new Error(`cron (${label}): audit check --until ${until} exited ${r.code}${summary ? '' : ' without a "check done" line'}: ${r.stderr}`);
      const alerts = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
      runs.push({ until, ...summary, wallMs: r.ms, emulatorCalls: emulator.requests.length - before, alertList: alerts });
      if (i === 0 || i % 10 === 0) log(`cron (${label}): run ${i}/${steadyRuns}: ${summary.events} events, ${summary.new} new, ${summary.apiCalls} calls, ${summary.alerts} alerts`);
    }
    return runs;
  } finally {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Alerts raised again by a later run: the same id; the same rule on the same event; or a window
 * rule's alert for the same group whose window overlaps one already raised.
 */
function repeats(runs) {
  const ids = new Set();
  const perEvent = new Set();
  const windows = new Map();
  const found = [];
  runs.forEach((r, i) => {
    for (const a of r.alertList) {
      const key = `${a.rule.id} ${JSON.stringify(a.group)}`;
      let why;
      if (ids.has(a.id)) why = 'same id';
      else if (!a.window && perEvent.has(`${a.rule.id} ${a.event.id}`)) why = 'same rule and event';
      else if (a.window && (windows.get(key) ?? []).some((w) => w.run < i && a.window.start < w.end && w.start < a.window.end)) why = 'overlapping window';
      if (why) found.push({ run: i, rule: a.rule.id, why, time: a.time });
      ids.add(a.id);
      if (!a.window) perEvent.add(`${a.rule.id} ${a.event.id}`);
      else windows.set(key, [...(windows.get(key) ?? []), { run: i, start: a.window.start, end: a.window.end }]);
    }
  });
  return found;
}

function figures(runs) {
  const [first, ...steady] = runs;
  const pick = (k) => median(steady.map((r) => r[k]));
  const strip = ({ alertList, ...r }) => r;
  return {
    first: strip(first),
    events: pick('events'),
    apiCalls: pick('apiCalls'),
    fresh: pick('new'),
    alerts: steady.reduce((s, r) => s + r.alerts, 0),
    wallMs: pick('wallMs'),
    maxEvents: Math.max(...steady.map((r) => r.events)),
    callMismatch: runs.filter((r) => r.apiCalls !== r.emulatorCalls).length,
    repeated: repeats(runs),
    runs: runs.map(strip),
  };
}

export async function cron({ cli, emulatorModule, log, before: beforeBuild }) {
  const { startEmulator, TEST_SECRET_ID, TEST_SECRET_KEY } = await import(emulatorModule);
  const keys = { secretId: TEST_SECRET_ID, secretKey: TEST_SECRET_KEY };
  const nowSec = Math.floor(Date.now() / 1000);
  const events = [...records({ seed: 11, count: PER_MINUTE * SPAN_MIN, endSec: nowSec, spanSec: SPAN_MIN * 60, regions: [REGION] })];
  const t0Ms = (nowSec - FIRST_OFFSET_MIN * 60) * 1000;
  const ref = beforeBuild?.ref;
  const sha = beforeBuild?.sha;
  log(`cron: ${events.length} events over ${SPAN_MIN} min; 1 + ${STEADY_RUNS} runs per build at ${RATE} calls/s${sha ? `, current and ${ref} side by side` : ''} (about ${Math.ceil(((STEADY_RUNS + 2) * 3.8) / 10) * 10} s)`);
  const [now, before] = await Promise.all([
    sequence({ label: 'current', cli, startEmulator, keys, events, t0Ms, log }).then(figures),
    beforeBuild ? sequence({ label: ref, cli: beforeBuild.cli, startEmulator, keys, events, t0Ms, log }).then(figures) : undefined,
  ]);

  const idealEvents = (LATENESS_MIN + 1) * PER_MINUTE;
  const idealCalls = Math.ceil(idealEvents / PAGE);
  const steadyLabel = `${STEADY_RUNS} runs, 1 min apart, ${PER_MINUTE}/min, lateness ${LATENESS_MIN}m`;
  const tag = sha ? `before ${ref}` : '';
  const vsBefore = (value, key) => (before && before[key] ? { ratio: value / before[key], reference: tag } : {});
  const rows = [];
  const firstRows = (f, who) => [
    {
      case: 'cron',
      measure: `${who}first run --until now-${FIRST_OFFSET_MIN}m: events fetched (${f.first.new} new, ${f.first.alerts} alerts)`,
      value: f.first.events,
      unit: 'events',
    },
    { case: 'cron', measure: `${who}first run: API calls`, value: f.first.apiCalls, unit: 'calls' },
  ];
  if (before) {
    const who = `${tag}: `;
    rows.push(
      ...firstRows(before, who),
      { case: 'cron', measure: `${who}steady median events fetched per run`, value: before.events, unit: 'events', ratio: before.events / idealEvents, reference: `${LATENESS_MIN + 1} min of events` },
      { case: 'cron', measure: `${who}steady median API calls per run`, value: before.apiCalls, unit: 'calls', ratio: before.apiCalls / idealCalls, reference: `ceil(${idealEvents}/${PAGE})` },
      { case: 'cron', measure: `${who}steady median new events per run`, value: before.fresh, unit: 'events' },
      { case: 'cron', measure: `${who}alerts raised again by a later run (${before.alerts} alerts in steady runs)`, value: before.repeated.length, unit: 'alerts' },
    );
  }
  rows.push(
    ...firstRows(now, before ? 'current: ' : ''),
    {
      case: 'cron',
      measure: `steady median events fetched per run (${steadyLabel})`,
      value: now.events,
      unit: 'events',
      ...(before ? vsBefore(now.events, 'events') : { ratio: now.events / idealEvents, reference: `${LATENESS_MIN + 1} min of events` }),
      target: `<= ${idealEvents} (${LATENESS_MIN + 1} min of events)`,
      met: now.maxEvents <= idealEvents,
      detail: now,
    },
    {
      case: 'cron',
      measure: `steady median API calls per run${now.callMismatch ? ` (${now.callMismatch} runs disagree with the emulator's count)` : ''}`,
      value: now.apiCalls,
      unit: 'calls',
      ...(before ? vsBefore(now.apiCalls, 'apiCalls') : { ratio: now.apiCalls / idealCalls, reference: `ceil(${idealEvents}/${PAGE})` }),
      target: `<= ${idealCalls}`,
      met: now.apiCalls <= idealCalls && now.callMismatch === 0,
    },
    {
      case: 'cron',
      measure: 'steady median new events per run',
      value: now.fresh,
      unit: 'events',
      ...vsBefore(now.fresh, 'fresh'),
      target: `${PER_MINUTE} (one minute)`,
      met: now.fresh === PER_MINUTE,
    },
    {
      case: 'cron',
      measure: `alerts raised again by a later run (${now.alerts} alerts in steady runs)`,
      value: now.repeated.length,
      unit: 'alerts',
      target: '0',
      met: now.repeated.length === 0,
    },
    { case: 'cron', measure: 'steady median wall time per run (paced at 20 calls/s)', value: now.wallMs, unit: 'ms', ...vsBefore(now.wallMs, 'wallMs') },
  );
  if (before) rows.find((r) => r.detail === now).detail = { current: now, before: { ref, sha, ...before } };
  rows.push(...(await shortLateness({ startEmulator, keys, events, t0Ms, log, cli, beforeBuild })));
  return rows;
}

/**
 * With lateness shorter than the rules' lookback (2m against the 10m a 5m spike reads), a run
 * used to re-fetch the lookback every time; window history now comes from the state instead.
 */
async function shortLateness({ startEmulator, keys, events, t0Ms, log, cli, beforeBuild }) {
  const latenessMin = 2;
  const steadyRuns = 10;
  const [now, before] = await Promise.all([
    sequence({ label: 'current, lateness 2m', cli, startEmulator, keys, events, t0Ms, log, latenessMin, steadyRuns }).then(figures),
    beforeBuild ? sequence({ label: `${beforeBuild.ref}, lateness 2m`, cli: beforeBuild.cli, startEmulator, keys, events, t0Ms, log, latenessMin, steadyRuns }).then(figures) : undefined,
  ]);
  const ideal = (latenessMin + 1) * PER_MINUTE;
  const rows = [];
  if (before) {
    rows.push(
      { case: 'cron', measure: `before ${beforeBuild.ref}, lateness 2m: steady median events fetched per run`, value: before.events, unit: 'events' },
      { case: 'cron', measure: `before ${beforeBuild.ref}, lateness 2m: steady median API calls per run`, value: before.apiCalls, unit: 'calls' },
    );
  }
  const vs = (value, key) => (before ? { ratio: value / before[key], reference: `before ${beforeBuild.ref}` } : {});
  rows.push(
    { case: 'cron', measure: `lateness 2m: steady median events fetched per run (${steadyRuns} runs)`, value: now.events, unit: 'events', ...vs(now.events, 'events'), target: `<= ${ideal} (3 min of events)`, met: now.maxEvents <= ideal },
    { case: 'cron', measure: 'lateness 2m: steady median API calls per run', value: now.apiCalls, unit: 'calls', ...vs(now.apiCalls, 'apiCalls'), target: `<= ${Math.ceil(ideal / PAGE)}`, met: now.apiCalls <= Math.ceil(ideal / PAGE) },
    { case: 'cron', measure: `lateness 2m: alerts raised again by a later run (${now.alerts} alerts)`, value: now.repeated.length, unit: 'alerts', target: '0', met: now.repeated.length === 0 },
  );
  return rows;
}
