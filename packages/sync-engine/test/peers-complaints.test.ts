import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../src/index.js';
import { drive, duplicates, freezableStore, keyCounts, world } from './helpers.js';

// Rows of the complaints table in peers.md §7 not covered elsewhere, one test each.
describe('peers.md §7 complaints', () => {
  it('#7 #8 #9: sub-millisecond stamps round-trip as raw strings; no rounding loses or re-reads rows', async () => {
    const w = world({ pageSize: 2 });
    // Seven-digit fractions (SQL Server datetime2) that differ below the millisecond, cut by pages and batches.
    const stamps = [
      '2024-01-01T10:00:00.1234561Z',
      '2024-01-01T10:00:00.1234562Z',
      '2024-01-01T10:00:00.1234569Z',
      '2024-01-01T10:00:00.1239Z',
      '2024-01-01T10:00:00.124Z',
    ];
    for (const [i, s] of stamps.entries())
      w.source.put(`k${i}`, s, { key: `k${i}`, updatedAt: s, customer: 'c', amount: i });
    await drive(w.clock, w.sync({}, { batchSize: 2 }).run());
    await w.store.open();
    expect(await w.store.getCursor('orders')).toEqual({ stamp: '2024-01-01T10:00:00.124Z', key: 'k4' });
    // A record stamped 100 ns after the cursor: it is read (raw inclusive bound, nothing rounded away).
    w.source.put('late', '2024-01-01T10:00:00.1240001Z', {
      key: 'late',
      updatedAt: stamps[0] as string,
      customer: 'c',
      amount: 9,
    });
    const [r2] = await drive(w.clock, w.sync({}, { batchSize: 2 }).run());
    expect(r2).toMatchObject({ recordsRead: 2, rowsPosted: 1 }); // the boundary record and the new one, not everything
    const [r3] = await drive(w.clock, w.sync({}, { batchSize: 2 }).run());
    expect(r3).toMatchObject({ recordsRead: 1, rowsPosted: 0 }); // only the boundary: never re-read forever
    expect(keyCounts(w.sink).size).toBe(6);
    expect(duplicates(w.sink)).toEqual([]);
  });

  it('fencing: a worker whose lease was taken over cannot commit; the new holder finishes exactly once', async () => {
    const w = world();
    for (let i = 0; i < 150; i++) {
      const key = `o${String(i).padStart(6, '0')}`;
      const s = new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString();
      w.source.put(key, s, { key, updatedAt: s, customer: 'c', amount: i });
    }
    let stolen = false;
    const { store, freeze } = freezableStore(w);
    const hooks = {
      onProtocolStep: async (step: string) => {
        // The old worker stalls after posting batch 2 (a GC pause, a frozen VM: its heartbeat cannot renew
        // either) past its lease…
        if (step !== 'post-returned' || stolen) return;
        stolen = true;
        freeze(true);
        await w.clock.setTime(w.clock.now() + 10 * 60_000);
        freeze(false);
        // …and another worker takes the lease over.
        const other = new MemoryStateStore({ storage: w.storage, clock: w.clock });
        await other.open();
        expect(await other.acquireLease({ name: 'orders', owner: 'worker-2', ttlMs: 60_000 })).toBeDefined();
      },
    };
    const [first] = await drive(
      w.clock,
      w.sync({ hooks, owner: 'worker-1', leaseTtlMs: 60_000, store }).run(),
    );
    expect(['STORE_STALE_FENCE', 'SYNC_LEASE_LOST']).toContain(
      (first as { error: { code: string } }).error.code,
    );
    await w.clock.advance(61_000);
    const [second] = await drive(w.clock, w.sync({ owner: 'worker-3' }).run());
    expect(second).toMatchObject({ status: 'completed', intentsResolved: 1 });
    expect(keyCounts(w.sink).size).toBe(150);
    expect(duplicates(w.sink)).toEqual([]);
  });
});
