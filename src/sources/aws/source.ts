import type { AuditEvent } from '../../events/index.js';
import { AuditError } from '../../errors.js';
import { createLimit, sliceEvents, SliceQueue } from '../listing.js';
import type { FetchOptions, Source, SourceContext, TimeRange } from '../types.js';
import { resolveAccount } from './account.js';
import { createCaller, DEFAULT_RETRY_DELAYS, type RetryDelays } from './caller.js';
import { chooseCredentials, defaultChain } from './credentials.js';
import { normalizeAwsRecord } from './normalize.js';
import { MAX_PUSHED_NAMES, type AwsOptions } from './options.js';
import { daySlices, listQuery, type Slice } from './pages.js';

/** Knobs for callers that are not part of the config file: tests make retries instant. */
export interface AwsSourceContext extends SourceContext {
  retryDelays?: RetryDelays;
  /** Listings (day slices × pushed-down names) in flight per fetch; default 2, CloudTrail's rate. */
  concurrency?: number;
}

const PREFIX = 'aws/';

function byTime(a: AuditEvent, b: AuditEvent): number {
  return a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export async function createAwsSource(opts: AwsOptions, ctx: AwsSourceContext): Promise<Source> {
  const sdk: any = await import('@aws-sdk/client-cloudtrail');
  // A CommonJS module: named exports when Node loads it, under `default` when it is bundled.
  const { CloudTrailClient, LookupEventsCommand }: typeof import('@aws-sdk/client-cloudtrail') = sdk.CloudTrailClient ? sdk : sdk.default;
  const chosen = chooseCredentials(opts.credentials, ctx.env);
  // Retries are ours (p-retry, through the limiter), so the SDK makes one attempt per call.
  const clientOptions = {
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    maxAttempts: 1,
    // Without throwOnRequestTimeout the SDK only warns on the console and keeps waiting.
    requestHandler: { requestTimeout: opts.timeout, connectionTimeout: opts.timeout, throwOnRequestTimeout: true },
  };
  // Without keys, the SDK's default chain as a client resolves it, made once and shared by every
  // region and STS: one lookup of a profile or instance role, not one per client.
  const credentials = chosen.keys ?? defaultChain(CloudTrailClient, opts.regions[0]);
  const clients = new Map(opts.regions.map((region) => [region, new CloudTrailClient({ ...clientOptions, region, credentials })]));
  const destroy = () => clients.forEach((c) => c.destroy());

  let account = opts.account;
  try {
    account ??= await resolveAccount({ region: opts.regions[0], endpoint: opts.stsEndpoint ?? opts.endpoint, credentials, timeout: opts.timeout, maxAttempts: opts.maxAttempts });
  } catch (err) {
    destroy();
    throw err;
  }
  const caller = createCaller({
    lookup: (region, input, signal) => clients.get(region)!.send(new LookupEventsCommand(input), { abortSignal: signal }),
    maxRequestsPerSecond: opts.maxRequestsPerSecond,
    maxAttempts: opts.maxAttempts,
    delays: ctx.retryDelays ?? DEFAULT_RETRY_DELAYS,
    logger: ctx.logger,
  });
  const concurrency = Math.max(1, ctx.concurrency ?? 2);
  const regionOf = new Map(opts.regions.map((r) => [`${PREFIX}${account}/${r}`, r]));
  const closing = new AbortController();
  ctx.logger.debug({ account, regions: opts.regions, endpoint: opts.endpoint ?? 'default', credentials: chosen.origin }, 'CloudTrail source ready');

  // One name per request is all LookupEvents takes: a few names are a listing each, many are
  // cheaper as one listing of everything filtered here.
  const names = opts.eventNames;
  const pushDown = names !== undefined && names.length <= MAX_PUSHED_NAMES;
  const queriesPerSlice: (string | undefined)[] = pushDown ? names : [undefined];
  const wanted = names && !pushDown ? new Set(names) : undefined;

  async function* fetch(partition: string, range: TimeRange, options: FetchOptions = {}): AsyncGenerator<AuditEvent[]> {
    const region = regionOf.get(partition);
    if (region === undefined) throw new AuditError('E_SOURCE', `${partition}: not a partition of this source (${[...regionOf.keys()].join(', ')})`);
    const stop = new AbortController();
    const signal = AbortSignal.any([stop.signal, closing.signal, ...(options.signal ? [options.signal] : [])]);
    const limit = createLimit(concurrency);
    const arrival = options.order === 'arrival';
    let pages = 0;
    let received = 0;
    // The API lists newest first; in arrival order the days follow suit, so pages come newest first throughout.
    const slices = arrival ? daySlices(range).reverse() : daySlices(range);
    const startSlice = (slice: Slice): SliceQueue => {
      const queue = new SliceQueue(queriesPerSlice.length);
      // In arrival order a day ahead of the reader fetches its first page only, so `| head` leaves little in flight.
      if (arrival) queue.pace();
      for (const eventName of queriesPerSlice) {
        const listing = limit(() =>
          listQuery(caller.call, { partition, region, slice, eventName }, {
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
      return queue;
    };

    const seen = new Set<string>();
    const warn = (msg: string) => ctx.logger.warn({ partition }, msg);
    const normalize = (records: unknown[]): AuditEvent[] => {
      const events: AuditEvent[] = [];
      for (const record of records) {
        try {
          const e = normalizeAwsRecord(record, { region, account, warn });
          if (seen.has(e.id) || (wanted && !wanted.has(e.name))) continue;
          seen.add(e.id);
          events.push(e);
        } catch (err) {
          warn(`skipped a CloudTrail record: ${(err as Error).message}`);
          ctx.skipped?.((err as Error).message);
        }
      }
      return events.sort(byTime);
    };
    // Slices start only `concurrency` ahead of the reader, so a long backfill holds a few days, not all of it.
    const queues: SliceQueue[] = [];
    try {
      for (let i = 0; i < slices.length; i++) {
        for (let j = queues.length; j < Math.min(slices.length, i + concurrency); j++) queues.push(startSlice(slices[j]));
        yield* sliceEvents(queues[i], arrival, normalize);
      }
    } finally {
      stop.abort();
    }
  }

  return {
    partitions: () => [...regionOf.keys()],
    fetch,
    stats: caller.stats,
    async close() {
      closing.abort();
      destroy();
    },
  };
}
