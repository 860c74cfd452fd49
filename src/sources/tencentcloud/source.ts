import type { AuditEvent } from '../../events/index.js';
import { AuditError } from '../../errors.js';
import type { FetchOptions, Source, SourceContext, TimeRange } from '../types.js';
import { openAccounts, type AccountWatch } from './accounts.js';
import { DEFAULT_RETRY_DELAYS, type RetryDelays } from './caller.js';
import { credentialSource } from './credentials.js';
import { normalizeTencentRecord } from './normalize.js';
import type { TencentcloudOptions } from './options.js';
import { createLimit, sliceEvents, SliceQueue } from '../listing.js';
import type { SessionCache } from './role-credentials.js';
import { listQuery } from './pages.js';
import { splitRange } from './slices.js';

/** Knobs for callers that are not part of the config file: tests make retries instant. */
export interface TencentSourceContext extends SourceContext {
  retryDelays?: RetryDelays;
  /** Listings (slices × pushed-down queries) in flight per fetch; default 4. */
  concurrency?: number;
  /** STS answers kept between sources; default the process's (role-credentials.ts). */
  sessions?: SessionCache;
}

export const DEFAULT_ENDPOINT = 'cloudaudit.tencentcloudapi.com';
const PREFIX = 'tencentcloud/';

/** `tencentcloud/<account>/<region>`: each account and region keeps its own checkpoint. */
export const partitionName = (account: string, region: string) => `${PREFIX}${account}/${region}`;

function byTime(a: AuditEvent, b: AuditEvent): number {
  return a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export async function createTencentSource(opts: TencentcloudOptions, ctx: TencentSourceContext): Promise<Source> {
  // Only the cloudaudit service module: the package root would load every Tencent product.
  const sdk: any = await import('tencentcloud-sdk-nodejs/tencentcloud/services/cloudaudit/index.js');
  // A CommonJS module: named export when Node loads it, `default` when it is bundled.
  const cloudaudit: typeof import('tencentcloud-sdk-nodejs/tencentcloud/services/cloudaudit/index.js').cloudaudit = sdk.cloudaudit ?? sdk.default.cloudaudit;
  const credentials = credentialSource(opts.credentials, ctx.env, opts.profile);
  const endpoint = opts.endpoint ? new URL(opts.endpoint) : undefined;
  const httpProfile = {
    reqMethod: 'POST' as const,
    endpoint: endpoint?.host ?? DEFAULT_ENDPOINT,
    protocol: endpoint ? `${endpoint.protocol}//` : 'https://',
    reqTimeout: opts.timeout / 1000,
  };
  const accounts = await openAccounts(opts, credentials, ctx, {
    newClient: (region, keys) => new cloudaudit.v20190319.Client({ credential: { getCredential: () => keys.get() }, region, profile: { httpProfile } }),
    delays: ctx.retryDelays ?? DEFAULT_RETRY_DELAYS,
  });
  const owners = new Map<string, { account: AccountWatch; region: string }>();
  for (const account of accounts) for (const region of opts.regions) owners.set(partitionName(account.id, region), { account, region });
  const partitions = [...owners.keys()];
  const concurrency = Math.max(1, ctx.concurrency ?? 4);
  const closing = new AbortController();
  ctx.logger.debug(
    { regions: opts.regions, accounts: accounts.map((a) => a.id), api: opts.api, endpoint: `${httpProfile.protocol}${httpProfile.endpoint}`, credentials: credentials.origin },
    'CloudAudit source ready',
  );

  // LookUpEvents documents no OR between conditions, so each name is its own listing;
  // DescribeEvents documents that several EventName values are OR-ed, so one listing takes all.
  const names = opts.eventNames;
  // LookUpEvents ANDs its attributes; DescribeEvents names these differently, so there they are not pushed down.
  const lookup = opts.lookup;
  const attributes =
    opts.api === 'LookUpEvents' && lookup
      ? [
          ...(lookup.username ? [{ AttributeKey: 'Username', AttributeValue: lookup.username }] : []),
          ...(lookup.accessKeyId ? [{ AttributeKey: 'AccessKeyId', AttributeValue: lookup.accessKeyId }] : []),
          ...(lookup.readOnly !== undefined ? [{ AttributeKey: 'ReadOnly', AttributeValue: String(lookup.readOnly) }] : []),
        ]
      : [];
  const queriesPerSlice: (string[] | undefined)[] = !names?.length ? [undefined] : opts.api === 'DescribeEvents' ? [names] : names.map((n) => [n]);

  async function* fetch(partition: string, range: TimeRange, options: FetchOptions = {}): AsyncGenerator<AuditEvent[]> {
    const owner = owners.get(partition);
    if (!owner) throw new AuditError('E_SOURCE', `${partition}: not a partition of this source (${partitions.join(', ')})`);
    const { account, region } = owner;
    const stop = new AbortController();
    const signal = AbortSignal.any([stop.signal, closing.signal, ...(options.signal ? [options.signal] : [])]);
    const limit = createLimit(concurrency);
    let pages = 0;
    let received = 0;
    const onPage = (records: unknown[]) => {
      pages++;
      received += records.length;
      options.onProgress?.({ partition, pages, events: received });
    };
    const arrival = options.order === 'arrival';
    const slices = splitRange(range, opts.api, concurrency);
    // The API lists each slice newest first; in arrival order the slices follow suit, so pages come newest first throughout.
    if (arrival) slices.reverse();
    const queues = slices.map((slice) => {
      const queue = new SliceQueue(queriesPerSlice.length);
      for (const eventNames of queriesPerSlice) {
        const listing = limit(() =>
          listQuery(account.call, { partition, region, api: opts.api, slice, eventNames, attributes }, {
            logger: ctx.logger,
            signal,
            onPage: (page) => {
              queue.push(page);
              onPage(page);
            },
            beforeNext: () => queue.ready(signal),
          }),
        );
        // Surfaced when the slice's turn comes; a later slice must not crash the process first.
        listing.then(() => queue.finish(), (err) => queue.finish(err ?? new Error('listing failed')));
      }
      return queue;
    });

    const seen = new Set<string>();
    const warn = (msg: string) => ctx.logger.warn({ partition }, msg);
    const normalize = (records: unknown[]): AuditEvent[] => {
      const events: AuditEvent[] = [];
      for (const record of records) {
        try {
          const e = normalizeTencentRecord(record, { region, warn });
          if (!seen.has(e.id)) {
            seen.add(e.id);
            events.push(e);
          }
        } catch (err) {
          warn(`skipped a CloudAudit record: ${(err as Error).message}`);
          ctx.skipped?.((err as Error).message);
        }
      }
      return events.sort(byTime);
    };
    try {
      for (const queue of queues) {
        if (arrival) queue.pace();
        yield* sliceEvents(queue, arrival, normalize);
      }
    } finally {
      stop.abort();
    }
  }

  return {
    partitions: () => [...partitions],
    fetch,
    // Before accounts were part of partition names, the credentials' own account was the only one.
    previousName: (partition) => {
      const owner = owners.get(partition);
      return owner && owner.account.index === undefined ? PREFIX + owner.region : undefined;
    },
    // CloudAudit calls only: STS is asked about once an hour, under quotas of its own.
    stats: () =>
      accounts.map((a) => a.stats()).reduce((x, y) => ({ apiCalls: x.apiCalls + y.apiCalls, retries: x.retries + y.retries }), { apiCalls: 0, retries: 0 }),
    async close() {
      closing.abort();
    },
  };
}
