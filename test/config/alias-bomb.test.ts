import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { AuditError } from '../../src/errors.js';
import { sandbox, stackLines, type Sandbox } from '../cli/run-cli.js';

/** "Billion laughs": nine levels of nine aliases, 9^9 strings once expanded. */
function aliasBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\nnotifiers: *i\n`;
}

describe('a YAML alias bomb is a config error', () => {
  it('parseConfig refuses it at once with E_CONFIG naming the file', () => {
    const started = Date.now();
    let err: unknown;
    try {
      parseConfig(aliasBomb(), {}, '/etc/audit/audit.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AuditError);
    expect((err as AuditError).code).toBe('E_CONFIG');
    expect((err as AuditError).message).toBe('/etc/audit/audit.yaml: invalid YAML');
    expect((err as AuditError).issues).toEqual([expect.stringMatching(/^\/etc\/audit\/audit\.yaml: YAML aliases expand too far/)]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a few aliases, as people write them, are fine', () => {
    const c = parseConfig('notifiers:\n  - { name: one, type: exec, command: &cmd ["/bin/true", "x"] }\n  - { name: two, type: exec, command: *cmd }\n', {}, 'a');
    expect(c.notifiers.map((n) => n.type === 'exec' && n.command)).toEqual([['/bin/true', 'x'], ['/bin/true', 'x']]);
  });
});

describe('through the CLI', () => {
  let box: Sandbox;
  beforeEach(async () => {
    box = await sandbox();
  });
  afterEach(() => box.cleanup());

  it('exit 2 naming the file, no stack, no hang', async () => {
    await writeFile(path.join(box.dir, 'bomb.yaml'), aliasBomb());
    for (const args of [['config', 'validate'], ['check', '--since', '5m']]) {
      const r = await box.run([...args, '--config', 'bomb.yaml'], { timeoutMs: 15_000 });
      expect(r.signal).toBeNull();
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`audit: ${path.join(box.dir, 'bomb.yaml')}: invalid YAML:`);
      expect(r.stderr).toContain('YAML aliases expand too far');
      expect(stackLines(r.stderr)).toEqual([]);
    }
  });

  it('a YAML syntax error stays exit 2', async () => {
    await writeFile(path.join(box.dir, 'broken.yaml'), 'source:\n  region: [unclosed\n');
    const r = await box.run(['config', 'validate', '--config', 'broken.yaml']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/broken\.yaml:\d+:\d+: /);
  });
});
