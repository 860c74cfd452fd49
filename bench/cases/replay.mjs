// Cases 3-5: replay throughput against the JSON-parsing floor and jq, on one thread and on
// worker threads (issue 16), peak memory at two sizes, and throughput as name-pinned rules grow from 10 to 1,000.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, run } from '../lib/proc.mjs';
import { EXTRA_RULES, pinnedRules } from '../lib/rules.mjs';
import { replayDirectory } from './replay-directory.mjs';

const FLOOR = fileURLToPath(new URL('../lib/floor.mjs', import.meta.url));
const FLOOR_STRING = fileURLToPath(new URL('../lib/floor-string.mjs', import.meta.url));

async function hasJq() {
  try {
    return (await run('jq', ['--version'])).code === 0;
  } catch {
    return false;
  }
}

function writeConfig(dir, name, rulesYaml, withPack) {
  writeFileSync(join(dir, `${name}.rules.yaml`), rulesYaml);
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `rules:\n${withPack ? '  - builtin: recommended\n' : ''}  - file: ./${name}.rules.yaml\nnotifiers:\n  - { name: out, type: stdout, format: json }\n`);
  return path;
}

/** Median wall time of `times` runs; each must exit 0. Returns { ms, rssMb (max) }. */
async function timed(file, args, times, { rss = false, label, log }) {
  const ms = [];
  let rssMb = 0;
  for (let i = 0; i < times; i++) {
    const r = await run(file, args, { rss });
    if (r.code !== 0) throw new Error(`${label} exited ${r.code}: ${r.stderr}`);
    ms.push(r.ms);
    rssMb = Math.max(rssMb, r.rssMb ?? 0);
    log(`${label}: run ${i + 1}/${times} ${(r.ms / 1000).toFixed(1)} s`);
  }
  return { ms: median(ms), rssMb };
}

