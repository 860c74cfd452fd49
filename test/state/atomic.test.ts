import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openState, STATE_FILE } from '../../src/state/index.js';
import { captureLogger, exited, makeTmp, REPO_ROOT } from './helpers.js';

let tmp: Awaited<ReturnType<typeof makeTmp>>;
beforeEach(async () => void (tmp = await makeTmp()));
afterEach(() => tmp.cleanup());

const LEFTOVER = `${STATE_FILE}.tmp-4242-deadbeef`;

describe('atomic save', () => {
  it('ignores a temp file left by a crashed save and cleans it up', async () => {
    const { logger, lines } = captureLogger();
    const first = await openState({ dir: tmp.dir, logger });
    first.setCheckpoint('p', new Date('2024-05-01T10:00:00Z'));
    await first.save();
    await writeFile(join(tmp.dir, LEFTOVER), '{"version":1,"savedAt":"2024-05-01T11:0');

    const readOnly = await openState({ dir: tmp.dir, logger, readOnly: true });
    expect(readOnly.checkpoint('p')?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect((await readdir(tmp.dir)).sort()).toEqual([STATE_FILE, LEFTOVER]);

    const next = await openState({ dir: tmp.dir, logger });
    expect(next.checkpoint('p')?.toISOString()).toBe('2024-05-01T10:00:00.000Z');
    expect(await readdir(tmp.dir)).toEqual([STATE_FILE]);
    expect(lines().filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('leaves only the state file behind after many saves', async () => {
    const s = await openState({ dir: tmp.dir, logger: captureLogger().logger });
    for (let i = 0; i < 20; i++) {
      s.markSeen(`ev-${i}`, '2024-05-01T10:00:00Z');
      await s.save();
    }
    expect(await readdir(tmp.dir)).toEqual([STATE_FILE]);
    expect(JSON.parse(await readFile(join(tmp.dir, STATE_FILE), 'utf8')).seen).toHaveLength(20);
  });

  it('a process killed while saving leaves a complete state: old or new, never a mix', async () => {
    // The child needs the real module without a TypeScript loader: bundle it.
    const bundle = join(tmp.dir, 'state.mjs');
    await build({
      entryPoints: [join(REPO_ROOT, 'src/state/index.ts')],
      outfile: bundle,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'warning',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    const script = join(tmp.dir, 'saver.mjs');
    await writeFile(
      script,
      `import { openState } from ${JSON.stringify(bundle)};
      const [dir, tag, killAfterMs] = process.argv.slice(2);
      // A timer only fires when the loop yields, and the loop only yields inside save():
      // this SIGKILL always lands in the middle of a save.
      setTimeout(() => process.kill(process.pid, 'SIGKILL'), Number(killAfterMs));
      const quiet = () => {};
      const s = await openState({ dir, logger: { debug: quiet, info: quiet, warn: quiet, error: quiet } });
      for (let round = 1; ; round++) {
        for (let i = 0; i < 2000; i++) s.markSeen(tag + '-' + round + '-' + i, '2024-05-01T10:00:00Z');
        // The checkpoint encodes how many ids go with it, so a torn save would show.
        s.setCheckpoint('p', new Date(s.stats().seen * 1000));
        await s.save();
        process.stdout.write('saved ' + s.stats().seen + '\\n');
      }`,
    );
    const stateDir = join(tmp.dir, 'state');
    let durable = 0;
    for (let kill = 0; kill < 6; kill++) {
      const child = spawn(process.execPath, [script, stateDir, `k${kill}`, String(15 + kill * 25)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d) => void (out += String(d)));
      await exited(child);
      expect(child.signalCode).toBe('SIGKILL');
      durable = Math.max(durable, ...[...out.matchAll(/saved (\d+)/g)].map((m) => Number(m[1])));

      const { logger, lines } = captureLogger();
      const s = await openState({ dir: stateDir, logger });
      expect(lines().filter((l) => l.level === 'warn')).toEqual([]);
      const seen = s.stats().seen;
      expect(s.checkpoint('p')?.getTime() ?? 0).toBe(seen * 1000);
      // Every save the child reported as done survived the kill.
      expect(seen).toBeGreaterThanOrEqual(durable);
      expect((await readdir(stateDir)).filter((n) => n !== STATE_FILE)).toEqual([]);
    }
    expect(durable).toBeGreaterThan(0);
  });
});
