import { describe, expect, it } from 'vitest';
import type { MemorySinkFault } from '@mlc/sync-engine/testing';
import {
  crashAt,
  drive,
  duplicates,
  keyCounts,
  type Order,
  seedOrders,
  stamp,
  type World,
  world,
} from './helpers.js';

type Fault = MemorySinkFault['kind'] | 'none';

/** Runs once with a crash injected, then restarts (a new engine over the same store) until clean. */
async function crashThenRestart(w: World, step: string, nth: number, streamOver = {}) {
  const hooks = crashAt(step, nth);
  const [first] = await drive(w.clock, w.sync({ hooks }, streamOver).run());
  await w.clock.advance(60_000);
  const [second] = await drive(w.clock, w.sync({}, streamOver).run());
  return { fired: hooks.fired, first, second };
}

const STEPS = ['intent-written', 'before-post', 'post-returned', 'committed', 'verify-count'];
const FAULTS: Fault[] = ['none', 'drop-after-apply', 'fail-before-apply', 'unknown-after-apply'];

describe('crash points, append: each record exactly once', () => {
  for (const step of STEPS) {
    for (const fault of FAULTS) {
      // A verification only happens when the POST outcome is unknown.
      if (step === 'verify-count' && fault === 'none') continue;
      it(`crash at ${step} of batch 2, sink fault ${fault}`, async () => {
        const w = world();
        seedOrders(w.source, 250);
        w.sink.faults.push({ kind: 'none' });
        if (fault !== 'none') w.sink.faults.push({ kind: fault } as MemorySinkFault);
        const nth = step === 'verify-count' ? 1 : 2;
        const { fired, first, second } = await crashThenRestart(w, step, nth);
        expect(fired).toBe(true);
        expect(first).toHaveProperty('error');
        expect(second).toMatchObject({ status: 'completed' });
        expect(keyCounts(w.sink).size).toBe(250);
        expect(duplicates(w.sink)).toEqual([]);
        await w.store.open();
        expect(await w.store.listOpenBatches()).toEqual([]);
        expect(await w.store.getCursor('orders')).toEqual({ stamp: stamp(249), key: 'o000249' });
      });
    }
  }

  it('a crash that never releases the lease is taken over after the lease expires', async () => {
    const w = world();
    seedOrders(w.source, 150);
    const hooks = crashAt('post-returned', 2);
    // A crashed process keeps its lease: simulate by taking it back under the dead owner's name.
    await drive(w.clock, w.sync({ hooks, owner: 'dead', leaseTtlMs: 120_000 }).run());
    await w.store.open();
    await w.store.acquireLease({ name: 'orders', owner: 'dead', ttlMs: 120_000 });
    const [blocked] = await drive(w.clock, w.sync({ owner: 'next' }).run());
    expect(blocked).toMatchObject({ status: 'skipped', skippedReason: 'lease-held' });
    await w.clock.advance(121_000);
    const [taken] = await drive(w.clock, w.sync({ owner: 'next' }).run());
    expect(taken).toMatchObject({ status: 'completed', intentsResolved: 1 });
    expect(keyCounts(w.sink).size).toBe(150);
    expect(duplicates(w.sink)).toEqual([]);
  });
});

describe('crash points, versioned: one row per version', () => {
  for (const step of [...STEPS, 'drop-after-apply']) {
    it(`crash at ${step}`, async () => {
      const w = world();
      const over = { mode: 'versioned' as const, batchSize: 20 };
      seedOrders(w.source, 50);
      await drive(w.clock, w.sync({}, over).run());
      for (let i = 0; i < 30; i++) {
        const key = `o${String(i).padStart(6, '0')}`;
        const order: Order = { key, updatedAt: stamp(1000 + i), customer: 'v2', amount: i };
        w.source.put(key, order.updatedAt, order);
      }
      if (step === 'drop-after-apply') w.sink.faults.push({ kind: 'drop-after-apply' });
      else if (step === 'verify-count') w.sink.faults.push({ kind: 'unknown-after-apply' });
      const { fired, second } = await crashThenRestart(
        w,
        step === 'drop-after-apply' ? 'none' : step,
        1,
        over,
      );
      expect(fired).toBe(step !== 'drop-after-apply');
      expect(second).toMatchObject({ status: 'completed' });
      const rows = w.sink.rows('Orders');
      const versions = new Map<string, number[]>();
      for (const row of rows)
        versions.set(String(row.key), [...(versions.get(String(row.key)) ?? []), Number(row._version)]);
      expect(versions.size).toBe(50);
      for (const [key, list] of versions) {
        const expected = Number(key.slice(1)) < 30 ? [1, 2] : [1];
        expect(list.sort()).toEqual(expected);
      }
      const v2 = rows.find((r) => r.key === 'o000007' && r._version === 2);
      expect(v2).toMatchObject({ customer: 'v2', _validFrom: stamp(1007) });
    });
  }

  it('an unchanged re-read adds no version; a changed record adds exactly one', async () => {
    const w = world();
    const over = { mode: 'versioned' as const, lookbackMs: 86_400_000 * 30 };
    seedOrders(w.source, 10);
    await drive(w.clock, w.sync({}, over).run());
    await drive(w.clock, w.sync({}, over).run());
    expect(w.sink.rows('Orders')).toHaveLength(10);
    w.source.put('o000004', stamp(99), { key: 'o000004', updatedAt: stamp(99), customer: 'new', amount: 4 });
    const [r] = await drive(w.clock, w.sync({}, over).run());
    expect(r).toMatchObject({ rowsPosted: 1 });
    expect(
      w.sink
        .rows('Orders')
        .filter((row) => row.key === 'o000004')
        .map((row) => row._version),
    ).toEqual([1, 2]);
  });
});

