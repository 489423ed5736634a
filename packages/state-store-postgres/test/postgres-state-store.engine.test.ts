import { TestClock } from '@mlc/core';
import { createSync, defineStream, type SyncHooks } from '@mlc/sync-engine';
import { MemorySink, MemorySource } from '@mlc/sync-engine/testing';
import { afterAll, expect, it } from 'vitest';
import { createPostgresStateStore, type PostgresStateStore } from '../src/index.js';
import { adminPool, describePostgres, PG_URL, randomSchema, unreachable } from './pg-test-env.js';

// The real engine over the PostgreSQL store: worker 1 crashes at a step of the batch protocol while holding the
// lease; worker 2 (another pool, "another machine") waits for the lease to expire, resolves the open intent and
// finishes. Every record must be posted exactly once.

interface Order {
  key: string;
  updatedAt: string;
  amount: number;
}

const admin = unreachable ? undefined : adminPool();
const schemas: string[] = [];
afterAll(async () => {
  for (const s of schemas) await admin?.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await admin?.end();
});

const stamp = (i: number) => new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString();

function world() {
  const schema = randomSchema('engine');
  schemas.push(schema);
  const clock = new TestClock('2024-03-01T00:00:00Z');
  const sink = new MemorySink({ clock });
  const source = new MemorySource<Order>({ pageSize: 40 });
  for (let i = 0; i < 250; i++) {
    const key = `o${String(i).padStart(4, '0')}`;
    source.put(key, stamp(i), { key, updatedAt: stamp(i), amount: i * 1.5 });
  }
  const stores: PostgresStateStore[] = [];
  const run = (owner: string, hooks?: SyncHooks) => {
    const store = createPostgresStateStore({ connectionString: PG_URL, schema, clock, poolSize: 2 });
    stores.push(store);
    const sync = createSync({
      store,
      sink,
      clock,
      owner,
      leaseTtlMs: 120_000,
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
  return { schema, clock, sink, run, close: () => Promise.all(stores.map((s) => s.close())) };
}

describePostgres('the sync engine on PostgresStateStore, across two workers', () => {
  for (const step of ['intent-written', 'post-returned', 'committed']) {
    it(`worker 1 dies at ${step} of batch 2 holding the lease; worker 2 takes over: every record exactly once`, async () => {
      const w = world();
      let seen = 0;
      const [first] = await w.run('worker-1', {
        onProtocolStep(name) {
          if (name === step && ++seen === 2) throw new Error(`simulated crash at ${step}`);
        },
      });
      expect(first).toHaveProperty('error');
      // A dead process never releases its lease: take it back under worker 1's name.
      const dead = createPostgresStateStore({
        connectionString: PG_URL,
        schema: w.schema,
        clock: w.clock,
        poolSize: 1,
      });
      await dead.open();
      expect(await dead.acquireLease({ name: 'orders', owner: 'worker-1', ttlMs: 120_000 })).toBeDefined();
      await dead.close();
      const [blocked] = await w.run('worker-2');
      expect(blocked).toMatchObject({ status: 'skipped', skippedReason: 'lease-held' });
      await w.clock.advance(121_000);
      const [second] = await w.run('worker-2');
      expect(second).toMatchObject({ status: 'completed' });
      const keys = w.sink.rows('Orders').map((r) => r.key);
      expect(keys).toHaveLength(250);
      expect(new Set(keys).size).toBe(250);
      await w.close();
    });
  }
});
