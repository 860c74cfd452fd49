/** At most `n` listings at once; the rest wait in the order they were started. */
export function createLimit(n: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active < n) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/**
 * The pages of one slice, from its listings (one per pushed-down query) to the reader. Until
 * the reader turns to the slice, its listings fetch ahead freely, so later slices are ready
 * when their turn comes; once it has and `paced` is set, a listing asks for its next page only
 * while the reader is waiting for one, so a reader that stops (`| head`, --limit) leaves
 * nothing more in flight for this slice.
 */
export class SliceQueue {
  private pages: unknown[][] = [];
  private running: number;
  private failure: { error: unknown } | undefined;
  private wakeReader: (() => void) | undefined;
  private readerWaiting = false;
  private demand: (() => void)[] = [];
  private paced = false;

  constructor(listings: number) {
    this.running = listings;
  }

  push(page: unknown[]): void {
    this.pages.push(page);
    this.wake();
  }

  /** A listing is over, or failed: the reader sees the first failure on its next take. */
  finish(error?: unknown): void {
    this.running--;
    if (error !== undefined) this.failure ??= { error };
    this.wake();
  }

  /** From now on the listings fetch only as fast as the reader takes (arrival order). */
  pace(): void {
    this.paced = true;
  }

  /** The next page in arrival order; undefined once every listing is over. */
  async take(): Promise<unknown[] | undefined> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      const page = this.pages.shift();
      if (page) return page;
      if (this.running === 0) return undefined;
      await new Promise<void>((resolve) => {
        this.wakeReader = resolve;
        this.readerWaiting = true;
        for (const go of this.demand.splice(0)) go();
      });
    }
  }

  /** Called by a listing before each further page: returns when the reader wants one. */
  async ready(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (!this.paced || this.readerWaiting) return;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.demand.push(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  private wake(): void {
    const wake = this.wakeReader;
    this.wakeReader = undefined;
    this.readerWaiting = false;
    wake?.();
  }
}

/**
 * One slice's events, as every provider hands them over: in arrival order each page as it comes
 * (the reader decides when the next is fetched); in time order the whole slice sorted once, since
 * slices tile the range oldest first and so yield the whole range in time order.
 */
export async function* sliceEvents<E>(queue: SliceQueue, arrival: boolean, normalize: (records: unknown[]) => E[]): AsyncIterable<E[]> {
  if (arrival) {
    for (let page = await queue.take(); page; page = await queue.take()) {
      const events = normalize(page);
      if (events.length > 0) yield events;
    }
    return;
  }
  const records: unknown[] = [];
  for (let page = await queue.take(); page; page = await queue.take()) records.push(...page);
  const events = normalize(records);
  if (events.length > 0) yield events;
}
