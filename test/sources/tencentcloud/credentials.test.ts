import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialSource } from '../../../src/sources/tencentcloud/credentials.js';
import { parseIni } from '../../../src/sources/tencentcloud/profile-file.js';

// The file is found through the HOME of the environment handed in, never the process's own.
let home: string;
let file: string;
const PROD_KEY = 'prod-secret-key-NEVER-PRINTED';
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'cred-home-'));
  await mkdir(join(home, '.tencentcloud'));
  file = join(home, '.tencentcloud', 'credentials');
  await writeFile(
    file,
    ['[default]', 'secret_id = AKIDFROMPROFILE', 'secret_key = profile-key', '', '; production', '[prod]', 'secret_id = AKIDPROD', `secret_key = ${PROD_KEY}`, 'token = "sts token"', ''].join('\n'),
  );
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('credentialSource', () => {
  it('explicit keys are used as given', async () => {
    const src = credentialSource({ secretId: 'AKIDX', secretKey: 'k', token: 't' }, {});
    expect(await src.get()).toEqual({ secretId: 'AKIDX', secretKey: 'k', token: 't' });
  });

  it('env reads the given environment only', async () => {
    const env = { TENCENTCLOUD_SECRET_ID: 'AKIDENV', TENCENTCLOUD_SECRET_KEY: 'env-key', TENCENTCLOUD_SESSION_TOKEN: 'tok' };
    expect(await credentialSource('env', env).get()).toEqual({ secretId: 'AKIDENV', secretKey: 'env-key', token: 'tok' });
    await expect(credentialSource('env', { TENCENTCLOUD_SECRET_ID: 'AKIDENV' }).get()).rejects.toMatchObject({ code: 'E_AUTH' });
  });

  it('profile reads the [default] section of the credentials file under HOME', async () => {
    expect(await credentialSource('profile', { HOME: home }).get()).toEqual({ secretId: 'AKIDFROMPROFILE', secretKey: 'profile-key' });
  });

  it('auto prefers the environment, then falls back to the profile file', async () => {
    const env = { HOME: home, TENCENTCLOUD_SECRET_ID: 'AKIDENV', TENCENTCLOUD_SECRET_KEY: 'env-key' };
    expect((await credentialSource('auto', env).get()).secretId).toBe('AKIDENV');
    expect((await credentialSource('auto', { HOME: home, TENCENTCLOUD_SECRET_ID: 'AKIDHALF' }).get()).secretId).toBe('AKIDFROMPROFILE');
  });

  it('profile without a usable file is E_AUTH naming the files', async () => {
    await writeFile(file, '[other]\nsecret_id = x\n');
    const err = await credentialSource('profile', { HOME: home }).get().catch((e) => e);
    expect(err).toMatchObject({ code: 'E_AUTH', message: expect.stringContaining('.tencentcloud/credentials') });
  });
});

describe('credentialSource: a named profile', () => {
  it('takes the keys (and token) from that section, under auto and profile alike', async () => {
    const prod = { secretId: 'AKIDPROD', secretKey: PROD_KEY, token: 'sts token' };
    expect(await credentialSource('auto', { HOME: home }, 'prod').get()).toEqual(prod);
    expect(await credentialSource('profile', { HOME: home }, 'prod').get()).toEqual(prod);
    expect(credentialSource('auto', { HOME: home }, 'prod').origin).toBe('profile:prod');
  });

  it('TENCENTCLOUD_PROFILE names it when the config and flags do not, ahead of keys in the environment', async () => {
    const env = { HOME: home, TENCENTCLOUD_PROFILE: 'prod', TENCENTCLOUD_SECRET_ID: 'AKIDENV', TENCENTCLOUD_SECRET_KEY: 'env-key' };
    expect((await credentialSource('auto', env).get()).secretId).toBe('AKIDPROD');
    expect((await credentialSource('auto', env, 'default').get()).secretId).toBe('AKIDFROMPROFILE');
    // credentials: env says where the keys are; the variable is someone else's setting then.
    expect((await credentialSource('env', env).get()).secretId).toBe('AKIDENV');
  });

  it('an unknown profile is E_CONFIG naming it, the file and the sections there, never a key', async () => {
    const err = await credentialSource('auto', { HOME: home }, 'staging').get().catch((e) => e);
    expect(err).toMatchObject({ code: 'E_CONFIG' });
    expect(err.message).toBe(`profile "staging": no [staging] section in ${file} (it has [default], [prod])`);
    const viaEnv = await credentialSource('auto', { HOME: home, TENCENTCLOUD_PROFILE: 'stagin' }).get().catch((e) => e);
    expect(viaEnv.message).toMatch(/^profile "stagin" \(from TENCENTCLOUD_PROFILE\): no \[stagin\] section/);
  });

  it('a section without both keys, or no file at all, is E_CONFIG too: a typo never falls back to other keys', async () => {
    await writeFile(file, `[prod]\nsecret_id = AKIDPROD\n`);
    const half = await credentialSource('auto', { HOME: home, TENCENTCLOUD_SECRET_ID: 'AKIDENV', TENCENTCLOUD_SECRET_KEY: 'k' }, 'prod').get().catch((e) => e);
    expect(half).toMatchObject({ code: 'E_CONFIG', message: `profile "prod": [prod] in ${file} needs both secret_id and secret_key` });
    const none = await credentialSource('auto', { HOME: join(home, 'nowhere') }, 'prod').get().catch((e) => e);
    expect(none).toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining(join(home, 'nowhere', '.tencentcloud', 'credentials')) });
  });

  it('with keys in the config, env or cvm-role, a profile is a config error at once', () => {
    for (const setting of [{ secretId: 'AKIDX', secretKey: 'k' }, 'env', 'cvm-role'] as const) {
      expect(() => credentialSource(setting, { HOME: home }, 'prod')).toThrow(/profile "prod": source.credentials is .*use credentials: auto or profile/);
    }
  });
});

describe('parseIni', () => {
  it('reads sections, quoted values and comments as the SDK does', () => {
    const text = 'stray = 1\n[a]\nk = v ; note\nq = "x;y"\n# c\n[ b ]\nk=\'z\'\ne = a\\;b\n[a]\nm = 2\r\n';
    expect(Object.fromEntries(parseIni(text))).toEqual({ a: { k: 'v', q: 'x;y', m: '2' }, b: { k: 'z', e: 'a;b' } });
  });
});
