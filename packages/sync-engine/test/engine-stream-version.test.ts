import { describe, expect, it } from 'vitest';
import { drive, duplicates, type Order, seedOrders, world } from './helpers.js';

const brokenMap = (o: Order) => ({ key: o.key, customer: o.customer, amount: 'L1', updatedAt: o.updatedAt });
const fixedMap = (o: Order) => ({
  key: o.key,
  customer: o.customer,
  amount: o.amount as number,
  updatedAt: o.updatedAt,
});

describe('stream version: fixing a mapping brings parked records back by itself', () => {
  it('a changed (derived) version replays the open record dead letters before new reads, once', async () => {
    const w = world();
    seedOrders(w.source, 12);
    const broken = w.sync({}, { map: brokenMap });
    expect((await drive(w.clock, broken.run()))[0]).toMatchObject({
      status: 'completed-with-quarantine',
      recordsQuarantined: 12,
    });
    expect(w.sink.rows('Orders')).toHaveLength(0);
    // Another run with the same definition replays nothing.
    await drive(w.clock, broken.run());
    expect(await broken.deadLetters({ stream: 'orders', status: ['open'] })).toHaveLength(12);

    seedOrders(w.source, 3, 1, 12);
    const fixed = w.sync({}, { map: fixedMap });
    const [r] = await drive(w.clock, fixed.run());
    expect(r).toMatchObject({ status: 'completed', recordsQuarantined: 0, rowsPosted: 15 });
    expect(w.sink.rows('Orders')).toHaveLength(15);
    expect(duplicates(w.sink)).toEqual([]);
    expect(await fixed.deadLetters({ stream: 'orders', status: ['open'] })).toEqual([]);
    const audit = await fixed.auditLog({ limit: 10_000 });
    const changed = audit.filter((e) => e.type === 'stream-version-changed');
    expect(changed).toHaveLength(1);
    expect(changed[0]?.data).toMatchObject({ deadLetters: 12 });
    // The replay happened before the new reads: its audit entry precedes the run's read.
    const types = audit.map((e) => e.type);
    expect(types.lastIndexOf('stream-version-changed')).toBeLessThan(types.lastIndexOf('run-started'));
    // A restart with the fixed definition posts nothing again.
    const [again] = await drive(w.clock, w.sync({}, { map: fixedMap }).run());
    expect(again).toMatchObject({ rowsPosted: 0 });
    expect(w.sink.rows('Orders')).toHaveLength(15);
  });

  it('a declared version decides: same version, no replay; a new one replays; still-invalid records stay parked', async () => {
    const w = world();
    seedOrders(w.source, 6);
    await drive(w.clock, w.sync({}, { map: brokenMap, version: 1 }).run());
    // Mapping changed but the version did not: nothing comes back (only the cursor's own record, which every
    // run reads again, lands with the new mapping; its old letter stays open).
    await drive(w.clock, w.sync({}, { map: fixedMap, version: 1 }).run());
    expect(w.sink.rows('Orders').map((row) => row.key)).toEqual(['o000005']);
    // A half-fix under a new version: even keys map, odd keys are still invalid and stay open (audited).
    const halfMap = (o: Order) => ({
      ...fixedMap(o),
      amount: Number(o.key.slice(1)) % 2 === 0 ? (o.amount as number) : 'L1',
    });
    const half = w.sync({}, { map: halfMap, version: 2 });
    await drive(w.clock, half.run());
    expect(
      w.sink
        .rows('Orders')
        .map((row) => String(row.key))
        .sort(),
    ).toEqual(['o000000', 'o000002', 'o000004', 'o000005']);
    expect((await half.deadLetters({ stream: 'orders', status: ['open'] })).map((l) => l.key)).toEqual([
      'o000001',
      'o000003',
      'o000005',
    ]);
    expect((await half.auditLog({ types: ['replay-refused'] })).length).toBe(3);
    // On demand: replay({ stream }) after a fix, without a version change.
    const onDemand = w.sync({}, { map: fixedMap, version: 2 });
    const result = await drive(w.clock, onDemand.replay({ stream: 'orders' }));
    expect(result.replayed).toHaveLength(3);
    expect(w.sink.rows('Orders')).toHaveLength(6);
    expect(duplicates(w.sink)).toEqual([]);
  });
});
