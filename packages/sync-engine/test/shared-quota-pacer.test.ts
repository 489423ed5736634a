import { type QuotaStore, TestClock } from '@mlc/core';
import { DatasetPacer, resolvePacingOptions } from '@mlc/powerbi-push-client';
import { describe, expect, it } from 'vitest';
import {
  MemoryStateStore,
  type QuotaRequest,
  type SinkTable,
  type StateStore,
  type SyncSink,
} from '../src/index.js';
import { drive, seedOrders, world } from './helpers.js';

// The Power BI pacer over a state store's shared quota (§optional.quota): processes writing one dataset pace against
// one set of windows, and a restarted process resumes them instead of starting empty.

const START = Date.parse('2024-01-01T00:00:00Z');
const SCOPE = 'powerbi:dataset-1';

async function openedStore(clock: TestClock): Promise<StateStore & QuotaStore> {
  const store = new MemoryStateStore({ clock });
  await store.open();
  return store;
}

/** A pacer as one process has it, sharing `quota`. */
function processPacer(clock: TestClock, quota: QuotaStore): DatasetPacer {
  const pacer = new DatasetPacer(resolvePacingOptions({ windowMarginMs: 0 }), clock);
  pacer.share(quota, SCOPE);
  return pacer;
}

/** Acquires `count` slots one after another on `pacer`; returns the clock offsets of the grants. */
async function grants(
  clock: TestClock,
  pacer: DatasetPacer,
  count: number,
  table = 'T',
  rows = 1,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    await pacer.acquire(table, rows);
    times.push(clock.now() - START);
  }
  return times;
}

/** The most grants any rolling window of `ms` holds. */
function busiestWindow(times: readonly number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] as number) - (sorted[j] as number) >= ms) j += 1;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('shared quota: the Power BI pacer over the state store', () => {
  it('three processes together stay within 120 POSTs per rolling minute, and use all of it', async () => {
    const clock = new TestClock(START);
    const store = await openedStore(clock);
    const pacers = [0, 1, 2].map(() => processPacer(clock, store));
    const all = (await clock.run(Promise.all(pacers.map((p) => grants(clock, p, 100))))).flat();
    // Each alone would have sent its 100 at once: 300 in the first minute, 2.5 × the quota.
    expect(busiestWindow(all, 60_000)).toBe(120);
    expect(all.filter((t) => t === 0)).toHaveLength(120);
    expect(Math.max(...all)).toBe(120_000); // 300 grants: 120 at 0, 120 at 60 s, 60 at 120 s
  });

  it('a restarted process resumes the windows instead of starting empty', async () => {
    const clock = new TestClock(START);
    const store = await openedStore(clock);
    await clock.run(grants(clock, processPacer(clock, store), 120));
    await clock.advance(10_000);
    // The process restarts: a new pacer, the same store.
    const [first] = await clock.run(grants(clock, processPacer(clock, store), 1));
    expect(first).toBe(60_000);
  });

  it('a table another process saw pass 250,000 rows is paced at 120 POSTs per hour everywhere', async () => {
    const clock = new TestClock(START);
    const store = await openedStore(clock);
    const a = processPacer(clock, store);
    a.addTableRows('Big', 250_000);
    await a.settled();
    const times = await clock.run(grants(clock, processPacer(clock, store), 121, 'Big'));
    expect(times[119]).toBe(0);
    expect(times[120]).toBe(3_600_000);
  });

  it('a 429 pause reaches every process', async () => {
    const clock = new TestClock(START);
    const store = await openedStore(clock);
    processPacer(clock, store).pauseUntil(START + 30_000);
    const b = processPacer(clock, store);
    await new Promise((resolve) => setImmediate(resolve)); // the pause update is applied asynchronously
    const [first] = await clock.run(grants(clock, b, 1));
    expect(first).toBe(30_000);
  });

  it('the engine hands the store’s quota to the sink at set-up (and nothing when the store has none)', async () => {
    const seen: Array<QuotaStore | undefined> = [];
    for (const withQuota of [true, false]) {
      const w = world();
      seedOrders(w.source, 5);
      const store = new MemoryStateStore({ storage: w.storage, clock: w.clock });
      if (!withQuota) {
        Object.assign(store, { reserveQuota: undefined, updateQuota: undefined });
      }
      const sink: SyncSink = {
        ensureTables: async (tables: readonly SinkTable[], options) => {
          seen.push(options.quota);
          await w.sink.ensureTables(tables);
        },
        post: (request) => w.sink.post(request),
        countBatch: (request) => w.sink.countBatch(request),
        clear: (request) => w.sink.clear(request),
      };
      await drive(w.clock, w.sync({ sink, store }).ready());
    }
    expect(seen[1]).toBeUndefined();
    const quota = seen[0];
    expect(quota).toBeDefined();
    const request: QuotaRequest = {
      scope: 's',
      target: 't',
      units: 1,
      now: 0,
      windows: [{ ms: 1, maxRequests: 1 }],
    };
    expect(await quota?.reserveQuota(request)).toEqual({ reserved: true });
  });
});
