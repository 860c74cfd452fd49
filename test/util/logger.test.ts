import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/util/logger.js';
import { capture as captureStream } from '../notifiers/alerts.js';

function capture() {
  const stream = captureStream();
  return { stream, lines: () => stream.text().split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

describe('the JSON logger (pino-shaped lines without pino)', () => {
  it('writes level, time, bindings, fields and msg last, one JSON line per call', () => {
    const out = capture();
    createLogger('info', out.stream).child({ notifier: 'hook' }).info({ events: 0, apiCalls: 1 }, 'check done');
    const [line] = out.lines();
    expect(Object.keys(line)).toEqual(['level', 'time', 'notifier', 'events', 'apiCalls', 'msg']);
    expect(line).toMatchObject({ level: 'info', notifier: 'hook', events: 0, apiCalls: 1, msg: 'check done' });
    expect(new Date(line.time).toISOString()).toBe(line.time);
  });

  it('drops calls below its level and everything when silent', () => {
    const out = capture();
    const logger = createLogger('warn', out.stream);
    logger.info('no');
    logger.debug({ a: 1 }, 'no');
    logger.warn('yes');
    createLogger('silent', out.stream).error('no');
    expect(out.lines().map((l) => l.msg)).toEqual(['yes']);
  });

  it('blanks the secret-bearing keys at their paths without changing the caller\'s object', () => {
    const out = capture();
    const fields = { secretKey: 'a', source: { token: 'b', headers: { authorization: 'c' } }, deep: { x: { secret: 'd' } }, kept: 'e' };
    createLogger('info', out.stream).info(fields, 'x');
    const [line] = out.lines();
    expect(line.secretKey).toBe('[redacted]');
    expect(line.source).toEqual({ token: '[redacted]', headers: { authorization: '[redacted]' } });
    expect(line.deep.x.secret).toBe('[redacted]');
    expect(line.kept).toBe('e');
    expect(fields.source.token).toBe('b');
  });

  it('serializes errors with their type, message and stack, and survives cycles', () => {
    const out = capture();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const logger = createLogger('info', out.stream);
    logger.error({ err: new TypeError('boom'), cyclic }, 'failed');
    logger.warn(new Error('bare'));
    const [first, second] = out.lines();
    expect(first.err).toMatchObject({ type: 'TypeError', message: 'boom' });
    expect(first.err.stack).toContain('boom');
    expect(JSON.stringify(first.cyclic)).toContain('[Circular]');
    expect(second).toMatchObject({ msg: 'bare', err: { message: 'bare' } });
  });
});

describe('the JSON logger on a file descriptor', () => {
  it('writes whole lines to the descriptor', async () => {
    const { mkdtemp, readFile, rm } = await import('node:fs/promises');
    const { openSync, closeSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'audit-logger-'));
    const fd = openSync(join(dir, 'log'), 'w');
    const logger = createLogger('info', fd);
    for (let i = 0; i < 100; i++) logger.info({ i, pad: 'x'.repeat(1000) }, 'line');
    closeSync(fd);
    const lines = (await readFile(join(dir, 'log'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.i)).toEqual([...Array(100).keys()]);
    await rm(dir, { recursive: true, force: true });
  });
});
