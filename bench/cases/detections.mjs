// Issue 14's performance case: what firstSeen baselines and geo enrichment cost a replay.
// One file of N realistic events (synth.mjs's generator, source addresses rewritten to a few
// thousand public IPv4 addresses by lib/public-ips.mjs so geo lookups and baselines have work),
// `audit check --input FILE --no-state --output json` (stdout discarded) three ways, interleaved:
//   (a) the recommended pack;
//   (b) the pack + 10 firstSeen rules (sourceIp, name, accessKeyId, userAgent, region, ... per
//       account or actor);
//   (c) the pack with enrich.geoip (the GeoLite2-derived test database), so impossible-travel is on.
// Then (b) once with a state directory, for the baseline's size (`audit status --output json`,
// per rule) and the state file's size. Target: (b) and (c) within 20% of (a)'s events/s.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, run } from '../lib/proc.mjs';
import { writePublicIpNdjson } from '../lib/public-ips.mjs';

export const FIRST_SEEN_COUNT = 10;

/** Ten firstSeen rules of the kinds people write; `learn: 1d` so six of the seven days can alert. */
export const FIRST_SEEN_RULES = `
- id: fs-ip-per-account
  when: {}
  firstSeen: { field: sourceIp, per: [account], learn: 1d }
- id: fs-ip-per-actor
  when: {}
  firstSeen: { field: sourceIp, per: [account, actor.id], learn: 1d }
- id: fs-login-ip-per-actor
  when: { login: true }
  firstSeen: { field: sourceIp, per: [account, actor.id], learn: 1d }
- id: fs-ip-per-key
  when: { actor.accessKeyId: { exists: true } }
  firstSeen: { field: sourceIp, per: [actor.accessKeyId], learn: 1d }
- id: fs-api-per-key
  when: { actor.accessKeyId: { exists: true } }
  firstSeen: { field: name, per: [actor.accessKeyId], learn: 1d }
- id: fs-api-per-actor
  when: {}
  firstSeen: { field: name, per: [account, actor.id], learn: 1d }
- id: fs-agent-per-actor
  when: {}
  firstSeen: { field: userAgent, per: [account, actor.id], learn: 1d }
- id: fs-region-per-actor
  when: {}
  firstSeen: { field: region, per: [account, actor.id], learn: 1d }
- id: fs-write-api-per-region
  when: { readOnly: false }
  firstSeen: { field: name, per: [account, region], learn: 1d }
- id: fs-service-per-actor
  when: {}
  firstSeen: { field: service, per: [account, actor.id], learn: 1d }
`;

const RULE_IDS = [...FIRST_SEEN_RULES.matchAll(/- id: (\S+)/g)].map((m) => m[1]);

/** The public-address file, generated once per generator version, seed and size (bench/.data). */
export function detectionsDataset(root, count, log, seed = 42) {
  const hash = createHash('sha1');
  for (const f of ['bench/lib/synth.mjs', 'bench/lib/public-ips.mjs']) hash.update(readFileSync(join(root, f)));
  const dir = join(root, 'bench/.data');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `public-ip-events-${count}-s${seed}-${hash.digest('hex').slice(0, 8)}.ndjson`);
  if (!existsSync(path)) {
    log(`generating ${count} events with public source addresses (seed ${seed}) into ${path}`);
    const partial = `${path}.partial`;
    // The same week as run.mjs's dataset (ending 2026-11-22 00:00 UTC).
    const bytes = writePublicIpNdjson(partial, { seed, count, endSec: 1_795_305_600, spanSec: 7 * 86_400 });
    renameSync(partial, path);
    log(`  ${(bytes / 1e6).toFixed(0)} MB`);
  }
  return { path, count };
}

function writeConfig(dir, name, { firstSeen = false, geoip, stateDir } = {}) {
  let yaml = '';
  if (geoip) yaml += `enrich:\n  geoip: ${JSON.stringify(geoip)}\n`;
  if (stateDir) yaml += `state:\n  dir: ${JSON.stringify(stateDir)}\n`;
  yaml += 'rules:\n  - builtin: recommended\n';
  if (firstSeen) {
    writeFileSync(join(dir, 'first-seen.rules.yaml'), FIRST_SEEN_RULES);
    yaml += '  - file: ./first-seen.rules.yaml\n';
  }
  yaml += 'notifiers:\n  - { name: out, type: stdout, format: json }\n';
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, yaml);
  return path;
}

/** Total size of the files called `name` under `dir` (the state dir has one subdirectory per config). */
function fileBytes(dir, name) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += fileBytes(p, name);
    else if (e.name === name) n += statSync(p).size;
  }
  return n;
}

/** Alerts per rule id in NDJSON text. */
function alertsByRule(text) {
  const by = {};
  for (const line of text.split('\n')) {
    if (!line) continue;
    const id = JSON.parse(line).rule?.id ?? '?';
    by[id] = (by[id] ?? 0) + 1;
  }
  return by;
}

