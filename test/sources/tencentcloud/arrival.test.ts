// order: 'arrival' (what `audit events` asks for): pages as they come, fetched only as fast as they are read.
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/events/index.js';
import { spreadEvents } from '../../helpers/emulator/index.js';
import { at, DAY, harness, HOUR, rejection, T0, type Harness } from './harness.js';

let h: Harness | undefined;
const open = async (...args: Parameters<typeof harness>) => (h = await harness(...args));
afterEach(async () => {
  await h?.source.close?.();
  await h?.emu.close();
  h = undefined;
});

const hour = { start: T0, end: at(HOUR) };
const P = 'tencentcloud/100000000001/ap-guangzhou';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(done: () => boolean, ms = 5_000) {
  for (const end = Date.now() + ms; !done() && Date.now() < end; ) await sleep(20);
}
const times = (batch: AuditEvent[]) => batch.map((e) => e.time);
const ascending = (batch: AuditEvent[]) => expect(times(batch)).toEqual(times(batch).sort());

// Ten days fetched as two slices: 5 + 5 days with two listings at a time, 7 + 3 with one
// (slices.ts); 120 events (3 pages) in each.
const tenDays = { start: T0, end: at(10 * DAY) };
const twoSlices = (split: number) => [...spreadEvents(120, { start: T0, end: at(split) }), ...spreadEvents(120, { start: at(split), end: tenDays.end })];
const newer = (split: number) => (r: { params: Record<string, unknown> }) => (r.params.StartTime as number) >= at(split).getTime() / 1000;

describe('tencentcloud source: pages in arrival order', () => {
  it('hands over each page as it comes, newest page first, in time order within each, every event once', async () => {
    const { emu, source } = await open({}, { events: spreadEvents(137, { start: T0, end: at(HOUR) }) });
    const batches: AuditEvent[][] = [];
    for await (const batch of source.fetch(P, hour, { order: 'arrival' })) batches.push(batch);

    expect(batches.map((b) => b.length)).toEqual([50, 50, 37]);
    for (const b of batches) ascending(b);
    // Newest first page by page: every event of a page is newer than every event of the next.
    for (let i = 1; i < batches.length; i++) expect(batches[i].at(-1)!.time < batches[i - 1][0].time).toBe(true);
    expect(new Set(batches.flat().map((e) => e.id)).size).toBe(137);
    expect(emu.requests.map((r) => r.eventCount)).toEqual([50, 50, 37]);
  });

  it('asks for the next page only when the reader wants one', async () => {
    const { emu, source } = await open({}, { events: spreadEvents(137, { start: T0, end: at(HOUR) }), latencyMs: 5 });
    const it = source.fetch(P, hour, { order: 'arrival' })[Symbol.asyncIterator]();
    expect((await it.next()).value).toHaveLength(50);
    await sleep(300); // at 20 calls/s the whole listing would be in by now
    expect(emu.requests).toHaveLength(1);
    expect((await it.next()).value).toHaveLength(50);
    await sleep(100);
    expect(emu.requests).toHaveLength(2);
    await it.return?.();
    await sleep(100);
    expect(emu.requests).toHaveLength(2);
  });

  it('starts with the newest slice and fetches older slices ahead while the reader is busy', async () => {
    const { emu, source } = await open({}, { events: twoSlices(5 * DAY) }, { concurrency: 2 });
    const inNewer = newer(5 * DAY);
    const it = source.fetch(P, tenDays, { order: 'arrival' })[Symbol.asyncIterator]();
    const first = (await it.next()).value as AuditEvent[];
    expect(first[0].time >= at(5 * DAY).toISOString()).toBe(true);
    await until(() => emu.requests.some((r) => !inNewer(r) && r.listOver === true));
    await sleep(100);
    // The slice being read waits for its reader; the older one is fetched to the end meanwhile.
    expect(emu.requests.filter(inNewer)).toHaveLength(1);
    expect(emu.requests.filter((r) => !inNewer(r)).map((r) => r.listOver)).toEqual([false, false, true]);

    const rest: AuditEvent[] = [...first];
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(...r.value);
    expect(new Set(rest.map((e) => e.id)).size).toBe(240);
    expect(emu.requests).toHaveLength(6);
  });

  it('a reader that stops leaves nothing in flight for the slice it was reading', async () => {
    const { emu, source } = await open({}, { events: twoSlices(7 * DAY), latencyMs: 20 }, { concurrency: 1 });
    for await (const batch of source.fetch(P, tenDays, { order: 'arrival' })) {
      ascending(batch);
      break;
    }
    await sleep(200);
    // concurrency 1: the older slice waited for the newer one's slot and never started.
    expect(emu.requests.map((r) => [newer(7 * DAY)(r), r.eventCount])).toEqual([[true, 50]]);
  });

  it('hands over the pages that came before a failure, then the failure', async () => {
    const { emu, source } = await open({ maxAttempts: 1 }, { events: spreadEvents(137, { start: T0, end: at(HOUR) }) });
    const got: AuditEvent[][] = [];
    const fetching = (async () => {
      for await (const batch of source.fetch(P, hour, { order: 'arrival' })) {
        got.push(batch);
        emu.failNext(1, { code: 'InternalError' });
      }
    })();
    expect(await rejection(fetching)).toMatchObject({ code: 'E_SOURCE' });
    expect(got.map((b) => b.length)).toEqual([50]);
  });

  it('time order (the default, for check) is unchanged: the whole slice, oldest first, in one batch', async () => {
    const { source } = await open({}, { events: spreadEvents(137, { start: T0, end: at(HOUR) }) });
    const batches: AuditEvent[][] = [];
    for await (const batch of source.fetch(P, hour)) batches.push(batch);
    expect(batches.map((b) => b.length)).toEqual([137]);
    ascending(batches[0]);
  });
});
