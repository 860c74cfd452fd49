import type { AuditEvent } from '../../events/index.js';
import { AuditError } from '../../errors.js';
import { createLimit, sliceEvents, SliceQueue } from '../listing.js';
import type { FetchOptions, Source, SourceContext, TimeRange } from '../types.js';
import { createCaller, DEFAULT_RETRY_DELAYS, type Call, type RetryDelays } from './caller.js';
import { endpointOf, loadSdk, rpcClient, STS_VERSION, type RpcCall } from './client.js';
import { alibabaCredentials } from './credentials.js';
import { normalizeAlibabaRecord } from './normalize.js';
import type { AlibabacloudOptions } from './options.js';
import { listQuery, splitRange, type Slice } from './pages.js';

/** Knobs for callers that are not part of the config file: tests make retries instant. */
export interface AlibabaSourceContext extends SourceContext {
  retryDelays?: RetryDelays;
  /** Listings (slices × pushed-down names) in flight per fetch; default 2, what one region's 2 calls/s keep busy. */
  concurrency?: number;
}

const PREFIX = 'alibabacloud/';
const STS_LANE = 'alibabacloud/sts';
export const DEFAULT_STS_HOST = 'sts.aliyuncs.com';
export const defaultHost = (region: string) => `actiontrail.${region}.aliyuncs.com`;

function byTime(a: AuditEvent, b: AuditEvent): number {
  return a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The keys' account, asked once: partitions are named by it before anything is fetched. */
async function callerAccount(call: Call): Promise<string> {
  try {
    const res = await call(STS_LANE, 'GetCallerIdentity', STS_VERSION, {});
    const id = typeof res?.AccountId === 'string' || typeof res?.AccountId === 'number' ? String(res.AccountId) : '';
    if (!/^\d+$/.test(id)) throw new AuditError('E_SOURCE', `${STS_LANE}: GetCallerIdentity answered without an AccountId`);
    return id;
  } catch (err) {
    if (!(err instanceof AuditError)) throw err;
    throw new AuditError(err.code, `${err.message}; give the source's account to skip this lookup`, { cause: err });
  }
}

export async function createAlibabaSource(opts: AlibabacloudOptions, ctx: AlibabaSourceContext): Promise<Source> {
  const sdk = await loadSdk();
  const credentials = alibabaCredentials(opts.credentials, ctx.env);
  const regionOf = new Map<string, string>();
  const clients = new Map<string, RpcCall>();
  // One client per lane: each region has its own host, STS another.
  const clientFor = (lane: string): RpcCall => {
    let client = clients.get(lane);
    if (!client) {
      const endpoint = lane === STS_LANE ? endpointOf(opts.stsEndpoint, DEFAULT_STS_HOST) : endpointOf(opts.endpoint, defaultHost(regionOf.get(lane)!));
      client = rpcClient(sdk, endpoint, credentials.get(), opts.timeout);
      clients.set(lane, client);
    }
    return client;
  };
  const caller = createCaller({
    clientFor,
    maxRequestsPerSecond: opts.maxRequestsPerSecond,
    maxAttempts: opts.maxAttempts,
    delays: ctx.retryDelays ?? DEFAULT_RETRY_DELAYS,
    logger: ctx.logger,
  });
  const account = opts.account ?? (await callerAccount(caller.call));
  for (const region of opts.regions) regionOf.set(`${PREFIX}${account}/${region}`, region);
  const partitions = [...regionOf.keys()];
  const concurrency = Math.max(1, ctx.concurrency ?? 2);
  const closing = new AbortController();
  const names: (string | undefined)[] = opts.eventNames?.length ? [...new Set(opts.eventNames)] : [undefined];
  ctx.logger.debug({ account, regions: opts.regions, endpoint: opts.endpoint ?? 'https://actiontrail.<region>.aliyuncs.com', credentials: credentials.origin }, 'ActionTrail source ready');

  async function* fetch(partition: string, range: TimeRange, options: FetchOptions = {}): AsyncGenerator<AuditEvent[]> {
    const region = regionOf.get(partition);
    if (region === undefined) throw new AuditError('E_SOURCE', `${partition}: not a partition of this source (${partitions.join(', ')})`);
    const stop = new AbortController();
    const signal = AbortSignal.any([stop.signal, closing.signal, ...(options.signal ? [options.signal] : [])]);
    const limit = createLimit(concurrency);
    let pages = 0;
    let received = 0;
    const arrival = options.order === 'arrival';
    const slices = splitRange(range, concurrency, ctx.now().getTime());
    // The API lists each slice newest first; in arrival order the slices follow suit.
    if (arrival) slices.reverse();
    const queues = slices.map((slice) => {
      const queue = new SliceQueue(names.length);
      for (const eventName of names) {
        const listing = limit(() =>
          listQuery(caller.call, { partition, slice, eventName }, {
            logger: ctx.logger,
            signal,
            onPage: (page) => {
              queue.push(page);
              pages++;
              received += page.length;
              options.onProgress?.({ partition, pages, events: received });
            },
            beforeNext: () => queue.ready(signal),
          }),
        );
        // Surfaced when the slice's turn comes; a later slice must not crash the process first.
        listing.then(() => queue.finish(), (err) => queue.finish(err ?? new Error('listing failed')));
      }
      return { slice, queue };
    });

    const seen = new Set<string>();
    const warn = (msg: string) => ctx.logger.warn({ partition }, msg);
    // Only the slice's own [start, end): the API was asked up to the second after it.
    const normalize = (records: unknown[], slice: Slice): AuditEvent[] => {
      const events: AuditEvent[] = [];
      for (const record of records) {
        try {
          const e = normalizeAlibabaRecord(record, { region, account, warn });
          const t = Date.parse(e.time);
          if (t < slice.startMs || t >= slice.endMs || seen.has(e.id)) continue;
          seen.add(e.id);
          events.push(e);
        } catch (err) {
          warn(`skipped an ActionTrail record: ${(err as Error).message}`);
          ctx.skipped?.((err as Error).message);
        }
      }
      return events.sort(byTime);
    };
    try {
      for (const { slice, queue } of queues) {
        if (arrival) queue.pace();
        yield* sliceEvents(queue, arrival, (records) => normalize(records, slice));
      }
    } finally {
      stop.abort();
    }
  }

  return {
    partitions: () => [...partitions],
    fetch,
    stats: caller.stats,
    async close() {
      closing.abort();
    },
  };
}
