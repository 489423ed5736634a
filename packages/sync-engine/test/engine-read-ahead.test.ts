import { describe, expect, it } from 'vitest';
import {
  MemoryStateStore,
  type SinkTable,
  type SourceReadRequest,
  type SyncSink,
  type SyncSource,
} from '../src/index.js';
import { drive, keyCounts, MemorySource, type Order, seedOrders, type World, world } from './helpers.js';

/** A source over `inner` that records each read request and what happened, in order, in `events`. */
function recordingSource(inner: MemorySource<Order>, events: string[], readsAhead: boolean) {
  const requests: SourceReadRequest[] = [];
  const source: SyncSource<Order> = {
    readsAhead,
    read: (request) => {
      requests.push(request);
      events.push(`read since ${request.since ?? '-'}`);
      return inner.read(request);
    },
  };
  return { source, requests };
}

/** The world's sink with a set-up that takes 5 s (a Power BI token and dataset look-up), logged in `events`. */
function slowSetupSink(w: World, events: string[], fail?: Error): SyncSink {
  return {
    ensureTables: async (tables: readonly SinkTable[]) => {
      events.push('set-up started');
      await w.clock.sleep(5_000);
      if (fail) throw fail;
      await w.sink.ensureTables(tables);
      events.push('set-up done');
    },
    post: (request) => w.sink.post(request),
    countBatch: (request) => w.sink.countBatch(request),
    clear: (request) => w.sink.clear(request),
  };
}

/** A source whose pages are logged in `events` (the page index as the read asks for it). */
function loggedPages(events: string[]): MemorySource<Order> {
  return new MemorySource<Order>({ pageSize: 50, onPage: (page) => void events.push(`page ${page}`) });
}

/** A world whose orders source (`records` seeded, pages logged) is read through {@link recordingSource}. */
function readAheadWorld(records: number, readsAhead: boolean) {
  const w = world();
  const events: string[] = [];
  const inner = loggedPages(events);
  seedOrders(inner, records);
  return { w, events, inner, ...recordingSource(inner, events, readsAhead) };
}

describe('reading ahead of the run (SyncSource.readsAhead)', () => {
  it('asks for the first page while the sink is set up, and the run reads through that read', async () => {
    const { w, events, source, requests } = readAheadWorld(120, true);
    const sync = w.sync({ sink: slowSetupSink(w, events) }, { source });
    const [result] = await drive(w.clock, sync.run());
    expect(result).toMatchObject({ status: 'completed', recordsRead: 120, rowsPosted: 120 });
    // One read, started before the set-up ended; its window is the run's.
    expect(requests).toHaveLength(1);
    expect(events.indexOf('page 0')).toBeLessThan(events.indexOf('set-up done'));
    expect(requests[0]?.until).toBe(result && 'until' in result ? result.until : 'no result');
    expect(requests[0]?.signal?.aborted).toBe(false);
    expect([...keyCounts(w.sink).values()].every((n) => n === 1)).toBe(true);
    expect(keyCounts(w.sink).size).toBe(120);
  });

  it('is read only once the lease is held when the source does not allow reading ahead', async () => {
    const { w, events, source } = readAheadWorld(20, false);
    const [result] = await drive(w.clock, w.sync({ sink: slowSetupSink(w, events) }, { source }).run());
    expect(result).toMatchObject({ status: 'completed', rowsPosted: 20 });
    expect(events.slice(0, 3)).toEqual(['set-up started', 'set-up done', 'read since -']);
  });

  it('is dropped unread when the cursor moved before the run opened: the run reads from the new cursor', async () => {
    const { w, events, inner, source, requests } = readAheadWorld(30, true);
    // Worker A reads ahead from the empty cursor, then sets its sink up for 5 s; meanwhile worker B syncs 30 records
    // and 10 more arrive, so the cursor A opens with is B's.
    const a = w.sync(
      {
        owner: 'A',
        sink: slowSetupSink(w, events),
        store: new MemoryStateStore({ storage: w.storage, clock: w.clock }),
      },
      { source },
    );
    const runA = a.run();
    const b = w.sync({ owner: 'B' }, { source: inner });
    const [resultB] = await drive(w.clock, b.run());
    expect(resultB).toMatchObject({ status: 'completed', rowsPosted: 30 });
    seedOrders(inner, 10, 1, 30);
    const [resultA] = await drive(w.clock, runA);
    expect(resultA).toMatchObject({ status: 'completed', rowsPosted: 10 });
    expect(requests).toHaveLength(2);
    expect(requests[0]?.since).toBeUndefined();
    expect(requests[0]?.signal?.aborted).toBe(true);
    expect(requests[1]?.since).toBe(
      resultA && 'cursorBefore' in resultA ? resultA.cursorBefore?.stamp : 'none',
    );
    expect(keyCounts(w.sink).size).toBe(40);
    expect([...keyCounts(w.sink).values()].every((n) => n === 1)).toBe(true);
  });

  it('is dropped unread when the run does not read: the lease is held elsewhere, or the set-up failed', async () => {
    const { w, events, source, requests } = readAheadWorld(10, true);
    const other = new MemoryStateStore({ storage: w.storage, clock: w.clock });
    await other.open();
    const lease = await other.acquireLease({ name: 'orders', owner: 'someone else', ttlMs: 600_000 });
    expect(lease).toBeDefined();
    const [skipped] = await drive(w.clock, w.sync({ sink: slowSetupSink(w, events) }, { source }).run());
    expect(skipped).toMatchObject({ status: 'skipped', skippedReason: 'lease-held' });
    expect(requests[0]?.signal?.aborted).toBe(true);
    if (lease) await other.releaseLease(lease);

    // A set-up that fails fails the run with its own error, whatever the read ahead met.
    const failing = new MemorySource<Order>({
      onPage: () => {
        throw new Error('X3 unreachable');
      },
    });
    const { source: failingSource, requests: failed } = recordingSource(failing, events, true);
    const setupError = new Error('Power BI token refused');
    const run = w.sync({ sink: slowSetupSink(w, events, setupError) }, { source: failingSource }).run();
    expect(await drive(w.clock, run)).toEqual([{ stream: 'orders', error: setupError }]);
    expect(failed[0]?.signal?.aborted).toBe(true);
  });

  it("fails the run with the source's error when the run reads a read ahead that failed", async () => {
    const w = world();
    const events: string[] = [];
    const failing = new MemorySource<Order>({
      onPage: () => {
        throw new Error('X3 unreachable');
      },
    });
    const { source } = recordingSource(failing, events, true);
    const run = w.sync({ sink: slowSetupSink(w, events) }, { source }).run();
    const [outcome] = await drive(w.clock, run);
    expect(outcome).toMatchObject({ stream: 'orders', error: { message: 'X3 unreachable' } });
    // The set-up ran to its end first: the read's failure counted only when the run read it.
    expect(events).toEqual(['read since -', 'set-up started', 'set-up done']);
  });
});
