import { MlcError, NetworkError, type TestClock } from '@mlc/core';
import { describe, expect, it } from 'vitest';
import { MemoryStateStore, type Sync, type SyncEvents } from '../src/index.js';
import { drive, MemorySink, seedOrders, world } from './helpers.js';

/** Records every failure-related event of a sync, with the test clock's time. */
function recorder(sync: Sync, clock: TestClock) {
  const log: Array<{ at: number; event: string; data: unknown }> = [];
  sync.on('run-failed', (e) => log.push({ at: clock.now(), event: 'run-failed', data: e }));
  sync.on('alert', (e) => log.push({ at: clock.now(), event: 'alert', data: e }));
  sync.on('recovered', (e) => log.push({ at: clock.now(), event: 'recovered', data: e }));
  sync.on('run-finished', (e) => log.push({ at: clock.now(), event: 'run-finished', data: e }));
  return {
    log,
    failedAt: () => log.filter((e) => e.event === 'run-failed').map((e) => e.at),
    alerts: () => log.filter((e) => e.event === 'alert').map((e) => e.data as SyncEvents['alert']),
    failures: () =>
      log.filter((e) => e.event === 'run-failed').map((e) => e.data as SyncEvents['run-failed']),
  };
}

/** Advances the test clock second by second, letting each scheduled run (memory I/O only) finish in between. */
async function advance(clock: TestClock, sync: Sync, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 1000) {
    await clock.advance(1000);
    while (sync.isRunning()) await new Promise((resolve) => setImmediate(resolve));
  }
}

const EVERY_5_S = { cron: '*/5 * * * * *' } as const;
const T0 = Date.parse('2024-03-01T00:00:00Z');

