import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { TestClock } from '@mlc/core';
import { createSync, defineStream, type StateStore, type SyncHooks } from '@mlc/sync-engine';
import { MemorySink, MemorySource } from '@mlc/sync-engine/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStateStore } from '../src/index.js';
import { makeTempDir } from './temp-dir.js';

// The real engine over the SQLite store: a crash at every step of the batch protocol, then a restart with a new
// store instance over the same file (as after a process restart), must post every record exactly once.

interface Order {
  key: string;
  updatedAt: string;
  amount: number;
}

const dir = makeTempDir('engine');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const stamp = (i: number) => new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString();

function world() {
  const path = join(dir, `engine-${++n}.db`);
  const clock = new TestClock('2024-03-01T00:00:00Z');
  const sink = new MemorySink({ clock });
  const source = new MemorySource<Order>({ pageSize: 40 });
  for (let i = 0; i < 250; i++) {
    const key = `o${String(i).padStart(4, '0')}`;
    source.put(key, stamp(i), { key, updatedAt: stamp(i), amount: i * 1.5 });
  }
  const stores: StateStore[] = [];
  const run = (hooks?: SyncHooks) => {
    const store = createSqliteStateStore({ path, clock });
    stores.push(store);
    const sync = createSync({
      store,
      sink,
      clock,
      ...(hooks ? { hooks } : {}),
      streams: [
        defineStream<Order>({
          name: 'orders',
          source,
          table: { name: 'Orders', columns: { key: 'String', amount: 'Decimal', updatedAt: 'DateTime' } },
          map: (o) => ({ key: o.key, amount: o.amount, updatedAt: o.updatedAt }),
          mode: 'append',
          batchSize: 100,
          safetyLagMs: 60_000,
          verification: { settleMs: 10_000, recheckMs: 2_000, maxReads: 10 },
        }),
      ],
    });
    return clock.run(sync.run());
  };
  return { path, clock, sink, run, close: () => Promise.all(stores.map((s) => s.close())) };
}

describe('the sync engine on SqliteStateStore', () => {
  for (const step of ['intent-written', 'before-post', 'post-returned', 'committed']) {
    it(`a crash at ${step} of batch 2, then a restart on the same file: every record exactly once`, async () => {
      const w = world();
      let seen = 0;
      const [first] = await w.run({
        onProtocolStep(name) {
          if (name === step && ++seen === 2) throw new Error(`simulated crash at ${step}`);
        },
      });
      expect(first).toHaveProperty('error');
      await w.clock.advance(60_000);
      const [second] = await w.run();
      expect(second).toMatchObject({ status: 'completed' });
      const keys = w.sink.rows('Orders').map((r) => r.key);
      expect(keys).toHaveLength(250);
      expect(new Set(keys).size).toBe(250);
      await w.close();
      const store = createSqliteStateStore({ path: w.path });
      await store.open();
      expect(await store.listOpenBatches()).toEqual([]);
      expect(await store.getCursor('orders')).toEqual({ stamp: stamp(249), key: 'o0249' });
      expect(await store.countLedger('orders')).toBe(250);
      await store.close();
    });
  }
});
