import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigCached } from '../../src/config/cached.js';
import { prepareRules } from '../../src/config/validate.js';
import { redact } from '../../src/util/secrets.js';

/** A fresh value per use: the secret registry is process-wide. */
const fresh = (prefix = '') => `${prefix}${randomBytes(12).toString('hex')}`;

let work: string;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'audit-config-cache-'));
  env = { XDG_CACHE_HOME: join(work, 'cache') };
});
afterEach(() => rm(work, { recursive: true, force: true }));

const RULE = (id: string) => `- id: ${id}\n  title: ${id}\n  severity: high\n  when: { name: DeleteUser }\n`;

async function writeConfig(extra = '', key = 'literal-secret-key-0123456789', hookUrl = 'https://hooks.example.com/services/${HOOK_TOKEN}') {
  await writeFile(
    join(work, 'audit.yaml'),
    [
      'source:',
      '  provider: tencentcloud',
      `  credentials: { secretId: AKIDEXAMPLE0000, secretKey: ${key} }`,
      'rules:',
      '  - builtin: recommended',
      '  - file: ./rules/*.yaml',
      'notifiers:',
      '  - { name: console, type: stdout }',
      `  - { name: hook, type: webhook, url: "${hookUrl}" }`,
      extra,
    ].join('\n'),
  );
}

/** One run: the config, then the rules, as `audit check` takes them. */
async function run() {
  const loaded = await loadConfigCached({ configFlag: join(work, 'audit.yaml'), env, cwd: work });
  const fromCache = loaded.cache?.rules(loaded.config.rules) !== undefined;
  const prepared = await prepareRules(loaded);
  return { loaded, prepared, fromCache };
}

async function cacheText(): Promise<string> {
  const dir = join(work, 'cache', 'cloudaudit-watch');
  const files = await readdir(dir);
  return (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).join('\n');
}

describe('the config cache', () => {
  beforeEach(async () => {
    await rm(join(work, 'rules'), { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(join(work, 'rules')));
    await writeFile(join(work, 'rules', 'a.yaml'), RULE('custom-a'));
  });

  it('gives the next run the same config and rules, secrets filled in from the file and the environment', async () => {
    env.HOOK_TOKEN = fresh('hook-');
    await writeConfig();
    const first = await run();
    const second = await run();
    expect(first.fromCache).toBe(false);
    expect(second.fromCache).toBe(true);
    expect(second.loaded.config).toEqual(first.loaded.config);
    expect(second.prepared.all.map((r) => r.id)).toEqual(first.prepared.all.map((r) => r.id));
    expect(second.prepared.all).toEqual(first.prepared.all);
    expect(second.prepared.ruleSet.rules.length).toBe(first.prepared.ruleSet.rules.length);
    const hook = second.loaded.config.notifiers.find((n) => n.name === 'hook') as { url: string };
    expect(hook.url).toBe(`https://hooks.example.com/services/${env.HOOK_TOKEN}`);
    // A built-in's code-made summary survives the trip.
    const login = second.prepared.all.find((r) => r.id === 'root-console-login');
    expect(login?.summarize).toBeTypeOf('function');
    expect(login?.summarize).toBe(first.prepared.all.find((r) => r.id === 'root-console-login')?.summarize);
  });

  it('never writes a secret, from the file or the environment, and registers them on a hit', async () => {
    const key = fresh('file-key-');
    env.HOOK_TOKEN = fresh('hook-');
    await writeConfig('', key);
    await run();
    const text = await cacheText();
    expect(text).not.toContain(key);
    expect(text).not.toContain(env.HOOK_TOKEN);
    const second = await run();
    expect(second.fromCache).toBe(true);
    expect((second.loaded.config.sources[0] as { credentials: { secretKey: string } }).credentials.secretKey).toBe(key);
    expect(redact(`k=${key} t=${env.HOOK_TOKEN}`)).toBe('k=*** t=***');
  });

  it('misses when the config, a rule file, what a pattern matches, or a variable\'s value changes', async () => {
    env.HOOK_TOKEN = fresh('hook-');
    await writeConfig();
    await run();
    expect((await run()).fromCache).toBe(true);

    await writeConfig('locale: en');
    expect((await run()).fromCache).toBe(false);
    expect((await run()).fromCache).toBe(true);

    await writeFile(join(work, 'rules', 'a.yaml'), RULE('custom-a-renamed'));
    const edited = await run();
    expect(edited.fromCache).toBe(false);
    expect(edited.prepared.all.some((r) => r.id === 'custom-a-renamed')).toBe(true);

    await writeFile(join(work, 'rules', 'b.yaml'), RULE('custom-b'));
    const added = await run();
    expect(added.fromCache).toBe(false);
    expect(added.prepared.all.some((r) => r.id === 'custom-b')).toBe(true);

    env.HOOK_TOKEN = fresh('hook-');
    const rotated = await run();
    expect(rotated.fromCache).toBe(false);
    expect((rotated.loaded.config.notifiers[1] as { url: string }).url).toContain(env.HOOK_TOKEN);
  });

  it('a cache directory that cannot be made (under /proc, where recursive mkdir never returns) costs only the cache', async () => {
    env = { XDG_CACHE_HOME: '/proc/audit-no-such-dir', HOOK_TOKEN: fresh('hook-') };
    await writeConfig();
    for (const _ of [1, 2]) expect((await run()).fromCache).toBe(false);
  });

  it('ignores a corrupt or foreign entry and replaces it', async () => {
    env.HOOK_TOKEN = fresh('hook-');
    await writeConfig();
    await run();
    const dir = join(work, 'cache', 'cloudaudit-watch');
    const [file] = await readdir(dir);
    // Writable by others: not trusted, whatever it holds.
    const { chmod } = await import('node:fs/promises');
    await chmod(join(dir, file), 0o666);
    expect((await run()).fromCache).toBe(false);
    for (const junk of ['{not json', JSON.stringify({ format: 1, build: 'other', path: join(work, 'audit.yaml') }), '{"format":1}']) {
      await writeFile(join(dir, file), junk);
      expect((await run()).fromCache).toBe(false);
      expect((await run()).fromCache).toBe(true);
    }
  });

  it('reports a config error exactly as without a cache, even after a good run was cached', async () => {
    env.HOOK_TOKEN = fresh('hook-');
    await writeConfig();
    await run();
    await writeConfig('', undefined, 'not a url');
    for (let i = 0; i < 2; i++) {
      const err = await run().catch((e) => e);
      expect(err.code).toBe('E_CONFIG');
      expect(err.message).toBe(`${join(work, 'audit.yaml')}: invalid config`);
      expect(err.issues).toEqual(['notifiers[1].url: invalid URL']);
    }
  });
});
