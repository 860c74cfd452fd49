import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialSource } from '../../../src/sources/tencentcloud/credentials.js';

// The SDK's ProfileCredential reads ~/.tencentcloud/credentials through os.homedir(), which
// follows HOME; a temporary HOME keeps the real one out of the test.
let home: string;
let savedHome: string | undefined;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'cred-home-'));
  savedHome = process.env.HOME;
  process.env.HOME = home;
  await mkdir(join(home, '.tencentcloud'));
  await writeFile(join(home, '.tencentcloud', 'credentials'), '[default]\nsecret_id = AKIDFROMPROFILE\nsecret_key = profile-key\n');
});
afterEach(async () => {
  process.env.HOME = savedHome;
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

  it('profile reads the [default] section of the credentials file', async () => {
    expect(await credentialSource('profile', {}).get()).toEqual({ secretId: 'AKIDFROMPROFILE', secretKey: 'profile-key' });
  });

  it('auto prefers the environment, then falls back to the profile file', async () => {
    const env = { TENCENTCLOUD_SECRET_ID: 'AKIDENV', TENCENTCLOUD_SECRET_KEY: 'env-key' };
    expect((await credentialSource('auto', env).get()).secretId).toBe('AKIDENV');
    expect((await credentialSource('auto', { TENCENTCLOUD_SECRET_ID: 'AKIDHALF' }).get()).secretId).toBe('AKIDFROMPROFILE');
  });

  it('profile without a usable file is E_AUTH naming the files', async () => {
    await writeFile(join(home, '.tencentcloud', 'credentials'), '[other]\nsecret_id = x\n');
    const err = await credentialSource('profile', {}).get().catch((e) => e);
    expect(err).toMatchObject({ code: 'E_AUTH', message: expect.stringContaining('.tencentcloud/credentials') });
  });
});
