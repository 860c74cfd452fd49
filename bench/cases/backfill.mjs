// Case 2: backfill. `audit events --since 1d --output json` against the emulator holding N
// events over the last day, answering each call after 100 ms and allowing 20 calls a second.
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeEmulatorConfig } from '../lib/emulator-config.mjs';
import { run } from '../lib/proc.mjs';
import { records } from '../lib/synth.mjs';

const LIMIT = 20;
const PAGE = 50;

async function countLines(path) {
  let n = 0;
  for await (const chunk of createReadStream(path)) for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}

export async function backfill({ cli, emulatorModule, events: count, log }) {
  const { startEmulator, TEST_SECRET_ID, TEST_SECRET_KEY } = await import(emulatorModule);
  const nowSec = Math.floor(Date.now() / 1000);
  // Inside the last day with a minute to spare at both ends, so `--since 1d` covers them all;
  // one region, so every event is in the one partition the config lists.
  const events = [...records({ seed: 7, count, endSec: nowSec - 60, spanSec: 86_400 - 180, regions: ['ap-guangzhou'] })];
  const emulator = await startEmulator({ events, latencyMs: 100, rateLimit: LIMIT });
  const work = mkdtempSync(join(tmpdir(), 'audit-bench-backfill-'));
  try {
    const keys = { secretId: TEST_SECRET_ID, secretKey: TEST_SECRET_KEY };
    const config = writeEmulatorConfig(join(work, 'audit.yaml'), emulator, keys, `  maxRequestsPerSecond: ${LIMIT}\n`);
    const out = join(work, 'events.ndjson');
    log(`backfill: ${count} events, ${Math.ceil(count / PAGE)} pages at ${LIMIT}/s (about ${Math.ceil(count / PAGE / LIMIT)} s)`);
    const r = await run(process.execPath, [cli, 'events', '--since', '1d', '--output', 'json', '--config', config], { stdout: out });
    if (r.code !== 0) throw new Error(`audit events exited ${r.code}: ${r.stderr}`);
    const printed = await countLines(out);
    const reqs = emulator.requests;
    const throttled = reqs.filter((q) => q.errorCode === 'RequestLimitExceeded').length;
    const failed = reqs.filter((q) => q.errorCode && q.errorCode !== 'RequestLimitExceeded').length;
    const answered = reqs.filter((q) => q.httpStatus === 200 && !q.errorCode);
    const empty = answered.filter((q) => q.eventCount === 0).length;
    const tokens = answered.map((q) => q.params.NextToken).filter((t) => t !== undefined).map(String);
    const repeated = tokens.length - new Set(tokens).size;
    const ideal = Math.ceil(count / PAGE);
    // Each slice (a query of its own, listed concurrently) may end on a partial page of its own.
    const slices = answered.filter((q) => q.params.NextToken === undefined).length;
    const rate = reqs.length / (r.ms / 1000);
    return [
      {
        case: 'backfill',
        measure: `audit events --since 1d (${count} events, 100 ms latency)`,
        value: rate,
        unit: 'calls/s',
        ratio: rate / LIMIT,
        reference: `${LIMIT}/s limit`,
        target: '>= 90% of limit, no throttling',
        met: rate / LIMIT >= 0.9 && throttled === 0 && failed === 0 && printed === count,
        detail: { ms: r.ms, calls: reqs.length, throttled, failed, printed, emptyPages: empty, repeatedPages: repeated },
      },
      {
        case: 'backfill',
        measure: `API calls (${slices} slices; empty pages ${empty}, repeated ${repeated}, throttled ${throttled})`,
        value: reqs.length,
        unit: 'calls',
        ratio: reqs.length / ideal,
        reference: `ceil(N/${PAGE}) = ${ideal}`,
        target: `ceil(N/${PAGE}) + at most 1 per slice, none empty or repeated`,
        met: reqs.length >= ideal && reqs.length <= ideal + slices && empty === 0 && repeated === 0,
      },
    ];
  } finally {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
}
