import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig } from '../../src/config/load.js';
import type { CheckRequest } from '../../src/pipeline.js';
import { createLogger } from '../../src/util/logger.js';

/**
 * What `audit check --output json` gets, built in this process: a config (the given source and
 * rules, no notifiers, state under `work`), silent logs, stdout captured, the clock `now`.
 * For tests that run many checks and would spend their time starting processes.
 */
export function inProcessCheck(work: string, config: { source: unknown; rules?: unknown[] }, now: () => Date = () => new Date()) {
  const path = join(work, 'audit.yaml');
  const text = JSON.stringify({ rules: [{ builtin: 'root-console-login' }], notifiers: [], state: { dir: join(work, 'state') }, ...config });
  const loaded = { config: parseConfig(text, {}, path), path, baseDir: work };
  let out = '';
  const stdout = new Writable({ write: (chunk, _e, cb) => ((out += String(chunk)), cb()) });
  const deps = { logger: createLogger('silent'), env: {}, now, stdout, cwd: work };
  const req: CheckRequest = { output: 'json', dryRun: false, noState: false, failOnMatch: false, lockTimeoutMs: 5_000 };
  return {
    loaded,
    deps,
    req,
    /** The alerts printed since the last call, and forgets them. */
    take(): { event: { id: string; provider: string } }[] {
      const lines = out.split('\n').filter(Boolean);
      out = '';
      return lines.map((l) => JSON.parse(l));
    },
    /** The alerts printed so far. */
    printed: (): { event: { id: string; provider: string } }[] => out.split('\n').filter(Boolean).map((l) => JSON.parse(l)),
  };
}
