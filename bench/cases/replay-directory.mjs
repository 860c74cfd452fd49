// Issue 16, target 1 for delivered trails: a directory of gzipped files (1,000 events each, as
// deliveries to COS/S3/OSS come), replayed on one thread and on the default worker threads, with
// two rule sets: the recommended pack (few events match a rule) and the replay case's 29 rules
// (describe-flood matches three events in four, so the main thread takes over after 5,000).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { median, run } from '../lib/proc.mjs';

const PER_FILE = 1000;

/** The dataset's NDJSON cut into gzipped files beside it, once (bench/.data is a cache). */
function deliveries(file, log) {
  const dir = `${file.path}.d`;
  if (existsSync(dir)) return dir;
  log(`writing ${file.count / PER_FILE} gzipped files of ${PER_FILE} events into ${dir}`);
  const partial = `${dir}.partial`;
  mkdirSync(partial, { recursive: true });
  const lines = readFileSync(file.path, 'utf8').split('\n').filter(Boolean);
  for (let f = 0; f * PER_FILE < lines.length; f++) {
    writeFileSync(join(partial, `${String(f).padStart(5, '0')}.ndjson.gz`), gzipSync(`${lines.slice(f * PER_FILE, (f + 1) * PER_FILE).join('\n')}\n`));
  }
  renameSync(partial, dir);
  return dir;
}

export async function replayDirectory({ cli, work, files, runs, log, configs }) {
  const node = process.execPath;
  const file = files.medium;
  const dir = deliveries(file, log);
  const rows = [];
  for (const [label, config] of [['recommended pack', configs.pack], ['recommended + 20 rules', configs.full]]) {
    const args = [cli, 'check', '--config', config, '--input', dir, '--no-state', '--output', 'json'];
    const variants = [
      { key: 'one', args: [...args, '--threads', '1'] },
      { key: 'threads', args },
    ];
    const ms = { one: [], threads: [] };
    const out = {};
    let rssMb = 0;
    for (let round = 0; round < runs; round++) {
      for (const v of variants) {
        const keep = round === 0 ? join(work, `deliveries-${v.key}.ndjson`) : undefined;
        const r = await run(node, v.args, { rss: v.key === 'threads', stdout: keep ?? 'ignore' });
        if (r.code !== 0) throw new Error(`deliveries ${v.key} exited ${r.code}: ${r.stderr}`);
        if (keep) out[v.key] = createHash('sha256').update(readFileSync(keep)).digest('hex');
        ms[v.key].push(r.ms);
        if (v.key === 'threads') rssMb = Math.max(rssMb, r.rssMb ?? 0);
      }
      log(`deliveries (${label}): round ${round + 1}/${runs}`);
    }
    const rate = (key) => file.count / (median(ms[key]) / 1000);
    const [one, threads] = [rate('one'), rate('threads')];
    rows.push(
      { case: 'replay', measure: `directory of ${file.count / PER_FILE} gzipped files, ${file.count} events, ${label}: --threads 1`, value: one, unit: 'events/s' },
      { case: 'replay', measure: `  the same on the default threads (${availableParallelism()} CPUs); peak RSS ${rssMb.toFixed(0)} MB`, value: threads, unit: 'events/s', ratio: threads / one, reference: '--threads 1' },
      { case: 'replay', measure: '  its alerts against --threads 1', value: out.one === out.threads ? 'identical' : 'DIFFERENT', unit: '', target: 'identical', met: out.one === out.threads },
    );
  }
  return rows;
}
