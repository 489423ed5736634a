import { TestClock } from '@mlc/core';
import { MemorySink, type MemorySinkOptions, MemorySource } from '@mlc/sync-engine/testing';
import {
  type AuditType,
  createMemoryStateStorage,
  createSync,
  defineStream,
  MemoryStateStore,
  type MemoryStateStorage,
  type StreamDefinition,
  type StreamMode,
  type Sync,
  type SyncHooks,
  type SyncOptions,
} from '../src/index.js';

/** A source record of the test streams. */
export interface Order {
  key: string;
  updatedAt: string;
  customer: string;
  amount: number | string;
}

/** A stamp `minutes` after 2024-01-01T00:00Z with millisecond precision. */
export function stamp(minutes: number, ms = 0): string {
  return new Date(Date.UTC(2024, 0, 1, 0, minutes, 0, ms)).toISOString();
}

/** Fills a source with `n` orders, `perStamp` records sharing each stamp. */
export function seedOrders(source: MemorySource<Order>, n: number, perStamp = 1, from = 0): void {
  for (let i = from; i < from + n; i++) {
    const key = `o${String(i).padStart(6, '0')}`;
    const updatedAt = stamp(Math.floor(i / perStamp));
    source.put(key, updatedAt, { key, updatedAt, customer: `c${i % 7}`, amount: i * 1.5 });
  }
}

/** The orders stream definition. */
export function ordersStream(
  source: MemorySource<Order>,
  over: Partial<StreamDefinition<Order>> = {},
): StreamDefinition<Order> {
  return defineStream<Order>({
    name: 'orders',
    source,
    table: {
      name: 'Orders',
      columns: { key: 'String', customer: 'String', amount: 'Decimal', updatedAt: 'DateTime' },
    },
    map: (o) => ({ key: o.key, customer: o.customer, amount: o.amount as number, updatedAt: o.updatedAt }),
    mode: 'append' as StreamMode,
    batchSize: 100,
    safetyLagMs: 60_000,
    verification: { settleMs: 10_000, recheckMs: 2_000, maxReads: 10 },
    ...over,
  });
}

/** A test world: clock far after the seeded stamps, a store, a sink and a source. */
export interface World {
  clock: TestClock;
  storage: MemoryStateStorage;
  store: MemoryStateStore;
  sink: MemorySink;
  source: MemorySource<Order>;
  /** A new engine instance over the same store/sink/source (a restart). */
  sync(over?: Partial<SyncOptions>, stream?: Partial<StreamDefinition<Order>>): Sync;
}

/** Creates a world. */
export function world(
  options: { pageSize?: number; sink?: Omit<MemorySinkOptions, 'clock'>; fingerprints?: boolean } = {},
): World {
  const clock = new TestClock('2024-03-01T00:00:00Z');
  const storage = createMemoryStateStorage();
  const store = new MemoryStateStore({ storage, clock });
  const sink = new MemorySink({ clock, ...options.sink });
  const source = new MemorySource<Order>({
    pageSize: options.pageSize ?? 50,
    ...(options.fingerprints ? { fingerprints: true } : {}),
  });
  return {
    clock,
    storage,
    store,
    sink,
    source,
    sync: (over = {}, stream = {}) =>
      createSync({
        // A restart gets a new store instance over the same storage, like reopening a database.
        store: new MemoryStateStore({ storage, clock }),
        sink,
        clock,
        streams: [ordersStream(source, stream)],
        ...over,
      }),
  };
}

/** Runs `promise` while driving the test clock through every sleep. */
export function drive<T>(clock: TestClock, promise: Promise<T>): Promise<T> {
  return clock.run(promise);
}

/** Keys of the rows of a table with how many times each appears. */
export function keyCounts(sink: MemorySink, table = 'Orders'): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of sink.rows(table)) counts.set(String(row.key), (counts.get(String(row.key)) ?? 0) + 1);
  return counts;
}

/** Asserts-free helper: keys appearing more than once. */
export function duplicates(sink: MemorySink, table = 'Orders'): string[] {
  return [...keyCounts(sink, table)].filter(([, n]) => n > 1).map(([k]) => k);
}

/** Hooks that throw once at the `nth` occurrence of `step`. */
export function crashAt(step: string, nth = 1): SyncHooks & { fired: boolean } {
  let seen = 0;
  const hooks = {
    fired: false,
    onProtocolStep(name: string) {
      if (name !== step) return;
      seen += 1;
      if (seen === nth) {
        hooks.fired = true;
        throw new Error(`simulated crash at ${step}#${nth}`);
      }
    },
  };
  return hooks;
}

/** Audit entry types written so far. */
export async function auditTypes(store: MemoryStateStore): Promise<AuditType[]> {
  await store.open();
  return (await store.queryAudit({ limit: 100_000 })).map((e) => e.type);
}

/** A store whose lease renewals fail while frozen (a paused process cannot renew either). */
export function freezableStore(w: { storage: MemoryStateStorage; clock: TestClock }) {
  let frozen = false;
  const inner = new MemoryStateStore({ storage: w.storage, clock: w.clock });
  const store = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'renewLease') {
        return async (...args: Parameters<MemoryStateStore['renewLease']>) => {
          if (frozen) throw new Error('worker paused: no renewal');
          return target.renewLease(...args);
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store, freeze: (on: boolean) => (frozen = on) };
}

export { MemorySink, MemorySource };
