import { afterEach, describe, expect, it } from 'vitest';
import { spreadActionTrailEvents, TEST_ACCOUNT_ID } from '../../helpers/actiontrail-emulator/index.js';
import { alibabaHarness, at, hour, HOUR, T0, type AlibabaHarness } from './harness.js';

let h: AlibabaHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const PARTITION = `alibabacloud/${TEST_ACCOUNT_ID}/cn-hangzhou`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("alibabacloud source: order 'arrival'", () => {
  it('hands over each page as it comes (newest page first, sorted within), fetching the next only when asked', async () => {
    h = await alibabaHarness({ account: TEST_ACCOUNT_ID }, { events: spreadActionTrailEvents(137, { start: T0, end: at(HOUR) }) });
    const it = h.source.fetch(PARTITION, hour, { order: 'arrival' })[Symbol.asyncIterator]();
    const served = () => h!.emu.served('LookupEvents').length;

    const first = await it.next();
    expect(first.value).toHaveLength(50);
    const times = (first.value as { time: string }[]).map((e) => e.time);
    expect(times).toEqual([...times].sort());
    // The reader has not asked again: the second page waits, well past the 2/s pacing.
    await sleep(800);
    expect(served()).toBe(1);

    const second = await it.next();
    expect(second.value).toHaveLength(50);
    expect((second.value as { time: string }[]).at(-1)!.time < times[0]).toBe(true);
    expect(served()).toBe(2);

    // A reader that stops (| head, --limit) leaves nothing more to fetch.
    await it.return?.(undefined);
    await sleep(800);
    expect(served()).toBe(2);
    expect(h.emu.requests.filter((r) => r.action === 'LookupEvents')).toHaveLength(2);
  });

  it('gives every event once across pages, all batches together the whole range', async () => {
    h = await alibabaHarness({ account: TEST_ACCOUNT_ID }, { events: spreadActionTrailEvents(137, { start: T0, end: at(HOUR) }) });
    const sizes: number[] = [];
    const ids = new Set<string>();
    for await (const batch of h.source.fetch(PARTITION, hour, { order: 'arrival' })) {
      sizes.push(batch.length);
      for (const e of batch) ids.add(e.id);
    }
    expect(sizes).toEqual([50, 50, 37]);
    expect(ids.size).toBe(137);
  });
});
