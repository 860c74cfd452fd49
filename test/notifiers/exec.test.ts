import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeAlert } from './alerts.js';
import { build } from './setup.js';
import { alive } from '../helpers/process.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/notifiers/exec/', import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'audit-exec-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));


async function waitUntil(cond: () => boolean, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (cond()) return true;
  return cond();
}

describe('exec notifier', () => {
  it('passes hostile event text as literal arguments: nothing is run, nothing created or removed', async () => {
    const canary = join(dir, 'canary');
    writeFileSync(canary, 'still here');
    const hostile = [
      `$(touch ${dir}/p1)`,
      // Destructive payloads only ever aim inside the temp dir: if a regression ever ran them, the canary tells.
      `;touch ${dir}/p2; rm -rf ${canary}`,
      `\`touch ${dir}/p3\``,
      `line1\ntouch ${dir}/p4\n`,
      `| touch ${dir}/p5 && echo 'quoted "double"' > ${dir}/p6`,
    ].join(' ');
    const alert = makeAlert({ summary: hostile });
    alert.event.actor.name = `--help; touch ${dir}/p7`;
    const record = join(dir, 'record.json');
    const { notifier } = build(
      { type: 'exec', command: [process.execPath, fixture('record.mjs'), '{{summary}}', 'rule={{rule.id}} by {{actor.name}}', '{{sourceIp}}'] },
      { env: { ...process.env, RECORD_FILE: record } },
    );
    const [result] = await notifier.send([alert]);
    expect(result).toEqual({ alertId: 'a1', ok: true });
    const got = JSON.parse(readFileSync(record, 'utf8'));
    expect(got.argv).toEqual([hostile, `rule=resource-deletion by --help; touch ${dir}/p7`, '203.0.113.9']);
    for (const n of [1, 2, 3, 4, 5, 6, 7]) expect(existsSync(join(dir, `p${n}`))).toBe(false);
    expect(readFileSync(canary, 'utf8')).toBe('still here');
  });

  it('gives the child the alert JSON on stdin and AUDIT_* in its environment', async () => {
    const record = join(dir, 'record.json');
    const alert = makeAlert({ severity: 'critical', summary: 'root login from 198.51.100.7' });
    const { notifier } = build({ type: 'exec', command: [fixture('record.mjs')] }, { env: { ...process.env, RECORD_FILE: record } });
    const [result] = await notifier.send([alert]);
    expect(result.ok).toBe(true);
    const got = JSON.parse(readFileSync(record, 'utf8'));
    expect(JSON.parse(got.stdin)).toEqual(JSON.parse(JSON.stringify(alert)));
    expect(got.env).toEqual({
      AUDIT_RULE_ID: 'resource-deletion',
      AUDIT_SEVERITY: 'critical',
      AUDIT_SUMMARY: 'root login from 198.51.100.7',
      AUDIT_EVENT_ID: 'ev-a1',
      AUDIT_ACCOUNT: '100000000001',
      AUDIT_TIME: '2026-11-20 03:04:05 UTC',
      AUDIT_TEXT: '[CRITICAL] Resource deleted: root login from 198.51.100.7 (2026-11-20 03:04:05 UTC, account 100000000001)',
    });
  });

  it('reports a non-zero exit with the tail of stderr', async () => {
    const { notifier } = build({ type: 'exec', command: [process.execPath, fixture('fail.mjs')] });
    const [result] = await notifier.send([makeAlert()]);
    expect(result).toEqual({ alertId: 'a1', ok: false, error: 'exit code 3: cagent_tools: alarm quota exhausted' });
  });

  it('reports death by a signal', async () => {
    const { notifier } = build({ type: 'exec', command: [process.execPath, fixture('signal.mjs')] });
    const [result] = await notifier.send([makeAlert()]);
    expect(result).toEqual({ alertId: 'a1', ok: false, error: 'killed by SIGTERM' });
  });

  it('kills the whole process group at the timeout', async () => {
    const pidFile = join(dir, 'pids.json');
    const { notifier } = build(
      { type: 'exec', command: [process.execPath, fixture('hang.mjs')], timeout: '1500ms' },
      { env: { ...process.env, PID_FILE: pidFile } },
    );
    const [result] = await notifier.send([makeAlert()]);
    expect(result).toEqual({ alertId: 'a1', ok: false, error: 'timed out after 1500ms (process group killed)' });
    const { child, grandchild } = JSON.parse(readFileSync(pidFile, 'utf8'));
    expect(await waitUntil(() => !alive(child) && !alive(grandchild))).toBe(true);
  });

  it('does not hang when the program exits but something it left behind holds its output open', async () => {
    const pidFile = join(dir, 'pids.json');
    const { notifier } = build({ type: 'exec', command: [process.execPath, fixture('orphan.mjs')] }, { env: { ...process.env, PID_FILE: pidFile } });
    try {
      const [result] = await notifier.send([makeAlert()]);
      expect(result).toEqual({ alertId: 'a1', ok: true });
    } finally {
      const { helper } = JSON.parse(readFileSync(pidFile, 'utf8'));
      process.kill(helper, 'SIGKILL');
    }
  });

  it('reports a missing program', async () => {
    const { notifier } = build({ type: 'exec', command: ['/nonexistent/cagent_tools', 'alarm', '{{summary}}'] });
    const [result] = await notifier.send([makeAlert()]);
    expect(result).toEqual({ alertId: 'a1', ok: false, error: 'cannot run /nonexistent/cagent_tools: ENOENT' });
  });

  it('copes with a child that ignores a large stdin, and with NUL bytes in event text', async () => {
    const alert = makeAlert({ summary: 'nul\u0000inside' });
    alert.event.raw = { blob: 'x'.repeat(512 * 1024) };
    const { notifier } = build({ type: 'exec', command: [process.execPath, '-e', 'process.exit(0)', '{{summary}}'] });
    const [result] = await notifier.send([alert]);
    expect(result).toEqual({ alertId: 'a1', ok: true });
  });
});