describe('alerts on failed scheduled runs', () => {
  it('a credential failure alerts once, backs off exponentially to the cap, reminds, then recovers', async () => {
    const w = world();
    seedOrders(w.source, 10);
    let broken = true;
    // Sage X3 refusing the password, as the Basic strategy reports it (kind auth).
    const source = w.source;
    const originalRead = source.read.bind(source);
    source.read = (request) => {
      if (broken) {
        throw new MlcError('Sage X3 refused the credentials of user admin (HTTP 401)', {
          code: 'X3_AUTH_REJECTED',
          kind: 'auth',
          status: 401,
        });
      }
      return originalRead(request);
    };
    const sync = w.sync(
      { alerts: { reminderMs: 120_000, backoffMaxMs: 40_000 } },
      { schedule: EVERY_5_S, safetyLagMs: 0 },
    );
    const rec = recorder(sync, w.clock);
    sync.start();
    await advance(w.clock, sync, 200_000);
    // Ticks every 5 s, but attempts back off: 5 s, then +5, +10, +20, +40 (cap), +40, ...
    const offsets = rec.failedAt().map((at) => (at - T0) / 1000);
    expect(offsets).toEqual([5, 10, 20, 40, 80, 120, 160, 200]);
    const failures = rec.failures();
    expect(failures.map((f) => f.attempts)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(failures[0]).toMatchObject({
      stream: 'orders',
      code: 'X3_AUTH_REJECTED',
      phase: 'credentials',
      since: T0 + 5_000,
      retryAt: T0 + 10_000,
    });
    // One alert at the first failure, one reminder once 120 s have passed (at the 160 s attempt).
    const alerts = rec.alerts();
    expect(alerts).toHaveLength(2);
    expect(alerts[0]).toMatchObject({
      code: 'X3_AUTH_REJECTED',
      severity: 'critical',
      phase: 'credentials',
      stream: 'orders',
      since: T0 + 5_000,
      attempts: 1,
      reminder: false,
      remedy: expect.stringContaining('password'),
      message: expect.stringContaining('refused the credentials'),
    });
    expect(alerts[1]).toMatchObject({
      code: 'X3_AUTH_REJECTED',
      attempts: 7,
      reminder: true,
      since: T0 + 5_000,
    });
    broken = false;
    await advance(w.clock, sync, 45_000);
    const recovered = rec.log.filter((e) => e.event === 'recovered');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]?.data).toMatchObject({
      stream: 'orders',
      code: 'X3_AUTH_REJECTED',
      since: T0 + 5_000,
      attempts: 8,
      downMs: 235_000,
    });
    // Back on the 5 s schedule with no more alerts.
    const finished = rec.log.filter((e) => e.event === 'run-finished').length;
    await advance(w.clock, sync, 20_000);
    expect(rec.log.filter((e) => e.event === 'run-finished').length).toBe(finished + 4);
    expect(rec.alerts()).toHaveLength(2);
    expect(w.sink.rows('Orders')).toHaveLength(10);
    const audit = (await sync.auditLog({ limit: 1000 })).map((e) => e.type);
    expect(audit.filter((t) => t === 'run-failed')).toHaveLength(8);
    expect(audit).toContain('recovered');
    await drive(w.clock, sync.close());
  });

  it('a transient failure (X3 unreachable) retries every tick and alerts once, not on every tick', async () => {
    const w = world();
    seedOrders(w.source, 3);
    const source = w.source;
    source.read = () => {
      throw new NetworkError('GET https://x3.example/api failed: connect ECONNREFUSED', {
        method: 'GET',
        url: 'https://x3.example/api',
        mayHaveBeenApplied: false,
        cause: new Error('connect ECONNREFUSED'),
      });
    };
    const sync = w.sync({}, { schedule: EVERY_5_S });
    const rec = recorder(sync, w.clock);
    sync.start();
    await advance(w.clock, sync, 30_000);
    expect(rec.failedAt().map((at) => (at - T0) / 1000)).toEqual([5, 10, 15, 20, 25, 30]);
    expect(rec.failures().every((f) => f.retryAt === undefined && f.phase === 'source')).toBe(true);
    expect(rec.alerts()).toEqual([
      expect.objectContaining({ code: 'NETWORK_ERROR', severity: 'error', phase: 'source', attempts: 1 }),
    ]);
    await drive(w.clock, sync.close());
  });

  it('set-up failures (store, sink) emit run-failed and an alert with their phase; a new code alerts again', async () => {
    const w = world();
    seedOrders(w.source, 3);
    const sink = new MemorySink();
    let setupFails = true;
    const ensureTables = sink.ensureTables.bind(sink);
    sink.ensureTables = async (tables) => {
      if (setupFails) {
        throw new MlcError('workspace w1 not found', { code: 'PBI_HTTP_ERROR', kind: 'client', status: 404 });
      }
      return ensureTables(tables);
    };
    const store = new MemoryStateStore({ storage: w.storage, clock: w.clock });
    let storeFails = true;
    const open = store.open.bind(store);
    store.open = async () => {
      if (storeFails)
        throw Object.assign(new Error('connect ECONNREFUSED postgres://sync:s3cretPw@127.0.0.1:5432/test'), {
          code: 'ECONNREFUSED',
        });
      return open();
    };
    const sync = w.sync({ sink, store }, { schedule: EVERY_5_S });
    const rec = recorder(sync, w.clock);
    sync.start();
    await advance(w.clock, sync, 10_000);
    expect(rec.failures().map((f) => [f.code, f.phase, f.attempts])).toEqual([
      ['ECONNREFUSED', 'store', 1],
      ['ECONNREFUSED', 'store', 2],
    ]);
    expect(rec.alerts()).toEqual([
      expect.objectContaining({ code: 'ECONNREFUSED', phase: 'store', severity: 'critical', attempts: 1 }),
    ]);
    // Secrets in a failure's text never reach the operator's channels.
    expect(JSON.stringify(rec.log)).not.toContain('s3cretPw');
    expect(rec.alerts()[0]?.message).toContain('postgres://[REDACTED]@127.0.0.1');
    storeFails = false;
    await advance(w.clock, sync, 5_000);
    // A different failure is a change of state: alerted at once; the streak (since, attempts) goes on.
    expect(rec.failures().at(-1)).toMatchObject({ code: 'PBI_HTTP_ERROR', phase: 'sink-setup', attempts: 3 });
    expect(rec.alerts().at(-1)).toMatchObject({
      code: 'PBI_HTTP_ERROR',
      phase: 'sink-setup',
      severity: 'error',
      since: T0 + 5_000,
      attempts: 3,
    });
    setupFails = false;
    await advance(w.clock, sync, 5_000);
    expect(rec.log.filter((e) => e.event === 'recovered')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ code: 'PBI_HTTP_ERROR', attempts: 3 }) }),
    ]);
    expect(rec.alerts()).toHaveLength(2);
    await drive(w.clock, sync.close());
  });
});
