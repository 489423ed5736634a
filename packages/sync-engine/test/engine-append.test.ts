import { createNoopMeter, type Meter, type MeterProvider, metrics } from '@opentelemetry/api';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isSyncError, MemoryStateStore } from '../src/index.js';
import { drive, duplicates, keyCounts, seedOrders, stamp, world } from './helpers.js';

/** A memory store over the world's storage whose `countLedger` calls are counted (`counts.n`). */
function countingLedger(w: ReturnType<typeof world>): { store: MemoryStateStore; counts: { n: number } } {
  const store = new MemoryStateStore({ storage: w.storage, clock: w.clock });
  const counts = { n: 0 };
  const countLedger = store.countLedger.bind(store);
  store.countLedger = async (stream) => {
    counts.n += 1;
    return countLedger(stream);
  };
  return { store, counts };
}
describe('append mode', () => {
  it('posts every record once in batches of the batch size, with _batch on every row', async () => {
    const w = world();
    seedOrders(w.source, 250);
    const sync = w.sync();
    const [result] = await drive(w.clock, sync.run());
    expect(result).toMatchObject({ status: 'completed', recordsRead: 250, rowsPosted: 250, batches: 3 });
    const rows = w.sink.rows('Orders');
    expect(rows).toHaveLength(250);
    expect(new Set(rows.map((r) => r._batch)).size).toBe(3);
    expect(rows[0]).toMatchObject({ key: 'o000000', customer: 'c0', amount: 0, updatedAt: stamp(0) });
    expect(duplicates(w.sink)).toEqual([]);
    await w.store.open();
    expect(await w.store.getCursor('orders')).toEqual({ stamp: stamp(249), key: 'o000249' });
  });

  it('a second run with nothing new posts nothing and leaves the cursor exactly where it was', async () => {
    const w = world();
    seedOrders(w.source, 30);
    await drive(w.clock, w.sync().run());
    await w.store.open();
    const before = await w.store.getCursor('orders');
    const posts = w.sink.posts;
    await w.clock.advance(3_600_000);
    const [again] = await drive(w.clock, w.sync().run());
    expect(again).toMatchObject({ recordsRead: 1, recordsUnchanged: 1, rowsPosted: 0, batches: 0 });
    expect(w.sink.posts).toBe(posts);
    expect(await w.store.getCursor('orders')).toEqual(before);
    expect((await w.store.listOpenBatches()).length).toBe(0);
  });

  it('keeps equal-stamp groups intact across pages and batches (inclusive bound + ledger)', async () => {
    const w = world({ pageSize: 7 });
    // 5 stamps of 20 records each: every page and batch boundary cuts through a group.
    seedOrders(w.source, 100, 20);
    await drive(w.clock, w.sync({}, { batchSize: 15 }).run());
    expect(keyCounts(w.sink).size).toBe(100);
    expect(duplicates(w.sink)).toEqual([]);
    // More records arrive at the last stamp (the boundary instant) after the run: they are not lost.
    seedOrders(w.source, 5, 20, 95);
    for (let i = 100; i < 110; i++) {
      const key = `o${String(i).padStart(6, '0')}`;
      w.source.put(key, stamp(4), { key, updatedAt: stamp(4), customer: 'late', amount: 1 });
    }
    await drive(w.clock, w.sync({}, { batchSize: 15 }).run());
    expect(keyCounts(w.sink).size).toBe(110);
    expect(duplicates(w.sink)).toEqual([]);
  });

  it('audits a change to an already posted key once, and never re-posts it', async () => {
    const w = world();
    seedOrders(w.source, 10);
    await drive(w.clock, w.sync().run());
    w.source.put('o000003', stamp(500), {
      key: 'o000003',
      updatedAt: stamp(500),
      customer: 'changed',
      amount: 9,
    });
    const [r1] = await drive(w.clock, w.sync().run());
    const [r2] = await drive(w.clock, w.sync({}, { lookbackMs: 10 * 86_400_000 }).run());
    expect(r1).toMatchObject({ rowsPosted: 0 });
    expect(r2).toMatchObject({ rowsPosted: 0 });
    expect(keyCounts(w.sink).get('o000003')).toBe(1);
    await w.store.open();
    const audits = await w.store.queryAudit({ types: ['changed-after-post'] });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ stream: 'orders', key: 'o000003' });
  });

  it('writes the audit entries of many changed records in few store writes, each before the commit that records them', async () => {
    const w = world();
    seedOrders(w.source, 300);
    await drive(w.clock, w.sync().run());
    for (let i = 0; i < 300; i += 2) {
      const key = `o${String(i).padStart(6, '0')}`;
      w.source.put(key, stamp(500 + i), { key, updatedAt: stamp(500 + i), customer: 'changed', amount: i });
    }
    const store = new MemoryStateStore({ storage: w.storage, clock: w.clock });
    const writes: number[] = [];
    let audited = 0;
    const auditedAtCommits: number[] = [];
    const appendAudit = store.appendAudit.bind(store);
    store.appendAudit = async (entries) => {
      const changed = entries.filter((e) => e.type === 'changed-after-post').length;
      if (changed > 0) writes.push(changed);
      await appendAudit(entries);
      audited += changed;
    };
    const commitBatch = store.commitBatch.bind(store);
    store.commitBatch = async (...args) => {
      auditedAtCommits.push(audited);
      return commitBatch(...args);
    };
    const [result] = await drive(w.clock, w.sync({ store }, { batchSize: 100 }).run());
    expect(result).toMatchObject({ status: 'completed', rowsPosted: 0 });
    // One write per look-up chunk or batch, not one per record (each was a transaction: an fsync per record).
    expect(writes.length).toBeLessThanOrEqual(4);
    expect(writes.reduce((sum, n) => sum + n, 0)).toBe(150);
    // Each entry is durable before the batch holding its ledger write (seenHash) commits: the first batch holds the
    // first 100 changed records' entries, the second the other 50.
    expect(auditedAtCommits.slice(0, 2)).toEqual([100, 150]);
    await w.store.open();
    expect(await w.store.queryAudit({ types: ['changed-after-post'] })).toHaveLength(150);
  });

  it('counts the ledger for the size metric only after a run that committed something (or the first one)', async () => {
    // A host that registered a meter provider (this project's files share one module graph: set it, then drop it).
    metrics.disable();
    const histogram = { record: () => {} };
    metrics.setGlobalMeterProvider({
      getMeter: () =>
        Object.assign(Object.create(createNoopMeter()) as Meter, { createHistogram: () => histogram }),
    } as MeterProvider);
    onTestFinished(() => metrics.disable());
    const w = world();
    seedOrders(w.source, 30);
    const { store, counts } = countingLedger(w);
    const sync = w.sync({ store });
    await drive(w.clock, sync.run());
    expect(counts.n).toBe(1);
    // Nothing new: the size cannot have changed, and a count reads the whole ledger.
    await w.clock.advance(3_600_000);
    await drive(w.clock, sync.run());
    expect(counts.n).toBe(1);
    seedOrders(w.source, 5, 1, 30);
    await w.clock.advance(3_600_000);
    await drive(w.clock, sync.run());
    expect(counts.n).toBe(2);
    await drive(w.clock, sync.close());
  });

  it('never counts the ledger when no meter provider records the size metric', async () => {
    metrics.disable();
    const w = world();
    seedOrders(w.source, 30);
    const { store, counts } = countingLedger(w);
    const sync = w.sync({ store });
    await drive(w.clock, sync.run());
    seedOrders(w.source, 5, 1, 30);
    await w.clock.advance(3_600_000);
    const [second] = await drive(w.clock, sync.run());
    expect(second).toMatchObject({ status: 'completed', rowsPosted: 5 });
    // A count reads the whole ledger; with the API's no-op instruments its answer would go nowhere.
    expect(counts.n).toBe(0);
    await drive(w.clock, sync.close());
  });

  it('re-syncs 20k unchanged records (cursor reset) with 0 rows posted (100k: see the end-to-end suite)', async () => {
    const w = world({ pageSize: 10_000 });
    seedOrders(w.source, 20_000, 100);
    const sync = w.sync({}, { batchSize: 10_000 });
    await drive(w.clock, sync.run());
    expect(w.sink.rows('Orders')).toHaveLength(20_000);
    const posts = w.sink.posts;
    // Reset the cursor by hand (a new deployment that lost it): the ledger still knows every record.
    w.storage.cursors.clear();
    const [again] = await drive(w.clock, w.sync({}, { batchSize: 10_000 }).run());
    expect(again).toMatchObject({ recordsRead: 20_000, recordsUnchanged: 20_000, rowsPosted: 0 });
    expect(w.sink.posts).toBe(posts);
  }, 60_000);

  it('reads only up to now − safetyLag, fixed at run start; later rows are read next run', async () => {
    const w = world();
    const now = w.clock.now();
    const fresh = new Date(now - 30_000).toISOString(); // still inside the safety lag
    const old = new Date(now - 120_000).toISOString();
    w.source.put('old', old, { key: 'old', updatedAt: old, customer: 'a', amount: 1 });
    w.source.put('fresh', fresh, { key: 'fresh', updatedAt: fresh, customer: 'a', amount: 1 });
    const [r1] = await drive(w.clock, w.sync().run());
    expect(r1).toMatchObject({ recordsRead: 1, until: new Date(now - 60_000).toISOString() });
    expect([...keyCounts(w.sink).keys()]).toEqual(['old']);
    await w.clock.advance(60_000);
    await drive(w.clock, w.sync().run());
    expect([...keyCounts(w.sink).keys()].sort()).toEqual(['fresh', 'old']);
  });

  it('catches a record committed late with a stamp behind the cursor through the lookback window', async () => {
    const w = world();
    seedOrders(w.source, 10); // stamps minute 0..9
    await drive(w.clock, w.sync({}, { lookbackMs: 0 }).run());
    // Commit lag: a transaction stamped at minute 5 becomes visible only now.
    w.source.put('lagging', stamp(5, 500), {
      key: 'lagging',
      updatedAt: stamp(5, 500),
      customer: 'x',
      amount: 1,
    });
    await drive(w.clock, w.sync({}, { lookbackMs: 0 }).run());
    expect(keyCounts(w.sink).has('lagging')).toBe(false); // without lookback it is behind the cursor
    await drive(w.clock, w.sync({}, { lookbackMs: 10 * 60_000 }).run());
    expect(keyCounts(w.sink).get('lagging')).toBe(1);
    expect(duplicates(w.sink)).toEqual([]);
    await w.store.open();
    expect(await w.store.getCursor('orders')).toEqual({ stamp: stamp(9), key: 'o000009' });
  });

  it('handles a record updated while the run pages through the table', async () => {
    const w = world({ pageSize: 5 });
    seedOrders(w.source, 20);
    w.source.put('o000002', stamp(2), { key: 'o000002', updatedAt: stamp(2), customer: 'v1', amount: 1 });
    let bumped = false;
    const source = w.source;
    const original = source.read.bind(source);
    source.read = (request) => {
      const it = original(request);
      return (async function* () {
        let n = 0;
        for await (const item of it) {
          n += 1;
          if (n === 10 && !bumped) {
            bumped = true; // o000002 was read on page 1; now it changes and jumps to a later stamp
            source.put('o000002', stamp(15, 1), {
              key: 'o000002',
              updatedAt: stamp(15, 1),
              customer: 'v2',
              amount: 2,
            });
          }
          yield item;
        }
      })();
    };
    await drive(w.clock, w.sync().run());
    expect(keyCounts(w.sink).get('o000002')).toBe(1);
    expect(keyCounts(w.sink).size).toBe(20);
    await w.store.open();
    expect((await w.store.queryAudit({ types: ['changed-after-post'] })).map((a) => a.key)).toEqual([
      'o000002',
    ]);
  });

  it('a run is skipped while another holder has the stream lease', async () => {
    const w = world();
    seedOrders(w.source, 3);
    await w.store.open();
    await w.store.acquireLease({ name: 'orders', owner: 'someone-else', ttlMs: 60_000 });
    const [r] = await drive(w.clock, w.sync().run());
    expect(r).toMatchObject({ status: 'skipped', skippedReason: 'lease-held' });
    expect(w.sink.posts).toBe(0);
    await w.clock.advance(61_000);
    const [r2] = await drive(w.clock, w.sync().run());
    expect(r2).toMatchObject({ status: 'completed', rowsPosted: 3 });
  });

  it('a newer store schema is a loud error, not an empty store', async () => {
    const w = world();
    w.storage.meta = { schemaVersion: 99 };
    const [r] = await drive(w.clock, w.sync().run());
    expect(r).toMatchObject({ stream: 'orders' });
    expect((r as { error: { code: string } }).error.code).toBe('STORE_SCHEMA_NEWER');
    await expect(w.sync().runStream('orders')).rejects.toMatchObject({
      name: 'StateStoreError',
      code: 'STORE_SCHEMA_NEWER',
      message: expect.stringMatching(/schema version 99, .*; upgrade @mlc\/sync-engine$/),
    });
    expect(w.sink.posts).toBe(0);
  });

  it('rejects an unknown stream and bad configuration loudly', async () => {
    const w = world();
    await expect(w.sync().runStream('nope')).rejects.toSatisfy((e) => isSyncError(e, 'SYNC_STREAM_UNKNOWN'));
    expect(() => w.sync({}, { batchSize: 20_000 })).toThrow(/batchSize/);
    expect(() => w.sync({}, { table: { name: 'T', columns: { _batch: 'String' } } })).toThrow(/reserved/);
  });
});