export async function detections({ cli, root, work, count, geoip, runs, log }) {
  const node = process.execPath;
  const file = detectionsDataset(root, count, log);
  const rate = (ms) => count / (ms / 1000);
  // One thread for all three: enrich.geoip replays stay on one thread, and the target is what the
  // detections cost, not what worker threads save (the replay case measures those).
  const checkArgs = (config) => [cli, 'check', '--config', config, '--input', file.path, '--no-state', '--output', 'json', '--threads', '1'];
  const variants = [
    { key: 'a', label: 'recommended pack', config: writeConfig(work, 'det-a') },
    { key: 'b', label: `recommended + ${FIRST_SEEN_COUNT} firstSeen rules`, config: writeConfig(work, 'det-b', { firstSeen: true }) },
    { key: 'c', label: 'recommended + enrich.geoip (impossible-travel on)', config: writeConfig(work, 'det-c', { geoip }) },
  ];

  // Interleaved: a slow moment of the machine hits every variant alike.
  const samples = variants.map(() => ({ ms: [], rss: [] }));
  for (let round = 0; round < runs; round++) {
    for (let i = 0; i < variants.length; i++) {
      const r = await run(node, checkArgs(variants[i].config), { rss: true });
      if (r.code !== 0) throw new Error(`detections (${variants[i].key}) exited ${r.code}: ${r.stderr}`);
      samples[i].ms.push(r.ms);
      samples[i].rss.push(r.rssMb ?? 0);
    }
    log(`detections: round ${round + 1}/${runs}: ${samples.map((s, i) => `${variants[i].key} ${(s.ms.at(-1) / 1000).toFixed(1)} s`).join(', ')}`);
  }
  const rates = samples.map((s) => rate(median(s.ms)));
  // Per-round ratios too: with a noisy machine their spread says how far to trust the medians.
  const roundRatios = (i) => samples[i].ms.map((ms, r) => samples[0].ms[r] / ms);

  // What each variant raises (untimed; the same runs, stdout kept).
  const alerts = [];
  for (const v of variants) {
    const r = await run(node, checkArgs(v.config), { stdout: 'capture' });
    if (r.code !== 0) throw new Error(`detections (${v.key}, counting) exited ${r.code}: ${r.stderr}`);
    alerts.push(alertsByRule(r.stdout));
  }
  const total = (by, filter = () => true) => Object.entries(by).filter(([id]) => filter(id)).reduce((s, [, n]) => s + n, 0);
  log(`detections: alerts ${alerts.map((by, i) => `${variants[i].key} ${total(by)}`).join(', ')}; travel ${alerts[2]['impossible-travel'] ?? 0}`);

  // (b) with state: the baseline it keeps and the state file it writes.
  const stateDir = join(work, 'det-state');
  mkdirSync(stateDir, { recursive: true });
  const stateful = writeConfig(work, 'det-b-state', { firstSeen: true, stateDir });
  const s = await run(node, [cli, 'check', '--config', stateful, '--input', file.path, '--output', 'json'], { rss: true });
  if (s.code !== 0) throw new Error(`detections (b, with state) exited ${s.code}: ${s.stderr}`);
  const st = await run(node, [cli, 'status', '--config', stateful, '--output', 'json'], { stdout: 'capture' });
  if (st.code !== 0) throw new Error(`audit status exited ${st.code}: ${st.stderr}`);
  const baselines = JSON.parse(st.stdout).baselines.filter((x) => RULE_IDS.includes(x.rule));
  const groups = baselines.reduce((n, x) => n + x.groups, 0);
  const values = baselines.reduce((n, x) => n + x.values, 0);
  const stateBytes = fileBytes(stateDir, 'state.json');
  log(`detections: with state ${(s.ms / 1000).toFixed(1)} s; ${groups} groups, ${values} values; state ${(stateBytes / 1024).toFixed(0)} KB`);

  const n = count.toLocaleString('en-US');
  const rows = variants.map((v, i) => {
    const row = {
      case: 'detections',
      measure: `(${v.key}) ${v.label}, ${n} events: audit check --input --no-state (${total(alerts[i])} alerts${v.key === 'c' ? `, ${alerts[i]['impossible-travel'] ?? 0} travel` : v.key === 'b' ? `, ${total(alerts[i], (id) => id.startsWith('fs-'))} firstSeen` : ''})`,
      value: rates[i],
      unit: 'events/s',
      detail: { ms: samples[i].ms, rssMb: samples[i].rss, alerts: alerts[i] },
    };
    if (i === 0) return row;
    const rr = roundRatios(i);
    return {
      ...row,
      ratio: rates[i] / rates[0],
      reference: `(a); rounds ${rr.map((x) => x.toFixed(2)).join('/')}`,
      target: 'within 20% of (a)',
      met: rates[i] / rates[0] >= 0.8,
    };
  });
  rows.push(
    ...variants.map((v, i) => ({ case: 'detections', measure: `(${v.key}) peak RSS`, value: Math.max(...samples[i].rss), unit: 'MB', ...(i ? { ratio: Math.max(...samples[i].rss) / Math.max(...samples[0].rss), reference: '(a)' } : {}) })),
    { case: 'detections', measure: `(b) with state: audit check --input (1 run)`, value: rate(s.ms), unit: 'events/s', detail: { ms: s.ms, rssMb: s.rssMb } },
    {
      case: 'detections',
      measure: `(b) baseline: ${groups.toLocaleString('en-US')} groups, ${values.toLocaleString('en-US')} values over ${RULE_IDS.length} rules (audit status); state.json size`,
      value: stateBytes / 1024,
      unit: 'KB',
      detail: { groups, values, stateBytes, baselines },
    },
  );
  return rows;
}
