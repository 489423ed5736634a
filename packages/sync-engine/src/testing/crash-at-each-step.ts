import assert from 'node:assert/strict';
import { TestClock } from '@mlc/core';
import type { StreamCursor } from '../cursor/stream-cursor.js';
import type { ProtocolStep, SyncHooks } from '../engine/engine-context.js';
import type { StreamRunResult } from '../engine/stream-run-result.js';
import type { StateStore } from '../state-store/state-store.js';
import { defineStream } from '../definition/define-stream.js';
import { createSync } from '../sync/create-sync.js';
import { MemorySink } from './memory-sink.js';
import { MemorySource } from './memory-source.js';

/** The steps of the append path of the batch protocol where a crash leaves something for the next run. */
export const CRASH_STEPS: readonly ProtocolStep[] = [
  'intent-written',
  'before-post',
  'post-returned',
  'committed',
];

/**
 * How the sync comes back after the crash:
 * - `restart`: the same process starts again over the same data (a new store instance), as after a restart;
 * - `takeover`: the crashed worker never releases its lease (a dead process); a second worker is refused while
 *   the lease lasts, takes over once it expired, and resolves what the first one left.
 */
export type CrashRecovery = 'restart' | 'takeover';

/** Options of {@link crashAtStep}. */
export interface CrashAtStepOptions {
  /**
   * A new, unopened store instance over the data of this scenario; called once per "process" (the crashed run,
   * each later run, the final inspection), always over the same data. Lease expiry must follow `clock`.
   */
  store(context: { clock: TestClock }): StateStore | Promise<StateStore>;
  /** The step at which the first run crashes. */
  step: ProtocolStep;
  /** Which occurrence of `step` crashes (1-based). @default 2 — batch 2, after batch 1 committed */
  occurrence?: number;
  /** @default 'restart' */
  recovery?: CrashRecovery;
  /** Records in the source (posted in batches of 100). @default 250 */
  records?: number;
}

/** What {@link crashAtStep} observed. */
export interface CrashAtStepOutcome {
  /** The run that crashed (an `{ stream, error }` result). */
  crashed: StreamRunResult | { stream: string; error: unknown };
  /** `takeover` only: the second worker's run while the dead worker's lease lasted. */
  blocked?: StreamRunResult | { stream: string; error: unknown };
  /** The run that finished the job. */
  recovered: StreamRunResult | { stream: string; error: unknown };
  /** The key of every row the sink holds, in posting order (each source record must be there exactly once). */
  postedKeys: string[];
  /** The source's keys. */
  expectedKeys: string[];
  /** The store's state afterwards, read by a fresh instance. */
  state: { openBatches: number; cursor: StreamCursor | undefined; ledgerSize: number };
  /** The cursor the store must hold at the end (the last record's). */
  expectedCursor: StreamCursor;
}

interface CrashOrder {
  key: string;
  updatedAt: string;
  amount: number;
}

const STREAM = 'orders';
const LEASE_TTL_MS = 120_000;
const stampOf = (i: number) => new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString();

/**
 * Runs the real engine over a store with a crash at one step of the batch protocol, then lets it recover
 * (`restart` or `takeover`), and reports what landed in the sink and what the store holds. A store is correct
 * when the crashed run failed, the recovery completed, every record was posted exactly once, no intent is left
 * open, and cursor and ledger are complete — {@link describeCrashAtEachStep} asserts exactly that.
 */
