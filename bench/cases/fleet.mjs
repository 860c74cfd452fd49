// Issue 15's performance case: what the shared state (Redis) and a Kafka consumer-group source cost.
//   (1) `audit check --input FILE --output json`, with state, over the same file with a fresh state
//       each run: a new state dir (file backend) against a new key prefix in a real redis-server.
//       Target: the Redis backend within 30% of the file backend's events/s.
//   (2) KAFKA_RECORDS records on a 4-partition topic of librdkafka's mock cluster, read by 1, 2 and
//       3 `audit check` processes started together (one config: a fresh group and prefix each
//       time, Redis state): events/s over the wall time, and the lag from the end of production
//       to the last exit. No target: with Redis the workers take turns holding the state lease.
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { KCAT, startMockKafka } from '../lib/kafka.mjs';
import { median, run } from '../lib/proc.mjs';
import { hasBinary, REDIS_BIN, startRedis } from '../lib/redis.mjs';

// The mock keeps about 5 MB per partition (older messages are dropped) and a run reads at most
// maxBatch (default 10,000) messages: 10,000 records of ~1.5 KB fit both, so one worker can read all.
export const KAFKA_RECORDS = 10_000;
// A worker's run may wait for the lease behind the others (up to --lock-timeout, 30s) and for the
// group to rebalance past the previous member's session (10s): minutes only when something hangs.
const WORKER_TIMEOUT_MS = 180_000;

let seq = 0;
const rate = (n, ms) => n / (ms / 1000);

function writeConfig(dir, n, state, sources) {
  const path = join(dir, `fleet-${n}.json`);
  // JSON is YAML: no quoting of prefixes or broker lists to get wrong.
  writeFileSync(path, JSON.stringify({ ...(sources ? { sources } : {}), state, rules: [{ builtin: 'recommended' }], notifiers: [] }));
  return path;
}

/** A process's "check done" line ({ events, ms }: the run's own time); null for a run that stood down. */
function summaryOf(stderr) {
  const line = stderr.split('\n').find((l) => l.includes('"check done"'));
  return line ? JSON.parse(line) : null;
}

async function firstLines(path, count) {
  const lines = [];
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line && lines.push(line) >= count) break;
  }
  rl.close();
  return lines;
}

async function backends({ cli, work, file, runs, redis, log }) {
  const ms = { file: [], redis: [] };
  const rss = { file: 0, redis: 0 };
  for (let round = 0; round < runs; round++) {
    // Interleaved, each run from an empty state: a new dir, or a prefix no run has written.
    for (const backend of ['file', 'redis']) {
      const n = ++seq;
      const state = backend === 'file' ? { dir: join(work, `fleet-state-${n}`) } : { backend: 'redis', url: redis.url, prefix: `bench:${n}:` };
      const config = writeConfig(work, n, state);
      const r = await run(process.execPath, [cli, 'check', '--config', config, '--input', file.path, '--output', 'json'], { rss: true, timeoutMs: 600_000 });
      if (r.code !== 0) throw new Error(`fleet: check with the ${backend} backend exited ${r.code}: ${r.stderr}`);
      ms[backend].push(r.ms);
      rss[backend] = Math.max(rss[backend], r.rssMb ?? 0);
    }
    log(`fleet, file vs redis backend: round ${round + 1}/${runs}`);
  }
  const [fileRate, redisRate] = [rate(file.count, median(ms.file)), rate(file.count, median(ms.redis))];
  const what = `audit check --input --output json, with state (${file.count} events, recommended)`;
  return [
    { case: 'fleet', measure: `${what}, state.dir (file backend)`, value: fileRate, unit: 'events/s' },
    {
      case: 'fleet',
      measure: `${what}, state.backend: redis`,
      value: redisRate,
      unit: 'events/s',
      ratio: redisRate / fileRate,
      reference: 'file backend',
      target: 'within 30% of file (>= 0.7x)',
      met: redisRate / fileRate >= 0.7,
    },
    { case: 'fleet', measure: 'peak RSS, file backend', value: rss.file, unit: 'MB' },
    { case: 'fleet', measure: 'peak RSS, redis backend', value: rss.redis, unit: 'MB', ratio: rss.redis / rss.file, reference: 'file backend' },
  ];
}

