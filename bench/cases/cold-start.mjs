// Case 1: cold start. `audit --version`, `audit --help` and a cron-style `audit check` over an
// empty window against the local emulator, each against `node -e 0`, interleaved.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeEmulatorConfig } from '../lib/emulator-config.mjs';
import { interleaved } from '../lib/proc.mjs';

export async function coldStart({ cli, emulatorModule, runs, log }) {
  const { startEmulator, TEST_SECRET_ID, TEST_SECRET_KEY } = await import(emulatorModule);
  const emulator = await startEmulator({ events: [] });
  const work = mkdtempSync(join(tmpdir(), 'audit-bench-cold-'));
  try {
    const rest = `rules:\n  - builtin: recommended\nnotifiers:\n  - { name: console, type: stdout }\nstate:\n  dir: ${join(work, 'state')}\n`;
    const config = writeEmulatorConfig(join(work, 'audit.yaml'), emulator, { secretId: TEST_SECRET_ID, secretKey: TEST_SECRET_KEY }, '', rest);
    const node = process.execPath;
    const mustPass = (r) => {
      if (r.code !== 0) throw new Error(`audit check exited ${r.code}: ${r.stderr}`);
    };
    const [base, version, help, check] = await interleaved(
      [
        { file: node, args: ['-e', '0'] },
        { file: node, args: [cli, '--version'] },
        { file: node, args: [cli, '--help'] },
        { file: node, args: [cli, 'check', '--config', config], check: mustPass },
      ],
      runs,
      (round) => log(`cold start: round ${round}/${runs}`),
    );
    const calls = emulator.requests.length;
    return [
      { case: 'cold start', measure: 'node -e 0', value: base, unit: 'ms' },
      { case: 'cold start', measure: 'audit --version', value: version, unit: 'ms', ratio: version / base, target: '<= 1.3x node', met: version / base <= 1.3 },
      { case: 'cold start', measure: 'audit --help', value: help, unit: 'ms', ratio: help / base, target: '<= 1.3x node', met: help / base <= 1.3 },
      {
        case: 'cold start',
        measure: `audit check, empty window (${(calls / runs).toFixed(0)} API call per run)`,
        value: check,
        unit: 'ms',
        ratio: check / base,
        target: '<= 2x node',
        met: check / base <= 2,
      },
    ];
  } finally {
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
}
