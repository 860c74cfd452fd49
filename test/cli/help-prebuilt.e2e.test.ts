import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/program.js';
import { runCli } from '../helpers/cli.js';

// Needs dist/: `npm run build` (npm test builds first), which writes dist/help.txt.
function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

describe('`audit --help` (printed from the build\'s help.txt, without commander, unless a terminal is narrower than 80 columns)', () => {
  it.each([['--help'], ['-h']])('%s prints exactly what commander prints, and exits 0', async (flag) => {
    const out = capture();
    const err = capture();
    const code = await run([flag], { stdout: out.stream, stderr: err.stream, stdin: process.stdin, env: {}, cwd: process.cwd(), now: () => new Date() });
    expect(code).toBe(0);
    const r = await runCli([flag]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(out.text());
  });
});
