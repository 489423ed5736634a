import { MlcError, NetworkError, type TestClock } from '@mlc/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStateStore, type Sync, type SyncEvents } from '../src/index.js';
import { describeX3Failure } from '../src/sage-x3/describe-x3-failure.js';
import { drive, MemorySink, type Order, seedOrders, world } from './helpers.js';

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

/** Sage X3 refusing the connection, as the X3 client reports it (nothing was sent). */
function x3Unreachable(): NetworkError {
  return new NetworkError({
    message: 'GET https://x3.example/api failed: connect ECONNREFUSED',
    method: 'GET',
    url: 'https://x3.example/api',
    outcome: 'not-applied',
    cause: new Error('connect ECONNREFUSED'),
  });
}

/** The orders mapping, with an amount the table refuses (`'L1'`) while `broken()` says so: every record quarantines. */
function ordersMapping(broken: () => boolean) {
  return (o: Order) => ({
    key: o.key,
    customer: o.customer,
    amount: broken() ? 'L1' : (o.amount as number),
    updatedAt: o.updatedAt,
  });
}

const EVERY_5_S = { cron: '*/5 * * * * *' } as const;
const T0 = Date.parse('2024-03-01T00:00:00Z');

describe('alerts on failed scheduled runs', () => {
  it('a credential failure alerts once, backs off exponentially to the cap, reminds, then recovers', async () => {
    const w = world();
    seedOrders(w.source, 10);
    let broken = true;
    // Sage X3 refusing the password, as the Basic strategy reports it (kind auth); the X3 source's own advice.
    const source = w.source;
    source.describeFailure = describeX3Failure;
    const originalRead = source.read.bind(source);
    source.read = (request) => {
      if (broken) {
        throw new MlcError({
          message: 'Sage X3 refused the credentials of user admin (HTTP 401)',
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
      throw x3Unreachable();
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

  it('a failure streak survives a restart: the same failure does not alert again, the first success recovers', async () => {
    const w = world();
    seedOrders(w.source, 3);
    const source = w.source;
    const read = source.read.bind(source);
    let broken = true;
    source.read = (request) => {
      if (!broken) return read(request);
      throw x3Unreachable();
    };
    const first = w.sync();
    const before = recorder(first, w.clock);
    await drive(w.clock, first.run());
    await drive(w.clock, first.close());
    expect(before.alerts()).toHaveLength(1);
    const since = before.failures()[0]?.since;

    // The service restarts (same store), still failing: the streak goes on, without a second alert.
    await w.clock.advance(60_000);
    const second = w.sync();
    const during = recorder(second, w.clock);
    await drive(w.clock, second.run());
    await drive(w.clock, second.close());
    expect(during.failures()).toEqual([expect.objectContaining({ attempts: 2, since })]);
    expect(during.alerts()).toEqual([]);

    // Restarted again once Sage X3 answers: the first success tells the operator the stream recovered.
    broken = false;
    await w.clock.advance(60_000);
    const third = w.sync();
    const after = recorder(third, w.clock);
    await drive(w.clock, third.run());
    expect(after.log.filter((e) => e.event === 'recovered').map((e) => e.data)).toEqual([
      expect.objectContaining({ stream: 'orders', code: 'NETWORK_ERROR', attempts: 2, since }),
    ]);
    await drive(w.clock, third.close());
  });

  it('set-up failures (store, sink) emit run-failed and an alert with their phase; a new code alerts again', async () => {
    const w = world();
    seedOrders(w.source, 3);
    const sink = new MemorySink();
    let setupFails = true;
    const ensureTables = sink.ensureTables.bind(sink);
    sink.ensureTables = async (tables) => {
      if (setupFails) {
        throw new MlcError({
          message: 'workspace w1 not found',
          code: 'PBI_HTTP_ERROR',
          kind: 'client',
          status: 404,
        });
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

describe('default logging', () => {
  const saved = process.env.MLC_LOG_LEVEL;
  afterEach(() => {
    vi.restoreAllMocks();
    if (saved === undefined) delete process.env.MLC_LOG_LEVEL;
    else process.env.MLC_LOG_LEVEL = saved;
  });

  const failingRun = async (over: Parameters<ReturnType<typeof world>['sync']>[0]) => {
    const w = world();
    w.source.read = () => {
      throw new MlcError({
        message: 'Sage X3 refused user admin: password=planted-pw',
        code: 'X3_AUTH_REJECTED',
        kind: 'auth',
      });
    };
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const sync = w.sync({ logger: undefined, ...over });
    await drive(w.clock, sync.run());
    vi.restoreAllMocks();
    return lines;
  };

  it('without a logger, failures reach stderr (warnings and errors), redacted', async () => {
    delete process.env.MLC_LOG_LEVEL;
    const lines = await failingRun({});
    expect(lines.some((l) => / WARN stream run failed /.test(l))).toBe(true);
    expect(lines.some((l) => / ERROR stream orders: Sage X3 refused user admin/.test(l))).toBe(true);
    expect(lines.join('')).not.toContain('planted-pw');
    expect(lines.some((l) => / (INFO|DEBUG) /.test(l))).toBe(false);
  });

  it('silence is explicit: logLevel silent or MLC_LOG_LEVEL=silent', async () => {
    expect(await failingRun({ logLevel: 'silent' })).toEqual([]);
    process.env.MLC_LOG_LEVEL = 'silent';
    expect(await failingRun({})).toEqual([]);
    process.env.MLC_LOG_LEVEL = 'error';
    const lines = await failingRun({});
    expect(lines.some((l) => / WARN /.test(l))).toBe(false);
    expect(lines.some((l) => / ERROR stream orders: Sage X3 refused/.test(l))).toBe(true);
  });
});

describe('quarantine alerts', () => {
  it('a run that quarantines every record alerts with the counts and the first reason', async () => {
    const w = world();
    seedOrders(w.source, 12);
    // A mapping that puts text in a Decimal column: every record fails.
    const sync = w.sync(
      {},
      { map: (o) => ({ key: o.key, customer: o.customer, amount: 'L1', updatedAt: o.updatedAt }) },
    );
    const alerts: SyncEvents['alert'][] = [];
    sync.on('alert', (a) => alerts.push(a));
    const [r] = await drive(w.clock, sync.run());
    expect(r).toMatchObject({ status: 'completed-with-quarantine', recordsRead: 12, recordsQuarantined: 12 });
    expect(alerts).toEqual([
      expect.objectContaining({
        code: 'SYNC_STREAM_QUARANTINED',
        severity: 'critical',
        phase: 'quarantine',
        stream: 'orders',
        attempts: 1,
        message: expect.stringMatching(
          /all 12 records read were quarantined\. First: record o000000 field amount: /,
        ),
        data: expect.objectContaining({
          recordsRead: 12,
          recordsQuarantined: 12,
          first: expect.objectContaining({ key: 'o000000', field: 'amount', stage: 'map' }),
        }),
      }),
    ]);
  });

  it('a quarantined share above the threshold alerts; at or below it the status alone says so', async () => {
    const w = world();
    seedOrders(w.source, 40);
    const bad = new Set(['o000003', 'o000007']);
    const map = (o: { key: string; customer: string; amount: number | string; updatedAt: string }) => ({
      key: o.key,
      customer: o.customer,
      amount: bad.has(o.key) ? 'x' : (o.amount as number),
      updatedAt: o.updatedAt,
    });
    const alerts: SyncEvents['alert'][] = [];
    // 2 of 40 = 5 %: not above the default threshold.
    const quiet = w.sync({}, { map });
    quiet.on('alert', (a) => alerts.push(a));
    expect((await drive(w.clock, quiet.run()))[0]).toMatchObject({
      status: 'completed-with-quarantine',
      recordsQuarantined: 2,
    });
    expect(alerts).toEqual([]);
    // 2 of the 4 records of the next run (it re-reads the cursor's record): above a 10 % threshold.
    seedOrders(w.source, 3, 1, 40);
    bad.add('o000041');
    bad.add('o000042');
    const loud = w.sync({ alerts: { quarantineThreshold: 0.1 } }, { map });
    loud.on('alert', (a) => alerts.push(a));
    const [r] = await drive(w.clock, loud.run());
    expect(r).toMatchObject({ status: 'completed-with-quarantine', recordsQuarantined: 2 });
    expect(alerts).toEqual([
      expect.objectContaining({
        code: 'SYNC_QUARANTINE_THRESHOLD',
        severity: 'error',
        message: expect.stringContaining(
          '2 of 4 records read (50.0 %) were quarantined, above 10.0 %. First: record o000041',
        ),
      }),
    ]);
  });
});

describe('quarantine alerts under start()', () => {
  it('a quarantine state survives a restart: no second alert, and the first clean run after it recovers', async () => {
    const w = world();
    seedOrders(w.source, 12);
    let broken = true;
    const instance = () =>
      w.sync(
        {},
        {
          safetyLagMs: 0,
          map: ordersMapping(() => broken),
        },
      );
    const first = instance();
    const before = recorder(first, w.clock);
    await drive(w.clock, first.run());
    await w.clock.advance(5_000);
    await drive(w.clock, first.run());
    await drive(w.clock, first.close());
    expect(before.alerts()).toEqual([
      expect.objectContaining({ code: 'SYNC_STREAM_QUARANTINED', attempts: 1 }),
    ]);
    const since = before.alerts()[0]?.since;

    // Restarted, still quarantining: the state goes on, no second alert before the reminder.
    await w.clock.advance(5_000);
    const second = instance();
    const during = recorder(second, w.clock);
    await drive(w.clock, second.run());
    await drive(w.clock, second.close());
    expect(during.alerts()).toEqual([]);

    // Restarted with the mapping fixed: the first clean run ends the state the earlier processes began.
    broken = false;
    await w.clock.advance(5_000);
    const third = instance();
    const after = recorder(third, w.clock);
    await drive(w.clock, third.run());
    expect(after.log.filter((e) => e.event === 'recovered').map((e) => e.data)).toEqual([
      expect.objectContaining({ stream: 'orders', code: 'SYNC_STREAM_QUARANTINED', attempts: 3, since }),
    ]);
    await drive(w.clock, third.close());
  });

  it('a stream that keeps quarantining alerts once, reminds while it lasts, and recovers when a run ends it', async () => {
    const w = world();
    seedOrders(w.source, 12);
    let broken = true;
    const sync = w.sync(
      { alerts: { reminderMs: 20_000 } },
      {
        schedule: EVERY_5_S,
        safetyLagMs: 0,
        map: ordersMapping(() => broken),
      },
    );
    const rec = recorder(sync, w.clock);
    sync.start();
    await advance(w.clock, sync, 30_000);
    // Runs at 5, 10, ..., 30 s all quarantine what they read: the first alerts, the one 20 s later reminds.
    const alertsAt = rec.log.filter((e) => e.event === 'alert').map((e) => (e.at - T0) / 1000);
    expect(alertsAt).toEqual([5, 25]);
    expect(rec.alerts()).toEqual([
      expect.objectContaining({
        code: 'SYNC_STREAM_QUARANTINED',
        reminder: false,
        attempts: 1,
        since: T0 + 5_000,
      }),
      expect.objectContaining({
        code: 'SYNC_STREAM_QUARANTINED',
        reminder: true,
        attempts: 5,
        since: T0 + 5_000,
      }),
    ]);
    expect(rec.failures()).toEqual([]);

    // The mapping's input is fixed (same stream definition): the next run re-reads the records at the cursor's
    // stamp, they pass, and the state ends.
    broken = false;
    await advance(w.clock, sync, 5_000);
    const recovered = rec.log.filter((e) => e.event === 'recovered').map((e) => e.data);
    expect(recovered).toEqual([
      expect.objectContaining({
        stream: 'orders',
        code: 'SYNC_STREAM_QUARANTINED',
        attempts: 6,
        since: T0 + 5_000,
      }),
    ]);
    expect(await sync.auditLog({ types: ['recovered'] })).toEqual([
      expect.objectContaining({ message: expect.stringContaining('after 6 quarantining runs') }),
    ]);
    await w.clock.run(sync.stop());
  });
});
