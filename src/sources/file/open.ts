import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { AuditError } from '../../errors.js';

export interface OpenedInput {
  /** Decompressed bytes. */
  chunks: AsyncIterable<Buffer>;
  /** Releases the file early when the reader stops before the end; stdin is left alone. */
  close(): void;
}

const CHUNK = 256 * 1024;

function toBuffer(chunk: Buffer | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

async function openFile(path: string): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot open (${code ?? 'error'})`;
    // A file that cannot be opened is a mistake in the command (exit 2), not a run-time failure.
    throw new AuditError('E_USAGE', `${path}: ${why}`, { cause: err });
  }
  if ((await fh.stat()).isDirectory()) {
    await fh.close();
    throw new AuditError('E_USAGE', `${path}: is a directory`);
  }
  return fh;
}

function readError(label: string, err: unknown): AuditError {
  if (err instanceof AuditError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const why = code.startsWith('Z_') ? 'gzip data is corrupt or truncated' : `cannot read (${code || (err as Error).message})`;
  return new AuditError('E_INPUT', `${label}: ${why}`, { cause: err });
}

/** Gzip is recognised by its magic bytes, never by the file name: `zcat`-less pipes work too. */
async function* decompressed(raw: AsyncIterable<Buffer | string>, label: string, chunkSize: number): AsyncGenerator<Buffer> {
  const it = raw[Symbol.asyncIterator]();
  let head: Buffer = Buffer.alloc(0);
  let ended = false;
  try {
    while (head.length < 2) {
      const r = await it.next();
      if (r.done) {
        ended = true;
        break;
      }
      head = head.length === 0 ? toBuffer(r.value) : Buffer.concat([head, toBuffer(r.value)]);
    }
    async function* rest(): AsyncGenerator<Buffer> {
      if (head.length > 0) yield head;
      if (ended) return;
      for (let r = await it.next(); !r.done; r = await it.next()) yield toBuffer(r.value);
    }
    if (head[0] !== 0x1f || head[1] !== 0x8b) {
      yield* rest();
      return;
    }
    const gunzip = createGunzip({ chunkSize });
    const feed = Readable.from(rest(), { objectMode: false });
    // Failures surface through the iteration below; this only keeps the promise handled.
    const piping = pipeline(feed, gunzip).catch(() => undefined);
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
    } finally {
      gunzip.destroy();
      feed.destroy();
      await piping;
    }
  } catch (err) {
    throw readError(label, err);
  }
}

/** `chunkSize`: smaller when only the first record is wanted (ordering a directory's files). */
export async function openInput(input: string, stdin: NodeJS.ReadableStream, label: string, chunkSize = CHUNK): Promise<OpenedInput> {
  if (input === '-') {
    return { chunks: decompressed(stdin as AsyncIterable<Buffer | string>, label, chunkSize), close: () => {} };
  }
  const fh = await openFile(input);
  const stream = fh.createReadStream({ highWaterMark: chunkSize });
  return {
    chunks: decompressed(stream, label, chunkSize),
    close: () => {
      stream.destroy();
    },
  };
}
