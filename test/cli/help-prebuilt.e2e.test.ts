import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/program.js';
import { runCli } from '../helpers/cli.js';
import { capture } from '../notifiers/alerts.js';

// Needs dist/: `npm run build` (npm test builds first), which writes dist/help.txt.
describe('`audit --help` (printed from the build\'s help.txt, without commander, unless a terminal is narrower than 80 columns)', () => {
  it.each([['--help'], ['-h']])('%s prints exactly what commander prints, and exits 0', async (flag) => {
    const out = capture();
    const err = capture();
    const code = await run([flag], { stdout: out, stderr: err, stdin: process.stdin, env: {}, cwd: process.cwd(), now: () => new Date() });
    expect(code).toBe(0);
    const r = await runCli([flag]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(out.text());
  });
});
