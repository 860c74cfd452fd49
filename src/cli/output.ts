import { once } from 'node:events';

/**
 * Buffered line writer for stdout. Batches small writes (a million NDJSON lines would otherwise
 * be a million syscalls), honours backpressure, and treats a closed pipe (`| head`) as the
 * reader being done rather than as an error.
 */
export interface LineWriter {
  line(text: string): Promise<void> | void;
  flush(): Promise<void>;
  readonly closed: boolean;
}

const BATCH = 64 * 1024;

export function lineWriter(stream: NodeJS.WritableStream): LineWriter {
  let buf = '';
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') closed = true;
    else throw err;
  });
  const push = async () => {
    if (closed || !buf) return;
    const chunk = buf;
    buf = '';
    if (!stream.write(chunk)) {
      // once() rejects when 'error' fires; a closed pipe is already recorded by the listener above.
      await Promise.race([once(stream, 'drain'), once(stream, 'close')]).catch(() => {
        closed = true;
      });
    }
  };
  return {
    get closed() {
      return closed;
    },
    line(text) {
      buf += text + '\n';
      if (buf.length >= BATCH) return push();
    },
    flush: push,
  };
}
