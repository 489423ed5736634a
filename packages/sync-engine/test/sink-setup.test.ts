import { describe, expect, it } from 'vitest';
import { MemoryStateStore, type SinkSetupNote, type SinkTable, type SyncSink } from '../src/index.js';
import { drive, keyCounts, seedOrders, world } from './helpers.js';

describe('sink set-up', () => {
  it('runs once per sink in a process and one worker at a time across workers sharing the store', async () => {
    const w = world();
    seedOrders(w.source, 50);
    let inFlight = 0;
    let maxInFlight = 0;
    let calls = 0;
    // A sink whose set-up takes a while (think: listing, then creating, a Power BI dataset).
    const slowSetup: SyncSink = {
      ensureTables: async (tables: readonly SinkTable[]) => {
        calls += 1;
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await w.clock.sleep(5_000);
        await w.sink.ensureTables(tables);
        inFlight -= 1;
      },
      post: (request) => w.sink.post(request),
      countBatch: (request) => w.sink.countBatch(request),
      clear: (request) => w.sink.clear(request),
    };
    const workerA = w.sync({
      owner: 'A',
      sink: slowSetup,
      store: new MemoryStateStore({ storage: w.storage, clock: w.clock }),
    });
    const workerB = w.sync({
      owner: 'B',
      sink: slowSetup,
      store: new MemoryStateStore({ storage: w.storage, clock: w.clock }),
    });
    await drive(w.clock, Promise.all([workerA.ready(), workerA.ready(), workerB.ready()]));
    expect(maxInFlight).toBe(1); // never two set-ups at once, whoever asks
    expect(calls).toBe(2); // once per worker: A's two callers shared one set-up
    const [result] = await drive(w.clock, workerB.run());
    expect(result).toMatchObject({ status: 'completed', rowsPosted: 50 });
    expect(calls).toBe(2);
    expect(keyCounts(w.sink).size).toBe(50);
  });

  it('hands a sink the note its last set-up left, in a new process over the same store, and keeps a new one', async () => {
    const w = world();
    const seen: Array<SinkSetupNote | undefined> = [];
    let next: SinkSetupNote = { generation: 1 };
    const noting = (): SyncSink => {
      let note: SinkSetupNote | undefined;
      return {
        ensureTables: async (tables, options) => {
          seen.push(options.lastSetup);
          await w.sink.ensureTables(tables);
          note = next;
        },
        setupNote: () => note,
        post: (request) => w.sink.post(request),
        countBatch: (request) => w.sink.countBatch(request),
        clear: (request) => w.sink.clear(request),
      };
    };
    // Each "process": a fresh engine, store object and sink, over the same storage.
    const start = () =>
      drive(
        w.clock,
        w
          .sync({ sink: noting(), store: new MemoryStateStore({ storage: w.storage, clock: w.clock }) })
          .ready(),
      );
    await start();
    await start();
    next = { generation: 2 };
    await start();
    await start();
    expect(seen).toEqual([undefined, { generation: 1 }, { generation: 1 }, { generation: 2 }]);
  });

  it('keeps one note per setupKey: two destinations with the same table names over one store do not overwrite', async () => {
    const w = world();
    const seen: Array<[string, SinkSetupNote | undefined]> = [];
    const keyed = (key: string): SyncSink => ({
      ensureTables: async (tables, options) => {
        seen.push([key, options.lastSetup]);
        await w.sink.ensureTables(tables);
      },
      setupKey: () => key,
      setupNote: () => ({ destination: key }),
      post: (request) => w.sink.post(request),
      countBatch: (request) => w.sink.countBatch(request),
      clear: (request) => w.sink.clear(request),
    });
    // Two companies' services starting in turn, each a fresh engine over the same storage.
    const start = (key: string) =>
      drive(
        w.clock,
        w
          .sync({ sink: keyed(key), store: new MemoryStateStore({ storage: w.storage, clock: w.clock }) })
          .ready(),
      );
    await start('acme');
    await start('globex');
    await start('acme');
    await start('globex');
    expect(seen).toEqual([
      ['acme', undefined],
      ['globex', undefined],
      ['acme', { destination: 'acme' }],
      ['globex', { destination: 'globex' }],
    ]);
  });

  it('confirms a complete set-up read-only (findSetup) without the set-up lease; else sets up under it', async () => {
    const w = world();
    seedOrders(w.source, 10);
    const calls: string[] = [];
    let complete = true;
    const finding = (): SyncSink => ({
      ensureTables: async (tables, options) => {
        calls.push(`ensure ${JSON.stringify(options.lastSetup)}`);
        await w.sink.ensureTables(tables);
      },
      findSetup: async (_tables, options) => {
        calls.push(`find ${JSON.stringify(options.lastSetup)}`);
        return complete;
      },
      setupNote: () => ({ done: true }),
      post: (request) => w.sink.post(request),
      countBatch: (request) => w.sink.countBatch(request),
      clear: (request) => w.sink.clear(request),
    });
    let setupLeases = 0;
    // Each "process": a fresh engine, store object and sink, over the same storage.
    const start = () => {
      const store = new MemoryStateStore({ storage: w.storage, clock: w.clock });
      const acquire = store.acquireLease.bind(store);
      store.acquireLease = async (request) => {
        if (request.name === 'mlc:sink-setup') setupLeases += 1;
        return acquire(request);
      };
      return drive(w.clock, w.sync({ sink: finding(), store }).run());
    };
    // No note yet: nothing to find, the set-up runs under the lease.
    await start();
    expect(calls).toEqual(['ensure undefined']);
    expect(setupLeases).toBe(1);
    // The note says the set-up is complete and the sink finds it so: no lease, no ensureTables.
    const [result] = await start();
    expect(result).toMatchObject({ status: 'completed', rowsPosted: 0 });
    expect(calls.slice(1)).toEqual(['find {"done":true}']);
    expect(setupLeases).toBe(1);
    // The sink finds the destination changed: ensureTables under the lease, with the note read again there.
    complete = false;
    await start();
    expect(calls.slice(2)).toEqual(['find {"done":true}', 'ensure {"done":true}']);
    expect(setupLeases).toBe(2);
  });
});
