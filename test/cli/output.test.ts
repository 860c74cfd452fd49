import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { lineWriter } from '../../src/cli/output.js';

/** A reader slower than the writer: every write past a few bytes asks for a drain. */
function slowSink() {
  let text = '';
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk, _enc, done) {
      text += chunk.toString();
      setImmediate(done);
    },
  });
  return { stream, text: () => text };
}

describe('lineWriter', () => {
  it('waits out backpressure without leaving listeners behind', async () => {
    const sink = slowSink();
    const before = { close: sink.stream.listenerCount('close'), error: sink.stream.listenerCount('error'), drain: sink.stream.listenerCount('drain') };
    const out = lineWriter(sink.stream);
    const line = 'x'.repeat(70 * 1024); // every line fills a batch: one stall each
    for (let i = 0; i < 30; i++) await out.line(`${i} ${line}`);
    await out.flush();
    expect(sink.text().split('\n').filter(Boolean).map((l) => Number(l.split(' ')[0]))).toEqual([...Array(30).keys()]);
    // The writer's own EPIPE listener stays; nothing per stall does.
    expect(sink.stream.listenerCount('close')).toBe(before.close);
    expect(sink.stream.listenerCount('drain')).toBe(before.drain);
    expect(sink.stream.listenerCount('error')).toBe(before.error + 1);
  });

  it('treats a reader that went away as done, not as an error', async () => {
    const sink = slowSink();
    const out = lineWriter(sink.stream);
    const pending = out.line('y'.repeat(70 * 1024));
    sink.stream.destroy();
    await pending;
    expect(out.closed).toBe(true);
  });
});
