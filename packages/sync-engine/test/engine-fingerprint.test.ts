// Unchanged records skip the engine's work: a record whose raw fingerprint (keyed by the stream's version) the
// ledger already holds is counted unchanged without being mapped, checked or hashed; anything else takes the full path.
import { describe, expect, it } from 'vitest';
import { MemorySource } from '@mlc/sync-engine/testing';
import { preparesLazily } from '../src/engine/change-batcher.js';
import { contentHash } from '../src/ledger/content-hash.js';
import type { SourceItem, SourceReadRequest, StreamDefinition, SyncSource } from '../src/index.js';
import { MemoryStateStore } from '../src/index.js';
import { drive, duplicates, type Order, seedOrders, world } from './helpers.js';

/** Re-reads everything on every run (the lookback reaches before the first stamp). */
const FULL_REREAD = { lookbackMs: 365 * 86_400_000 };

function countingMap() {
  const counter = { calls: 0 };
  const map = (o: Order) => {
    counter.calls += 1;
    return { key: o.key, customer: o.customer, amount: o.amount as number, updatedAt: o.updatedAt };
  };
  return { counter, map };
}

async function ledgerOf(w: ReturnType<typeof world>) {
  await w.store.open();
  return w.store.scanLedger('orders', { limit: 1000 });
}

async function changedAfterPost(w: ReturnType<typeof world>) {
  await w.store.open();
  return w.store.queryAudit({ types: ['changed-after-post'] });
}