describe('crash points, replace: exactly the current snapshot', () => {
  const REPLACE_STEPS: Array<[string, number]> = [
    ['intent-written', 1],
    ['snapshot-committed', 1],
    ['rebuild-cleared', 1],
    ['before-post', 1],
    ['post-returned', 2],
    ['rebuild-chunk-posted', 2],
    ['committed', 2],
    ['verify-count', 1],
  ];
  for (const [step, nth] of REPLACE_STEPS) {
    for (const fault of ['none', 'drop-after-apply'] as const) {
      it(`crash at ${step}#${nth}, fault ${fault}`, async () => {
        const w = world();
        const over = { mode: 'replace' as const, batchSize: 20 };
        seedOrders(w.source, 50);
        await drive(w.clock, w.sync({}, over).run());
        expect(keyCounts(w.sink).size).toBe(50);
        for (let i = 10; i < 15; i++) {
          const key = `o${String(i).padStart(6, '0')}`;
          w.source.put(key, stamp(2000 + i), {
            key,
            updatedAt: stamp(2000 + i),
            customer: 'new',
            amount: -i,
          });
        }
        w.source.put('added', stamp(3000), {
          key: 'added',
          updatedAt: stamp(3000),
          customer: 'new',
          amount: 1,
        });
        if (fault !== 'none' || step === 'verify-count') {
          w.sink.faults.push({ kind: 'none' }, { kind: 'drop-after-apply' });
        }
        const { fired, second } = await crashThenRestart(w, step, nth, over);
        expect(fired).toBe(true);
        expect(second).toMatchObject({ status: 'completed' });
        const rows = w.sink.rows('Orders');
        expect(rows).toHaveLength(51);
        expect(duplicates(w.sink)).toEqual([]);
        expect(
          rows
            .filter((r) => r.customer === 'new')
            .map((r) => r.key)
            .sort(),
        ).toEqual(['added', 'o000010', 'o000011', 'o000012', 'o000013', 'o000014']);
        await w.store.open();
        expect(await w.store.listOpenBatches()).toEqual([]);
      });
    }
  }

  it('removes deleted keys when delete reconciliation is on', async () => {
    const w = world();
    const over = { mode: 'replace' as const, batchSize: 20, reconcileDeletes: true };
    seedOrders(w.source, 30);
    await drive(w.clock, w.sync({}, over).run());
    w.source.remove('o000003');
    w.source.remove('o000029');
    const [r] = await drive(w.clock, w.sync({}, over).run());
    expect(r).toMatchObject({ rebuilt: true, rowsPosted: 28 });
    expect(w.sink.rows('Orders')).toHaveLength(28);
    expect(keyCounts(w.sink).has('o000003')).toBe(false);
  });

  it('does not rebuild when nothing changed', async () => {
    const w = world();
    const over = { mode: 'replace' as const, batchSize: 20, lookbackMs: 86_400_000 * 30 };
    seedOrders(w.source, 30);
    await drive(w.clock, w.sync({}, over).run());
    const clears = w.sink.clears;
    const [r] = await drive(w.clock, w.sync({}, over).run());
    expect(r).toMatchObject({ rebuilt: false, rowsPosted: 0 });
    expect(w.sink.clears).toBe(clears);
  });
});
