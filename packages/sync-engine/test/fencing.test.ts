import { describe, expect, it } from 'vitest';
import { isSyncError, MemoryStateStore, type SyncEvents, type SyncSink, createSync } from '../src/index.js';
import {
  auditTypes,
  drive,
  duplicates,
  freezableStore,
  keyCounts,
  MemorySink,
  ordersStream,
  seedOrders,
  world,
} from './helpers.js';

const TTL = 60_000;

describe('fencing: a worker whose lease ran out must not POST', () => {
  it('a worker paused just before a POST, past its lease, refuses to send; the new holder lands the batch once', async () => {
    const w = world();
    seedOrders(w.source, 250);
    const { store, freeze } = freezableStore(w);
    let paused = false;
    const hooks = {
      onProtocolStep: async (step: string) => {
        // Batch 2: the process stops (SIGSTOP, a frozen VM) between its intent and its POST…
        if (step !== 'before-post' || paused || w.sink.posts === 0) return;
        paused = true;
        freeze(true);
        await w.clock.setTime(w.clock.now() + 10 * 60_000);
        freeze(false);
        // …and another worker takes the stream over meanwhile.
        const rival = new MemoryStateStore({ storage: w.storage, clock: w.clock });
        await rival.open();
        expect(await rival.acquireLease({ name: 'orders', owner: 'worker-2', ttlMs: TTL })).toBeDefined();
      },
    };
    const alerts: Array<SyncEvents['alert']> = [];
    const sync = w.sync({ hooks, owner: 'worker-1', leaseTtlMs: TTL, store });
    sync.on('alert', (a) => alerts.push(a));
    const [first] = await drive(w.clock, sync.run());
    // Nothing sent: the heartbeat that woke late gave the lease up (or the fence check refused the POST); the
    // run stops with SYNC_LEASE_LOST and an alert.
    expect(isSyncError((first as { error?: unknown }).error, 'SYNC_LEASE_LOST')).toBe(true);
    expect(w.sink.posts).toBe(1);
    expect(alerts.map((a) => a.code)).toContain('SYNC_LEASE_LOST');
    expect(await auditTypes(w.store)).toContain('lease-lost');
    // The rival's lease runs out; the next worker verifies the open intent (count 0 twice) and sends it once.
    await w.clock.advance(TTL + 1_000);
    const [second] = await drive(w.clock, w.sync({ owner: 'worker-3' }).run());
    expect(second).toMatchObject({ status: 'completed', intentsResolved: 1 });
    expect(keyCounts(w.sink).size).toBe(250);
    expect(duplicates(w.sink)).toEqual([]);
  });

  it('a long wait inside one POST (a 429 Retry-After beyond the lease) keeps the lease: no rival gets in', async () => {
    const w = world();
    seedOrders(w.source, 30);
    const rivalTakes: boolean[] = [];
    // A sink that waits 10 minutes inside its POST, as a client honouring a long Retry-After does.
    const slow: SyncSink = {
      maxRowsPerPost: w.sink.maxRowsPerPost,
      ensureTables: (t) => w.sink.ensureTables(t),
      countBatch: (r) => w.sink.countBatch(r),
      clear: (r) => w.sink.clear(r),
      async post(request) {
        for (let minute = 0; minute < 10; minute++) {
          await w.clock.sleep(60_000, request.signal);
          const rival = new MemoryStateStore({ storage: w.storage, clock: w.clock });
          await rival.open();
          rivalTakes.push(
            (await rival.acquireLease({ name: 'orders', owner: 'rival', ttlMs: TTL })) !== undefined,
          );
        }
        await request.beforeSend?.({ timeoutMs: 0 });
        return w.sink.post(request);
      },
    };
    const sync = createSync({
      store: new MemoryStateStore({ storage: w.storage, clock: w.clock }),
      sink: slow,
      clock: w.clock,
      leaseTtlMs: TTL,
      streams: [ordersStream(w.source)],
    });
    const [result] = await drive(w.clock, sync.run());
    expect(result).toMatchObject({ status: 'completed', rowsPosted: 30 });
    expect(rivalTakes).toHaveLength(10);
    expect(rivalTakes.every((took) => !took)).toBe(true);
    expect(duplicates(w.sink)).toEqual([]);
  });

  it('a worker that loses its lease while a POST is in flight aborts that request and stops the stream', async () => {
    const w = world();
    seedOrders(w.source, 30);
    const { store, freeze } = freezableStore(w);
    let aborted: unknown;
    let abortedAt = 0;
    const hanging: SyncSink = {
      maxRowsPerPost: w.sink.maxRowsPerPost,
      requestTimeoutMs: 20_000,
      ensureTables: (t) => w.sink.ensureTables(t),
      countBatch: (r) => w.sink.countBatch(r),
      clear: (r) => w.sink.clear(r),
      async post(request) {
        await request.beforeSend?.({ timeoutMs: 20_000 });
        // The store becomes unreachable for this worker while its request hangs: renewals fail until the
        // lease runs out on the worker's clock.
        freeze(true);
        try {
          await w.clock.sleep(30 * 60_000, request.signal);
        } catch (error) {
          aborted = error;
          abortedAt = w.clock.now();
          throw error;
        } finally {
          freeze(false);
        }
        return { outcome: 'applied' };
      },
    };
    const sync = createSync({
      store,
      sink: hanging,
      clock: w.clock,
      leaseTtlMs: TTL,
      streams: [ordersStream(w.source)],
    });
    const start = w.clock.now();
    const [result] = await drive(w.clock, sync.run());
    expect(isSyncError((result as { error?: unknown }).error, 'SYNC_LEASE_LOST')).toBe(true);
    expect(isSyncError(aborted, 'SYNC_LEASE_LOST')).toBe(true);
    // Given up as soon as the lease ran out on the worker's clock, not after the request's 30 minutes.
    expect(abortedAt - start).toBeLessThanOrEqual(TTL + 20_000);
    expect(await store.listOpenBatches('orders')).toHaveLength(1);
  });

  it('after a takeover, a zero count is trusted only settleMs after the takeover plus the request timeout', async () => {
    const w = world({ sink: { requestTimeoutMs: 45_000 } });
    seedOrders(w.source, 10);
    let crashed = false;
    const first = w.sync({
      hooks: {
        onProtocolStep: (step: string) => {
          if (step === 'before-post' && !crashed) {
            crashed = true;
            throw new Error('crash before the POST');
          }
        },
      },
    });
    await drive(w.clock, first.run());
    await w.clock.advance(5 * 60_000);
    const posted: number[] = [];
    const second = w.sync();
    second.on('batch-posted', () => posted.push(w.clock.now()));
    const takeover = w.clock.now();
    const [result] = await drive(w.clock, second.run());
    expect(result).toMatchObject({ status: 'completed', intentsResolved: 1 });
    // settleMs is 10 s in these tests: the zero that resends the rows is trusted at takeover + 45 s + 10 s (an
    // earlier read may count, but only a full count would be conclusive before then).
    expect(posted).toHaveLength(1);
    expect(posted[0]! - takeover).toBeGreaterThanOrEqual(45_000 + 10_000);
    expect(keyCounts(w.sink).size).toBe(10);
    expect(duplicates(w.sink)).toEqual([]);
  });
});

describe('lease timing options', () => {
  it('refuses a lease that a POST could outlive, and names the numbers', () => {
    const w = world();
    const sink = new MemorySink({ requestTimeoutMs: 120_000 });
    const make = (over: { leaseTtlMs?: number; leaseRenewIntervalMs?: number }) => () =>
      createSync({ store: w.store, sink, clock: w.clock, streams: [ordersStream(w.source)], ...over });
    expect(make({ leaseTtlMs: 60_000 })).toThrow(/leaseRenewIntervalMs must be > 0/);
    expect(make({ leaseTtlMs: 200_000, leaseRenewIntervalMs: 50_000 })).toThrow(
      /leaseTtlMs \(200000 ms\) must be at least 2 × leaseRenewIntervalMs \(50000 ms\) \+ the sink's request timeout \(120000 ms\) = 220000 ms/,
    );
    expect(make({ leaseTtlMs: 300_000 })).not.toThrow();
    expect(make({ leaseTtlMs: 220_000, leaseRenewIntervalMs: 50_000 })).not.toThrow();
  });
});