export async function crashAtStep(options: CrashAtStepOptions): Promise<CrashAtStepOutcome> {
  const clock = new TestClock('2024-03-01T00:00:00Z');
  const sink = new MemorySink({ clock });
  const source = new MemorySource<CrashOrder>({ pageSize: 40 });
  const records = options.records ?? 250;
  const expectedKeys = seedOrders(source, records);
  const stores: StateStore[] = [];
  const newStore = async () => {
    const store = await options.store({ clock });
    stores.push(store);
    return store;
  };
  const run = async (owner: string | undefined, hooks?: SyncHooks) => {
    const sync = createSync({
      store: await newStore(),
      sink,
      clock,
      ...(owner !== undefined ? { owner } : {}),
      leaseTtlMs: LEASE_TTL_MS,
      logLevel: 'silent', // the crash is the point; the outcome carries every result
      ...(hooks ? { hooks } : {}),
      streams: [ordersStream(source)],
    });
    const [result] = await clock.run(sync.run());
    return result ?? { stream: STREAM, error: new Error('the sync ran no stream') };
  };
  try {
    const occurrence = options.occurrence ?? 2;
    let seen = 0;
    const crashed = await run('worker-1', {
      onProtocolStep(name) {
        if (name === options.step && ++seen === occurrence) throw new Error(`simulated crash at ${name}`);
      },
    });
    let blocked: CrashAtStepOutcome['blocked'];
    let recovered: CrashAtStepOutcome['recovered'];
    if ((options.recovery ?? 'restart') === 'takeover') {
      // A dead process never releases its lease: take it back under worker 1's name, as if it still held it.
      const dead = await newStore();
      await dead.open();
      const held = await dead.acquireLease({ name: STREAM, owner: 'worker-1', ttlMs: LEASE_TTL_MS });
      assert.ok(held, 'worker 1 takes its lease back');
      await dead.close();
      blocked = await run('worker-2');
      await clock.advance(LEASE_TTL_MS + 1_000);
      recovered = await run('worker-2');
    } else {
      // A restarted process has a new owner id; past the lease's expiry it runs whether or not the crashed run
      // released its lease.
      await clock.advance(LEASE_TTL_MS + 1_000);
      recovered = await run(undefined);
    }
    const inspect = await newStore();
    await inspect.open();
    const state = {
      openBatches: (await inspect.listOpenBatches()).length,
      cursor: await inspect.getCursor(STREAM),
      ledgerSize: await inspect.countLedger(STREAM),
    };
    const last = records - 1;
    return {
      crashed,
      ...(blocked ? { blocked } : {}),
      recovered,
      postedKeys: sink.rows('Orders').map((r) => String(r.key)),
      expectedKeys,
      state,
      expectedCursor: { stamp: stampOf(last), key: `o${String(last).padStart(4, '0')}` },
    };
  } finally {
    for (const store of stores) await store.close().catch(() => {});
  }
}

/** Puts `records` orders in the source, one a minute from 2024-01-01; returns their keys in order. */
function seedOrders(source: MemorySource<CrashOrder>, records: number): string[] {
  const keys: string[] = [];
  for (let i = 0; i < records; i++) {
    const key = `o${String(i).padStart(4, '0')}`;
    keys.push(key);
    source.put(key, stampOf(i), { key, updatedAt: stampOf(i), amount: i * 1.5 });
  }
  return keys;
}

/** The crashed and recovering stream: the orders, appended in batches of 100 with verification. */
function ordersStream(source: MemorySource<CrashOrder>) {
  return defineStream<CrashOrder>({
    name: STREAM,
    source,
    table: { name: 'Orders', columns: { key: 'String', amount: 'Decimal', updatedAt: 'DateTime' } },
    map: (o) => ({ key: o.key, amount: o.amount, updatedAt: o.updatedAt }),
    mode: 'append',
    batchSize: 100,
    safetyLagMs: 60_000,
    verification: { settleMs: 10_000, recheckMs: 2_000, maxReads: 10 },
  });
}

/** Throws an `AssertionError` naming what is wrong unless `outcome` shows exactly-once recovery. */
export function assertExactlyOnceAfterCrash(
  outcome: CrashAtStepOutcome,
  recovery: CrashRecovery = 'restart',
): void {
  assert.ok('error' in outcome.crashed, 'the crashed run reports its error');
  if (recovery === 'takeover') {
    const blocked = outcome.blocked;
    assert.ok(
      blocked &&
        !('error' in blocked) &&
        blocked.status === 'skipped' &&
        blocked.skippedReason === 'lease-held',
      `a second worker is refused while the dead worker's lease lasts (got ${
        blocked === undefined ? 'no run' : 'error' in blocked ? String(blocked.error) : blocked.status
      })`,
    );
  }
  const recovered = outcome.recovered;
  assert.ok(
    !('error' in recovered) && recovered.status === 'completed',
    `the recovery completes (got ${'error' in recovered ? String(recovered.error) : recovered.status})`,
  );
  const counts = new Map<string, number>();
  for (const key of outcome.postedKeys) counts.set(key, (counts.get(key) ?? 0) + 1);
  const twice = [...counts].filter(([, n]) => n > 1).map(([key]) => key);
  const missing = outcome.expectedKeys.filter((key) => !counts.has(key));
  assert.deepEqual(twice, [], 'no record is posted twice');
  assert.deepEqual(missing, [], 'no record is lost');
  assert.equal(outcome.postedKeys.length, outcome.expectedKeys.length, 'nothing else is posted');
  assert.equal(outcome.state.openBatches, 0, 'no intent is left open');
  assert.deepEqual(outcome.state.cursor, outcome.expectedCursor, "the cursor is the last record's");
  assert.equal(outcome.state.ledgerSize, outcome.expectedKeys.length, 'the ledger holds every record');
}
