import { describe, expect, it } from 'vitest';
import { isSyncError, MemoryStateStore, type SyncSource } from '../src/index.js';
import { drive, keyCounts, type Order, seedOrders, world } from './helpers.js';

// The merge of the source's key list with the ledger (replace mode, reconcileDeletes). The ledger holds more than
// one scan page (1,000 entries), so judgements made on early pages would be staged before the list ends if the
// engine did not wait for it.
const N = 2_500;

/** A `replace` world with every order posted once and `reconcileDeletes` on. */
async function posted() {
  const w = world({ pageSize: 500 });
  seedOrders(w.source, N, 10);
  const stream = { mode: 'replace' as const, reconcileDeletes: true };
  await drive(w.clock, w.sync({}, stream).runStream('orders'));
  expect(keyCounts(w.sink).size).toBe(N);
  return { w, stream };
}

/** The source's keys() replaced by `keys` (reads stay the source's). */
function withKeys(source: SyncSource<Order>, keys: () => AsyncIterable<string>): SyncSource<Order> {
  return { read: (request) => source.read(request), keys };
}

const orderKey = (i: number) => `o${String(i).padStart(6, '0')}`;

describe('reconcileDeletes (replace mode)', () => {
  it('keeps the lease while a slow key listing outlasts its TTL', async () => {
    const { w, stream } = await posted();
    w.source.remove(orderKey(7));
    const rivalTakes: boolean[] = [];
    const keys = async function* () {
      let n = 0;
      for await (const key of w.source.keys()) {
        // 100 ms per key: listing 2,500 keys takes over 4 minutes, far beyond the 60 s lease.
        await w.clock.advance(100);
        if (++n % 500 === 0) {
          const rival = new MemoryStateStore({ storage: w.storage, clock: w.clock });
          await rival.open();
          rivalTakes.push(
            (await rival.acquireLease({ name: 'orders', owner: 'rival', ttlMs: 60_000 })) !== undefined,
          );
        }
        yield key;
      }
    };
    const result = await drive(
      w.clock,
      w
        .sync({ owner: 'worker', leaseTtlMs: 60_000 }, { ...stream, source: withKeys(w.source, keys) })
        .runStream('orders'),
    );
    expect(result).toMatchObject({ status: 'completed' });
    expect(rivalTakes).toHaveLength(4);
    expect(rivalTakes.every((took) => !took)).toBe(true);
    expect(keyCounts(w.sink).has(orderKey(7))).toBe(false);
    expect(keyCounts(w.sink).size).toBe(N - 1);
  });

  it('deletes exactly the keys the source no longer lists; keys only the source has are left alone', async () => {
    const { w, stream } = await posted();
    const gone = [3, 1_200, 2_499].map(orderKey);
    for (const key of gone) w.source.remove(key);
    const extra = ['a-not-in-ledger', 'o000003x', 'zzz'];
    const keys = async function* () {
      // The live keys plus keys the ledger never saw (interleaved, and after its last key).
      const all = [...(await collect(w.source.keys())), ...extra].sort();
      yield* all;
    };
    const result = await drive(
      w.clock,
      w.sync({}, { ...stream, source: withKeys(w.source, keys) }).runStream('orders'),
    );
    expect(result).toMatchObject({ status: 'completed' });
    const table = keyCounts(w.sink);
    expect(table.size).toBe(N - gone.length);
    for (const key of gone) expect(table.has(key)).toBe(false);
    for (const key of extra) expect(table.has(key)).toBe(false);
    expect([...table.values()].every((n) => n === 1)).toBe(true);
  });

  it('a keys() that throws after the first ledger page fails the run and deletes nothing', async () => {
    const { w, stream } = await posted();
    for (let i = 0; i < 300; i++) w.source.remove(orderKey(i * 3));
    const keys = async function* () {
      let n = 0;
      for await (const key of w.source.keys()) {
        if (++n === 1_900) throw new Error('X3 went away mid-listing');
        yield key;
      }
    };
    const failing = w.sync({}, { ...stream, source: withKeys(w.source, keys) });
    await expect(drive(w.clock, failing.runStream('orders'))).rejects.toThrow('X3 went away mid-listing');
    expect(keyCounts(w.sink).size).toBe(N);
    // Not even the snapshot (ledger) lost a key: judgements from the first ledger page were not staged.
    await w.store.open();
    expect(await w.store.countLedger('orders')).toBe(N);
    // The next run with a working list applies the deletions.
    await drive(w.clock, w.sync({}, stream).runStream('orders'));
    expect(keyCounts(w.sink).size).toBe(N - 300);
  });

  it.each([
    ['after the last ledger key', (keys: string[]) => [...keys, 'zz', 'zy']],
    // Every ledger key looks gone until the list is read on: the unchecked merge would empty the table.
    ['a key that sorts last, listed first', (keys: string[]) => ['zebra', ...keys]],
  ])(
    'a key list that is not strictly ascending (%s) fails with SYNC_SOURCE_KEYS_UNORDERED and deletes nothing',
    async (_label, alter) => {
      const { w, stream } = await posted();
      w.source.remove(orderKey(10));
      const keys = async function* () {
        yield* alter(await collect(w.source.keys()));
      };
      const error = await drive(
        w.clock,
        w.sync({}, { ...stream, source: withKeys(w.source, keys) }).runStream('orders'),
      ).catch((e: unknown) => e);
      expect(isSyncError(error, 'SYNC_SOURCE_KEYS_UNORDERED')).toBe(true);
      expect(keyCounts(w.sink).size).toBe(N);
    },
  );
});

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const key of iterable) out.push(key);
  return out;
}