async function consumers({ cli, work, file, rounds, redis, kafka, log }) {
  const node = process.execPath;
  const messages = (await firstLines(file.path, KAFKA_RECORDS)).map((value, i) => ({ key: `r${i}`, value }));
  const workers = [1, 2, 3];
  const got = workers.map(() => ({ rates: [], lags: [], reading: [], split: '' }));
  let partitions = 0;
  for (let round = 0; round < rounds; round++) {
    for (const [i, count] of workers.entries()) {
      const n = ++seq;
      // A topic of its own, so the lag runs from this production, not an earlier round's.
      const topic = `fleet-${n}`;
      await kafka.produce(topic, messages);
      const produced = performance.now();
      partitions = await kafka.partitions(topic);
      const source = { provider: 'kafka', brokers: kafka.brokers, topic, group: `bench-${n}`, format: 'auto' };
      const config = writeConfig(work, n, { backend: 'redis', url: redis.url, prefix: `bench:${n}:` }, [source]);
      const start = performance.now();
      const exits = await Promise.all(
        Array.from({ length: count }, () => run(node, [cli, 'check', '--config', config, '--output', 'json'], { timeoutMs: WORKER_TIMEOUT_MS })),
      );
      const end = performance.now();
      const bad = exits.find((r) => r.code !== 0);
      if (bad) throw new Error(`fleet: a kafka worker (${count} started) exited ${bad.code}: ${bad.stderr}`);
      const each = exits.map((r) => summaryOf(r.stderr));
      got[i].rates.push(rate(each.reduce((a, s) => a + (s?.events ?? 0), 0), end - start));
      got[i].lags.push((end - produced) / 1000);
      // How long the runs that read something took by their own account (lease wait included),
      // against the wall time: the rest is start-up, closing the consumer and waiting to rejoin.
      got[i].reading.push(Math.max(0, ...each.filter((s) => s?.events > 0).map((s) => s.ms)) / 1000);
      got[i].split = each.map((s) => (s === null ? 'stood down' : String(s.events))).join(' + ');
      log(`fleet, kafka: ${count} worker(s), round ${round + 1}/${rounds}: ${got[i].split} events in ${((end - start) / 1000).toFixed(1)} s`);
    }
  }
  const rows = [];
  const base = median(got[0].rates);
  for (const [i, count] of workers.entries()) {
    const who = count > 1 ? `kafka, ${count} workers started together` : 'kafka, 1 worker';
    const r = median(got[i].rates);
    rows.push(
      {
        case: 'fleet',
        measure: `${who}: ${messages.length} records, ${partitions} partitions, Redis state (events per worker: ${got[i].split})`,
        value: r,
        unit: 'events/s',
        ...(i > 0 ? { ratio: r / base, reference: '1 worker' } : {}),
      },
      {
        case: 'fleet',
        measure: `${who}: end-to-end lag, production done to last exit (the reading run's own time: ${median(got[i].reading).toFixed(1)} s)`,
        value: median(got[i].lags),
        unit: 's',
      },
    );
  }
  return rows;
}

export async function fleet({ cli, work, file, runs, log }) {
  const skipped = (pkg) => {
    log(`fleet: ${pkg} not found; install the Debian package ${pkg} (apt-get install ${pkg}); its rows are skipped`);
    return { case: 'fleet', measure: `${pkg}: not installed (Debian package ${pkg}), skipped`, value: null, unit: '' };
  };
  if (!hasBinary(REDIS_BIN)) return [skipped('redis-server')];
  const redis = await startRedis();
  let kafka;
  try {
    const rows = await backends({ cli, work, file, runs, redis, log });
    if (!hasBinary(KCAT, ['-V'])) return [...rows, skipped('kcat')];
    kafka = await startMockKafka();
    // Each round is about a minute of lease waits and group rebalances, whatever the record count.
    rows.push(...(await consumers({ cli, work, file, rounds: Math.min(runs, 2), redis, kafka, log })));
    return rows;
  } finally {
    await kafka?.stop();
    await redis.close();
  }
}
