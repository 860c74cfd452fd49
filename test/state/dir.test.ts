import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAuditError } from '../../src/errors.js';
import { resolveStateDir } from '../../src/state/index.js';

const env = { HOME: '/home/ops' };

describe('resolveStateDir', () => {
  it('defaults to ~/.local/state/audit-watch with one readable, hashed directory per config', () => {
    const dir = resolveStateDir({ configPath: '/etc/audit/Prod Account.yaml', env });
    expect(dir).toMatch(/^\/home\/ops\/\.local\/state\/audit-watch\/prod-account-[0-9a-f]{12}$/);
    expect(resolveStateDir({ configPath: '/etc/audit/Prod Account.yaml', env })).toBe(dir);
    // Same file name elsewhere is another config.
    expect(resolveStateDir({ configPath: '/srv/audit/Prod Account.yaml', env })).not.toBe(dir);
  });

  it('resolves a relative config path first, so cron and a shell agree', () => {
    const viaRelative = resolveStateDir({ configPath: 'audit.yaml', env, cwd: '/srv/audit' });
    expect(viaRelative).toBe(resolveStateDir({ configPath: '/srv/audit/audit.yaml', env, cwd: '/' }));
  });

  it('uses an absolute XDG_STATE_HOME and ignores a relative one', () => {
    expect(resolveStateDir({ configPath: null, env: { ...env, XDG_STATE_HOME: '/var/state' } })).toBe('/var/state/audit-watch/default');
    expect(resolveStateDir({ configPath: null, env: { ...env, XDG_STATE_HOME: 'state' } })).toBe(
      '/home/ops/.local/state/audit-watch/default',
    );
  });

  it('puts the per-config directory under a configured state.dir, relative to the config file', () => {
    const abs = resolveStateDir({ configuredDir: '/var/lib/audit', configPath: '/etc/audit/a.yaml', env });
    expect(abs).toMatch(/^\/var\/lib\/audit\/a-[0-9a-f]{12}$/);
    const rel = resolveStateDir({ configuredDir: 'state', configPath: '/etc/audit/a.yaml', env, cwd: '/tmp' });
    expect(rel).toMatch(/^\/etc\/audit\/state\/a-[0-9a-f]{12}$/);
    expect(resolveStateDir({ configuredDir: '~/st', configPath: null, env })).toBe('/home/ops/st/default');
    expect(resolveStateDir({ configuredDir: 'st', configPath: null, env, cwd: '/w' })).toBe(join('/w', 'st', 'default'));
  });

  it('falls back to a neutral slug for a name with nothing readable in it', () => {
    expect(resolveStateDir({ configPath: '/etc/audit/配置.yaml', env })).toMatch(/\/config-[0-9a-f]{12}$/);
  });

  it('fails with E_STATE when there is no home to default to', () => {
    let caught: unknown;
    try {
      resolveStateDir({ configPath: null, env: {} });
    } catch (err) {
      caught = err;
    }
    expect(isAuditError(caught, 'E_STATE')).toBe(true);
    expect((caught as Error).message).toMatch(/^state\.dir: /);
  });
});