describe('ledger fingerprints', () => {
  it('an unchanged record is not mapped again; a changed one (same stamp) is mapped and posted', async () => {
    const w = world({ fingerprints: true });
    seedOrders(w.source, 20);
    const { counter, map } = countingMap();
    const stream: Partial<StreamDefinition<Order>> = { ...FULL_REREAD, map, mode: 'versioned' };
    const [first] = await drive(w.clock, w.sync({}, stream).run());
    expect(first).toMatchObject({ rowsPosted: 20 });
    expect(counter.calls).toBe(20);
    expect((await ledgerOf(w)).every((e) => typeof e.fingerprint === 'string')).toBe(true);

    const [again] = await drive(w.clock, w.sync({}, stream).run());
    expect(again).toMatchObject({ recordsRead: 20, recordsUnchanged: 20, rowsPosted: 0 });
    expect(counter.calls, 'no record was mapped again').toBe(20);

    const changed = w.source.get('o000007') as Order;
    w.source.put('o000007', changed.updatedAt, { ...changed, amount: 999 });
    const [third] = await drive(w.clock, w.sync({}, stream).run());
    expect(third).toMatchObject({ recordsUnchanged: 19, rowsPosted: 1 });
    expect(counter.calls).toBe(21);
    const posted = w.sink.rows('Orders').filter((row) => row.key === 'o000007');
    expect(posted.map((row) => [row._version, row.amount])).toEqual([
      [1, 10.5],
      [2, 999],
    ]);
  });

  it('a new stream version maps every record once again, posts nothing unchanged, and refreshes the fingerprints', async () => {
    const w = world({ fingerprints: true });
    seedOrders(w.source, 12);
    const { counter, map } = countingMap();
    await drive(w.clock, w.sync({}, { ...FULL_REREAD, map, version: 1 }).run());
    const before = new Map((await ledgerOf(w)).map((e) => [e.key, e.fingerprint]));
    const [bumped] = await drive(w.clock, w.sync({}, { ...FULL_REREAD, map, version: 2 }).run());
    expect(bumped).toMatchObject({ recordsUnchanged: 12, rowsPosted: 0 });
    expect(counter.calls, 'the version change voids every fingerprint').toBe(24);
    const after = await ledgerOf(w);
    expect(after.every((e) => e.fingerprint !== undefined && e.fingerprint !== before.get(e.key))).toBe(true);
    await drive(w.clock, w.sync({}, { ...FULL_REREAD, map, version: 2 }).run());
    expect(counter.calls, 'the refreshed fingerprints skip the records again').toBe(24);
    expect(w.sink.rows('Orders')).toHaveLength(12);
  });

  it('entries without a fingerprint (an older ledger, a source without them) take the full path, then get one', async () => {
    const w = world();
    seedOrders(w.source, 10);
    const { counter, map } = countingMap();
    await drive(w.clock, w.sync({}, { ...FULL_REREAD, map }).run());
    expect((await ledgerOf(w)).some((e) => e.fingerprint !== undefined)).toBe(false);
    const fingerprinted = new MemorySource<Order>({ pageSize: 50, fingerprints: true });
    seedOrders(fingerprinted, 10);
    const [r] = await drive(w.clock, w.sync({}, { ...FULL_REREAD, map, source: fingerprinted }).run());
    expect(r).toMatchObject({ recordsUnchanged: 10, rowsPosted: 0 });
    expect(counter.calls).toBe(20);
    await drive(w.clock, w.sync({}, { ...FULL_REREAD, map, source: fingerprinted }).run());
    expect(counter.calls).toBe(20);
    expect(duplicates(w.sink)).toEqual([]);
  });

  it('append mode: a record changed after posting is audited once, and its fingerprint follows what was read', async () => {
    const w = world({ fingerprints: true });
    seedOrders(w.source, 5);
    const { counter, map } = countingMap();
    const sync = () => w.sync({}, { ...FULL_REREAD, map });
    await drive(w.clock, sync().run());
    const original = w.source.get('o000002') as Order;
    w.source.put('o000002', original.updatedAt, { ...original, customer: 'changed' });
    await drive(w.clock, sync().run());
    await drive(w.clock, sync().run());
    expect(counter.calls, 'the changed record is mapped once, then skipped').toBe(6);
    expect(await changedAfterPost(w)).toHaveLength(1);
    // Back to the posted content: mapped again (another fingerprint), found equal to the posted hash, not posted.
    w.source.put('o000002', original.updatedAt, original);
    const [back] = await drive(w.clock, sync().run());
    expect(back).toMatchObject({ rowsPosted: 0, recordsUnchanged: 5 });
    expect(counter.calls).toBe(7);
    expect(await changedAfterPost(w)).toHaveLength(1);
    expect(w.sink.rows('Orders')).toHaveLength(5);
  });

  it('replace mode: refreshing fingerprints alone stages no snapshot, so the table is not rebuilt', async () => {
    const w = world();
    seedOrders(w.source, 8);
    await drive(w.clock, w.sync({}, { ...FULL_REREAD, mode: 'replace' }).run());
    const fingerprinted = new MemorySource<Order>({ pageSize: 50, fingerprints: true });
    seedOrders(fingerprinted, 8);
    const [r] = await drive(
      w.clock,
      w.sync({}, { ...FULL_REREAD, mode: 'replace', source: fingerprinted }).run(),
    );
    expect(r).toMatchObject({ recordsUnchanged: 8, rebuilt: false });
    expect((await ledgerOf(w)).every((e) => e.fingerprint !== undefined && e.rows !== undefined)).toBe(true);
    expect(w.sink.rows('Orders')).toHaveLength(8);
  });

  it('unvalidated records are validated only when their fingerprint is not in the ledger; invalid ones are quarantined', async () => {
    const w = world();
    seedOrders(w.source, 10);
    const validated: string[] = [];
    // A source that defers validation, as x3Source does: a negative amount is invalid.
    const lazy: SyncSource<Order> = {
      async *read(request: SourceReadRequest): AsyncIterable<SourceItem<Order>> {
        for await (const item of w.source.read(request)) {
          if (item.ok !== true) continue;
          const record = item.record;
          yield {
            ok: 'unvalidated',
            key: item.key,
            stamp: item.stamp,
            raw: record,
            fingerprint: contentHash(record),
            validate: () => {
              validated.push(item.key);
              return Number(record.amount) < 0
                ? {
                    ok: false,
                    key: item.key,
                    stamp: item.stamp,
                    raw: record,
                    field: 'amount',
                    reason: 'is negative',
                  }
                : { ok: true, key: item.key, stamp: item.stamp, record };
            },
          };
        }
      },
    };
    const stream = { ...FULL_REREAD, source: lazy };
    const [first] = await drive(w.clock, w.sync({}, stream).run());
    expect(first).toMatchObject({ rowsPosted: 10 });
    expect(validated).toHaveLength(10);
    const [again] = await drive(w.clock, w.sync({}, stream).run());
    expect(again).toMatchObject({ recordsUnchanged: 10, rowsPosted: 0 });
    expect(validated, 'unchanged records are not validated').toHaveLength(10);

    const broken = w.source.get('o000004') as Order;
    w.source.put('o000004', broken.updatedAt, { ...broken, amount: -1 });
    const [third] = await drive(w.clock, w.sync({}, stream).run());
    expect(third).toMatchObject({ recordsUnchanged: 9, recordsQuarantined: 1, rowsPosted: 0 });
    expect(validated.slice(10)).toEqual(['o000004']);
    const [letter] = await w.sync({}, stream).deadLetters({ stream: 'orders', status: ['open'] });
    expect(letter).toMatchObject({ key: 'o000004', stage: 'source', field: 'amount', reason: 'is negative' });
    expect(letter?.raw).toMatchObject({ amount: -1 });
  });

  it('over many look-up chunks: a first load prepares as it reads, a re-read keeps skipping unprepared records', async () => {
    expect(preparesLazily(undefined)).toBe(true);
    expect(preparesLazily({ seen: 0, held: 0 })).toBe(true);
    expect(preparesLazily({ seen: 1000, held: 0 })).toBe(false);
    expect(preparesLazily({ seen: 1000, held: 500 })).toBe(true);
    const w = world({ fingerprints: true, pageSize: 500 });
    seedOrders(w.source, 2500);
    const { counter, map } = countingMap();
    const stream = { ...FULL_REREAD, map, batchSize: 1000 };
    const [first] = await drive(w.clock, w.sync({}, stream).run());
    expect(first).toMatchObject({ rowsPosted: 2500 });
    expect(counter.calls).toBe(2500);
    const [again] = await drive(w.clock, w.sync({}, stream).run());
    expect(again).toMatchObject({ recordsUnchanged: 2500, rowsPosted: 0 });
    expect(counter.calls, 'every chunk of the re-read skipped its records unprepared').toBe(2500);
    expect(w.sink.rows('Orders')).toHaveLength(2500);
  });

  it('a source that asks which records the ledger holds, per page, gets the answer from one look-up per page', async () => {
    const w = world({ fingerprints: true });
    seedOrders(w.source, 2500);
    const { counter, map } = countingMap();
    /** The answers a source got, per page, and the store's look-ups (keys per call). */
    const answers: boolean[][] = [];
    const lookups: number[] = [];
    // Pages of 300 (look-up chunks are 1,000): the source asks about each page before yielding it.
    const asking: SyncSource<Order> = {
      async *read(request: SourceReadRequest): AsyncIterable<SourceItem<Order>> {
        let page: SourceItem<Order>[] = [];
        const flush = async () => {
          const asked = page.flatMap((i) =>
            i.ok === true && i.fingerprint ? [{ key: i.key, fingerprint: i.fingerprint }] : [],
          );
          if (request.holds) answers.push([...(await request.holds(asked))]);
          const out = page;
          page = [];
          return out;
        };
        for await (const item of w.source.read(request)) {
          page.push(item);
          if (page.length === 300) yield* await flush();
        }
        yield* await flush();
      },
    };
    const countingStore = () => {
      const store = new MemoryStateStore({ storage: w.storage, clock: w.clock });
      const lookup = store.lookupLedger.bind(store);
      store.lookupLedger = (stream, keys) => {
        lookups.push(keys.length);
        return lookup(stream, keys);
      };
      return store;
    };
    const stream = { ...FULL_REREAD, map, batchSize: 1000, mode: 'versioned' as const, source: asking };
    const [first] = await drive(w.clock, w.sync({ store: countingStore() }, stream).run());
    expect(first).toMatchObject({ rowsPosted: 2500 });
    expect(answers.flat().some((held) => held)).toBe(false);
    expect(lookups, 'one look-up per page, none per chunk').toEqual([
      300, 300, 300, 300, 300, 300, 300, 300, 100,
    ]);

    answers.length = 0;
    lookups.length = 0;
    const [again] = await drive(w.clock, w.sync({ store: countingStore() }, stream).run());
    expect(again).toMatchObject({ recordsUnchanged: 2500, rowsPosted: 0 });
    expect(answers.flat().every((held) => held)).toBe(true);
    expect(lookups).toEqual([300, 300, 300, 300, 300, 300, 300, 300, 100]);
    expect(counter.calls).toBe(2500);

    // A changed record is answered not held, and decided (posted) as without the question.
    const changed = w.source.get('o000007') as Order;
    w.source.put('o000007', changed.updatedAt, { ...changed, amount: 999 });
    answers.length = 0;
    const [third] = await drive(w.clock, w.sync({ store: countingStore() }, stream).run());
    expect(third).toMatchObject({ recordsUnchanged: 2499, rowsPosted: 1 });
    expect(answers.flat().filter((held) => !held)).toHaveLength(1);
    expect(counter.calls).toBe(2501);

    // A source that never asks (the contract's question is optional) reads as before: one look-up per chunk.
    lookups.length = 0;
    const plain = { ...stream, source: w.source };
    const [fourth] = await drive(w.clock, w.sync({ store: countingStore() }, plain).run());
    expect(fourth).toMatchObject({ recordsUnchanged: 2500, rowsPosted: 0 });
    expect(lookups).toEqual([1000, 1000, 500]);
    expect(counter.calls).toBe(2501);
  });

  it('the answer to a source counts what the run decided before it: a key read twice is not held the second time', async () => {
    const w = world({ fingerprints: true });
    seedOrders(w.source, 3);
    const stream = { ...FULL_REREAD, mode: 'versioned' as const };
    await drive(w.clock, w.sync({}, stream).run());
    const original = w.source.get('o000001') as Order;
    const answers: boolean[] = [];
    // Yields o000001 changed, then (in a later chunk) as the ledger held it before the run: its second reading is
    // asked about after the first was decided, and is not the ledger's state any more.
    const twice: SyncSource<Order> = {
      async *read(request: SourceReadRequest): AsyncIterable<SourceItem<Order>> {
        const items: SourceItem<Order>[] = [];
        for await (const item of w.source.read(request)) items.push(item);
        const old = items.find((i) => i.key === 'o000001')!;
        const newer: SourceItem<Order> = {
          ok: true,
          key: 'o000001',
          stamp: original.updatedAt,
          record: { ...original, amount: 1 },
          fingerprint: 'changed',
        };
        yield newer;
        for (let i = 0; i < 1000; i++) yield { ok: false, raw: i, reason: 'filler' };
        if (old.ok === true)
          answers.push(...(await request.holds!([{ key: old.key, fingerprint: old.fingerprint! }])));
        yield old;
      },
    };
    const [run] = await drive(w.clock, w.sync({}, { ...stream, source: twice }).run());
    expect(answers).toEqual([false]);
    expect(run).toMatchObject({ rowsPosted: 2 });
  });

  it('a look-up kept for a source follows a batch that settled after it: a key it saw before the batch is decided anew', async () => {
    const w = world({ fingerprints: true });
    seedOrders(w.source, 3);
    const stream = { ...FULL_REREAD, mode: 'versioned' as const, batchSize: 1 };
    await drive(w.clock, w.sync({}, stream).run());
    const original = w.source.get('o000001') as Order;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let posted!: () => void;
    const postReturned = new Promise<void>((resolve) => {
      posted = resolve;
    });
    // The first POST of the run (o000001 changed) waits for the gate, so it is still settling when the source asks.
    let posts = 0;
    const sink = Object.create(w.sink) as typeof w.sink;
    sink.post = async (request) => {
      if (posts++ === 0) await gate;
      const result = await w.sink.post(request);
      posted();
      return result;
    };
    const answers: boolean[] = [];
    const source: SyncSource<Order> = {
      async *read(request: SourceReadRequest): AsyncIterable<SourceItem<Order>> {
        const items: SourceItem<Order>[] = [];
        for await (const item of w.source.read(request)) items.push(item);
        const old = items.find((i) => i.key === 'o000001');
        if (old?.ok !== true) throw new Error('expected o000001');
        yield {
          ok: true,
          key: 'o000001',
          stamp: original.updatedAt,
          record: { ...original, amount: 1 },
          fingerprint: 'v1',
        };
        for (let i = 0; i < 999; i++) yield { ok: false, raw: i, reason: 'filler' };
        // o000001 (changed) is in a batch still settling: the store holds the run's first state of it.
        answers.push(...(await request.holds!([{ key: old.key, fingerprint: old.fingerprint! }])));
        open();
        await postReturned;
        for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
        // The batch settled: the kept look-up must follow it, or o000001 as read before the run looks unchanged.
        yield old;
      },
    };
    const [run] = await drive(w.clock, w.sync({ sink }, { ...stream, source }).run());
    expect(answers).toEqual([false]);
    expect(run).toMatchObject({ rowsPosted: 2 });
    const versions = w.sink.rows('Orders').filter((row) => row.key === 'o000001');
    expect(versions.map((row) => [row._version, row.amount])).toEqual([
      [1, original.amount],
      [2, 1],
      [3, original.amount],
    ]);
  });

  it('a source that throws while validating a deferred record fails the run as a source failure', async () => {
    const w = world();
    seedOrders(w.source, 3);
    const throwing: SyncSource<Order> = {
      async *read(request: SourceReadRequest): AsyncIterable<SourceItem<Order>> {
        for await (const item of w.source.read(request)) {
          if (item.ok !== true) continue;
          yield {
            ok: 'unvalidated',
            key: item.key,
            stamp: item.stamp,
            raw: item.record,
            fingerprint: contentHash(item.record),
            validate: () => {
              throw new Error('strict mode: record is invalid');
            },
          };
        }
      },
    };
    const sync = w.sync({}, { source: throwing });
    const phases: string[] = [];
    sync.on('run-failed', (event) => phases.push(event.phase));
    await drive(w.clock, sync.run()).catch(() => undefined);
    expect(phases).toEqual(['source']);
  });
});
