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

/**
 * Waits for 'drain', or for 'close'/'error' (the reader went away), then removes all three
 * listeners. Racing two events.once() calls instead left the loser's listeners on stdout, two
 * per backpressure stall, until Node warned about a listener leak on long outputs.
 */
function drainOrClose(stream: NodeJS.WritableStream): Promise<'drain' | 'close' | 'error'> {
  return new Promise((resolve) => {
    const done = (why: 'drain' | 'close' | 'error') => () => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      stream.off('error', onError);
      resolve(why);
    };
    const onDrain = done('drain');
    const onClose = done('close');
    const onError = done('error');
    stream.on('drain', onDrain);
    stream.on('close', onClose);
    stream.on('error', onError);
  });
}

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
    if (!stream.write(chunk) && (await drainOrClose(stream)) !== 'drain') closed = true;
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