export async function replay({ cli, work, files, runs, log, before }) {
  const node = process.execPath;
  const rate = (n, ms) => n / (ms / 1000);
  const checkArgs = (config, input) => [cli, 'check', '--config', config, '--input', input, '--no-state', '--output', 'json'];
  const full = writeConfig(work, 'replay', EXTRA_RULES, true);
  const big = files.large;
  const rows = [];

  // Interleaved rounds: the floor, one thread and the worker threads each see the same slow
  // moments of a shared machine, so their ratios hold even when the absolute rates wander.
  const cpus = availableParallelism();
  const variants = [
    { key: 'floor', file: node, args: [FLOOR, big.path] },
    { key: 'single', file: node, args: [...checkArgs(full, big.path), '--threads', '1'], rss: true },
    { key: 'auto', file: node, args: checkArgs(full, big.path), rss: true },
    // On 2 CPUs the default already is two workers.
    ...(cpus === 2 ? [] : [{ key: 'two', file: node, args: [...checkArgs(full, big.path), '--threads', '2'], rss: true }]),
  ];
  const timings = Object.fromEntries(variants.map((v) => [v.key, { ms: [], rssMb: 0 }]));
  const outputs = {};
  for (let round = 0; round < runs; round++) {
    for (const v of variants) {
      // The first round keeps each replay's alerts, to compare the threaded ones with one thread's.
      const keep = round === 0 && v.key !== 'floor' ? join(work, `replay-${v.key}.ndjson`) : undefined;
      const r = await run(v.file, v.args, { rss: v.rss, stdout: keep ?? 'ignore' });
      if (r.code !== 0) throw new Error(`${v.key} exited ${r.code}: ${r.stderr}`);
      if (keep) outputs[v.key] = keep;
      timings[v.key].ms.push(r.ms);
      timings[v.key].rssMb = Math.max(timings[v.key].rssMb, r.rssMb ?? 0);
    }
    log(`replay: round ${round + 1}/${runs} (${variants.map((v) => v.key).join(', ')})`);
  }
  const rateOf = (key) => rate(big.count, median(timings[key].ms));
  const floorRate = rateOf('floor');
  const checkRate = rateOf('single');
  const check = { rssMb: timings.single.rssMb };
  const floorString = await timed(node, [FLOOR_STRING, big.path], 1, { label: 'floor (string split)', log });
  rows.push(
    { case: 'replay', measure: `floor: split + 2x JSON.parse (${big.count} events)`, value: floorRate, unit: 'events/s' },
    { case: 'replay', measure: 'floor, setEncoding + string split (as in the issue)', value: rate(big.count, floorString.ms), unit: 'events/s' },
  );
  let jqRate;
  if (await hasJq()) {
    const jq = await timed('jq', ['-c', 'select(.EventName=="ConsoleLogin")', big.path], Math.min(runs, 2), { label: 'jq', log });
    jqRate = rate(big.count, jq.ms);
    rows.push({ case: 'replay', measure: `jq -c 'select(.EventName=="ConsoleLogin")'`, value: jqRate, unit: 'events/s' });
  } else rows.push({ case: 'replay', measure: 'jq: not installed, skipped', value: null, unit: '' });
  rows.push({
    case: 'replay',
    measure: 'audit check --input --no-state --output json --threads 1 (recommended + 20 rules)',
    value: checkRate,
    unit: 'events/s',
    ratio: checkRate / floorRate,
    reference: 'floor',
    target: '>= 80% of floor' + (jqRate ? ', faster than jq' : ''),
    met: checkRate / floorRate >= 0.8 && (jqRate === undefined || checkRate > jqRate),
  });
  if (jqRate) rows.push({ case: 'replay', measure: '  the same, against jq', value: checkRate, unit: 'events/s', ratio: checkRate / jqRate, reference: 'jq', target: '> 1x', met: checkRate > jqRate });
  const digest = (key) => createHash('sha256').update(readFileSync(outputs[key])).digest('hex');
  const parallelKeys = variants.filter((v) => v.key === 'auto' || v.key === 'two').map((v) => v.key);
  const alertCount = readFileSync(outputs.single, 'utf8').split('\n').filter(Boolean).length;
  for (const key of parallelKeys) {
    const r = rateOf(key);
    const same = digest(key) === digest('single');
    const label = key === 'auto' ? `default (${cpus} CPUs: ${cpus} workers)` : '--threads 2';
    rows.push({ case: 'replay', measure: `audit check --input, parallel: ${label}`, value: r, unit: 'events/s', ratio: r / floorRate, reference: 'floor', target: '>= 1.5x floor', met: r / floorRate >= 1.5 });
    rows.push({ case: 'replay', measure: `  the same, against --threads 1`, value: r, unit: 'events/s', ratio: r / checkRate, reference: '--threads 1' });
    rows.push({ case: 'replay', measure: `  its alerts against --threads 1 (${alertCount} alerts)`, value: same ? 'identical' : 'DIFFERENT', unit: '', target: 'identical', met: same });
  }
  const parallelRss = Math.max(...parallelKeys.map((k) => timings[k].rssMb));
  rows.push({ case: 'memory', measure: `peak RSS, parallel replay of ${big.count} events (${parallelKeys.join(', ')})`, value: parallelRss, unit: 'MB', target: '< 200 MB', met: parallelRss < 200 });

  if (before) {
    // Interleaved with the current build, so a slow moment of the machine hits both alike.
    const ms = { now: [], before: [] };
    let beforeRss = 0;
    for (let i = 0; i < runs; i++) {
      for (const [who, file] of [['before', before.cli], ['now', cli]]) {
        const r = await run(node, [file, ...checkArgs(full, big.path).slice(1)], { rss: true });
        if (r.code !== 0) throw new Error(`${who} exited ${r.code}: ${r.stderr}`);
        ms[who].push(r.ms);
        if (who === 'before') beforeRss = Math.max(beforeRss, r.rssMb ?? 0);
      }
      log(`replay vs ${before.ref}: round ${i + 1}/${runs}`);
    }
    const [nowRate, beforeRate] = [rate(big.count, median(ms.now)), rate(big.count, median(ms.before))];
    rows.push(
      { case: 'replay', measure: `before ${before.ref}: audit check --input (same file and rules)`, value: beforeRate, unit: 'events/s' },
      {
        case: 'replay',
        measure: 'audit check --input, window rules judged every minute, against it',
        value: nowRate,
        unit: 'events/s',
        ratio: nowRate / beforeRate,
        reference: `before ${before.ref}`,
        target: '>= 0.95x',
        met: nowRate / beforeRate >= 0.95,
      },
      { case: 'memory', measure: `before ${before.ref}: peak RSS, ${big.count} events`, value: beforeRss, unit: 'MB' },
    );
  }

  const small = await timed(node, [...checkArgs(full, files.small.path), '--threads', '1'], 1, { rss: true, label: `audit check ${files.small.count}`, log });
  rows.push(
    { case: 'memory', measure: `peak RSS, ${files.small.count} events`, value: small.rssMb, unit: 'MB', target: '< 150 MB', met: small.rssMb < 150 },
    {
      case: 'memory',
      measure: `peak RSS, ${big.count} events`,
      value: check.rssMb,
      unit: 'MB',
      ratio: check.rssMb / small.rssMb,
      reference: `${files.small.count} events`,
      target: '< 150 MB, flat',
      met: check.rssMb < 150,
    },
  );

  // Interleaved so that a slow moment of the machine hits every size alike. Each size also runs
  // over an empty file: reading and compiling 1,000 rules is a fixed start-up cost (the YAML
  // parse dominates it), while the target is about the work per event.
  const sizes = [10, 100, 1000];
  const configs = sizes.map((n) => writeConfig(work, `pinned-${n}`, pinnedRules(n), false));
  const empty = join(work, 'empty.ndjson');
  writeFileSync(empty, '');
  const samples = sizes.map(() => ({ full: [], empty: [] }));
  for (let round = 0; round < runs; round++) {
    for (let i = 0; i < sizes.length; i++) {
      for (const [kind, input] of [['full', files.medium.path], ['empty', empty]]) {
        const r = await run(node, [...checkArgs(configs[i], input), '--threads', '1']);
        if (r.code !== 0) throw new Error(`pinned-${sizes[i]} exited ${r.code}: ${r.stderr}`);
        samples[i][kind].push(r.ms);
      }
    }
    log(`rule scaling: round ${round + 1}/${runs}`);
  }
  const startup = samples.map((s) => median(s.empty));
  const rates = samples.map((s, i) => rate(files.medium.count, median(s.full) - startup[i]));
  sizes.forEach((n, i) => {
    const drop = 1 - rates[i] / rates[0];
    rows.push({
      case: 'rule scaling',
      measure: `${n} name-pinned rules (${files.medium.count} events; start-up ${startup[i].toFixed(0)} ms not counted)`,
      value: rates[i],
      unit: 'events/s',
      ...(i > 0 ? { ratio: rates[i] / rates[0], reference: '10 rules', target: 'within 15%', met: drop <= 0.15 } : {}),
    });
  });
  rows.push(...(await replayDirectory({ cli, work, files, runs, log, configs: { full, pack: writeConfig(work, 'pack', '[]\n', true) } })));
  return rows;
}
