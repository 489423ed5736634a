import type { Clock } from '@mlc/core';
import { describe, expect, it } from 'vitest';
import { isSyncError, type SyncEvents, type SyncHooks } from '../src/index.js';
import {
  auditTypes,
  crashAt,
  drive,
  duplicates,
  keyCounts,
  seedOrders,
  stamp,
  type World,
  world,
} from './helpers.js';

describe('verification of unknown outcomes', () => {
  it('waits for late-visible rows instead of resending (settle time + two agreeing reads)', async () => {
    // Rows become visible to counting 8 s after they land; the settle time is 10 s.
    const w2 = world({ sink: { visibilityDelayMs: 8_000 } });
    seedOrders(w2.source, 30);
    w2.sink.faults.push({ kind: 'unknown-after-apply' });
    const verdicts: Array<SyncEvents['batch-verified']> = [];
    const sync = w2.sync();
    sync.on('batch-verified', (e) => verdicts.push(e));
    const [r] = await drive(w2.clock, sync.run());
    expect(r).toMatchObject({ status: 'completed', rowsPosted: 30 });
    expect(w2.sink.posts).toBe(1);
    expect(keyCounts(w2.sink).size).toBe(30);
    expect(verdicts.at(-1)).toMatchObject({ decision: 'commit', counted: 30, expected: 30 });
    expect(await auditTypes(w2.store)).toContain('batch-verified');
  });

  it('does not trust a zero before the settle time, even from two reads', async () => {
    const w2 = world({ sink: { visibilityDelayMs: 25_000 } });
    const sink = w2.sink;
    seedOrders(w2.source, 5);
    // settle 30 s, recheck 2 s: zeros read before 25 s must not cause a resend.
    sink.faults.push({ kind: 'drop-after-apply' });
    await drive(
      w2.clock,
      w2.sync({}, { verification: { settleMs: 30_000, recheckMs: 2_000, maxReads: 30 } }).run(),
    );
    expect(sink.posts).toBe(1);
    expect(duplicates(sink)).toEqual([]);
    expect(keyCounts(sink).size).toBe(5);
  });

  it('resends the same rows with the same batch id after a trusted zero', async () => {
    const w = world();
    seedOrders(w.source, 10);
    w.sink.faults.push({ kind: 'fail-before-apply' });
    const [r] = await drive(w.clock, w.sync().run());
    expect(r).toMatchObject({ status: 'completed', rowsPosted: 10 });
    // Nothing else to do meanwhile: the run waited the settle time (10 s here) and the second read (2 s) for it.
    expect(r && 'settleWaitMs' in r ? r.settleWaitMs : undefined).toBe(12_000);
    expect(w.sink.posts).toBe(2);
    expect(new Set(w.sink.rows('Orders').map((row) => row._batch)).size).toBe(1);
    expect(await auditTypes(w.store)).toContain('batch-resent');
  });

  it('quarantines a partly applied batch, alerts, and never re-posts it automatically', async () => {
    const w = world();
    seedOrders(w.source, 10);
    w.sink.faults.push({ kind: 'partial', applied: 4 });
    const alerts: Array<SyncEvents['alert']> = [];
    const sync = w.sync();
    sync.on('alert', (a) => alerts.push(a));
    const [r] = await drive(w.clock, sync.run());
    expect(r).toMatchObject({ status: 'completed' });
    expect(alerts.map((a) => a.code)).toContain('SYNC_BATCH_QUARANTINED');
    const letters = await sync.deadLetters({ stream: 'orders' });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ kind: 'batch', partial: true, status: 'open' });
    expect(letters[0]?.rows).toHaveLength(10);
    await drive(w.clock, w.sync().run());
    expect(w.sink.rows('Orders')).toHaveLength(4);
    // Replay refuses without force, and re-posts the rows as they are with force.
    const refused = await drive(w.clock, w.sync().replay());
    expect(refused.refused).toHaveLength(1);
    expect(w.sink.rows('Orders')).toHaveLength(4);
    const forced = await drive(w.clock, w.sync().replay({ force: true }));
    expect(forced.replayed).toEqual([letters[0]?.id]);
    expect(w.sink.rows('Orders')).toHaveLength(14);
    expect(await auditTypes(w.store)).toEqual(
      expect.arrayContaining(['batch-quarantined', 'replay-refused', 'duplicate-risk', 'replayed']),
    );
  });

  it('policy halt: unverifiable unknown outcome leaves the intent open and fails loudly', async () => {
    const w = world();
    w.sink.canCount = false;
    seedOrders(w.source, 10);
    w.sink.faults.push({ kind: 'drop-after-apply' });
    const [r] = await drive(w.clock, w.sync().run());
    expect(isSyncError((r as { error: unknown }).error, 'SYNC_VERIFICATION_UNAVAILABLE')).toBe(true);
    await w.store.open();
    expect(await w.store.listOpenBatches('orders')).toHaveLength(1);
    expect(await w.store.getCursor('orders')).toBeUndefined();
    // Nothing moves until someone decides: the next run halts on the same intent.
    const [again] = await drive(w.clock, w.sync().run());
    expect(again).toHaveProperty('error');
    expect(w.sink.rows('Orders')).toHaveLength(10);
    // Once the tenant allows counting again, the intent is verified and committed; nothing is duplicated.
    w.sink.canCount = true;
    const [ok] = await drive(w.clock, w.sync().run());
    expect(ok).toMatchObject({ status: 'completed', intentsResolved: 1 });
    expect(duplicates(w.sink)).toEqual([]);
    expect(await auditTypes(w.store)).toContain('verification-unavailable');
  });

  it('policy skip: commits without resending (at most once), audited and alerted', async () => {
    const w = world();
    w.sink.canCount = false;
    seedOrders(w.source, 10);
    w.sink.faults.push({ kind: 'fail-before-apply' });
    const alerts: string[] = [];
    const sync = w.sync({}, { verification: { whenUnsupported: 'skip' } });
    sync.on('alert', (a) => alerts.push(a.code));
    const [r] = await drive(w.clock, sync.run());
    expect(r).toMatchObject({ status: 'completed' });
    expect(w.sink.rows('Orders')).toHaveLength(0); // lost, by policy
    expect(alerts).toContain('SYNC_SKIPPED_UNVERIFIED');
    expect(await auditTypes(w.store)).toContain('skipped-unverified');
  });

  it('policy resend: at least once, the duplicate risk is audited', async () => {
    const w = world();
    w.sink.canCount = false;
    seedOrders(w.source, 10);
    w.sink.faults.push({ kind: 'drop-after-apply' });
    const [r] = await drive(w.clock, w.sync({}, { verification: { whenUnsupported: 'resend' } }).run());
    expect(r).toMatchObject({ status: 'completed' });
    expect(w.sink.rows('Orders')).toHaveLength(20);
    await w.store.open();
    const audit = await w.store.queryAudit({ types: ['duplicate-risk', 'batch-committed'] });
    expect(audit.map((a) => a.type)).toEqual(['duplicate-risk', 'batch-committed']);
    expect(audit[1]?.data).toMatchObject({ duplicateRisk: true });
  });

  it('a batch the sink certainly rejected fails the run, keeps the cursor, and is retried next run', async () => {
    const w = world();
    seedOrders(w.source, 10);
    w.sink.faults.push({ kind: 'not-applied' });
    const [r] = await drive(w.clock, w.sync().run());
    expect(isSyncError((r as { error: unknown }).error, 'SYNC_BATCH_FAILED')).toBe(true);
    await w.store.open();
    expect(await w.store.getCursor('orders')).toBeUndefined();
    const [ok] = await drive(w.clock, w.sync().run());
    expect(ok).toMatchObject({ rowsPosted: 10 });
    // The failed batch's dead letter replays to nothing: its records already landed.
    const replay = await drive(w.clock, w.sync().replay());
    expect(replay).toMatchObject({ rowsPosted: 0 });
    expect(replay.replayed).toHaveLength(1);
    expect(w.sink.rows('Orders')).toHaveLength(10);
  });
});

describe('verification off the critical path', () => {
  /**
   * Lets the run work without moving the test clock (so no settle time can pass) until the sink saw `posts` POSTs
   * or nothing moves any more; returns the POSTs seen. Then drives the clock to the run's end.
   */
  async function postsWhileTimeStands<T>(w: World, run: Promise<T>, posts: number) {
    run.catch(() => undefined);
    for (let i = 0; i < 5000 && w.sink.posts < posts; i++) await new Promise((r) => setImmediate(r));
    const seen = w.sink.posts;
    return { seen, result: await drive(w.clock, run) };
  }

  it('posts the next batches while an ambiguous one settles; every record once, the cursor at the end', async () => {
    // Rows become countable 8 s after they land: the early count reads 0, so batch 1 waits its settle time.
    const w = world({ sink: { visibilityDelayMs: 8_000 } });
    seedOrders(w.source, 250);
    // The first POST is applied and its answer lost: only the settle time tells a late row from a lost one.
    w.sink.faults.push({ kind: 'drop-after-apply' });
    const { seen, result } = await postsWhileTimeStands(w, w.sync().run(), 3);
    // Batches 2 and 3 did not wait for batch 1's settle time.
    expect(seen).toBe(3);
    expect(result[0]).toMatchObject({ status: 'completed', rowsPosted: 250 });
    // The settle wait counts only what the later batches did not overlap.
    const settleWaitMs = result[0] && 'settleWaitMs' in result[0] ? result[0].settleWaitMs : -1;
    expect(settleWaitMs).toBeGreaterThan(0);
    expect(settleWaitMs).toBeLessThanOrEqual(12_000);
    expect(w.sink.posts).toBe(3);
    expect(keyCounts(w.sink).size).toBe(250);
    expect(duplicates(w.sink)).toEqual([]);
    await w.store.open();
    expect(await w.store.listOpenBatches()).toEqual([]);
    expect(await w.store.getCursor('orders')).toEqual({ stamp: stamp(249), key: 'o000249' });
  });

  it('after a crash, verifies the open intent while reading on; a record of it that changed waits for it', async () => {
    // Rows become countable 8 s after they land: the early count reads 0, so batch 1 waits its settle time.
    const w = world({ sink: { visibilityDelayMs: 8_000 } });
    const over = { mode: 'versioned' as const };
    seedOrders(w.source, 250);
    // Run 1: batch 1 is applied, its answer lost, and the process dies right then.
    w.sink.faults.push({ kind: 'drop-after-apply' });
    const [crashed] = await drive(w.clock, w.sync({ hooks: crashAt('post-returned') }, over).run());
    expect(crashed).toHaveProperty('error');
    await w.store.open();
    const open = await w.store.listOpenBatches('orders');
    expect(open.map((b) => [b.kind, b.rowCount])).toEqual([['rows', 100]]);
    // o000005 (in the open batch) changes, and o000120 (not posted yet): both are read again last.
    for (const [i, at] of [
      [5, 300],
      [120, 301],
    ] as const) {
      const key = `o${String(i).padStart(6, '0')}`;
      w.source.put(key, stamp(at), { key, updatedAt: stamp(at), customer: 'changed', amount: i });
    }
    const postsBefore = w.sink.posts;
    const { seen, result } = await postsWhileTimeStands(w, w.sync({}, over).run(), postsBefore + 1);
    // The open batch's unchanged records did not wait for its verification: batch 2 was posted meanwhile.
    expect(seen).toBe(postsBefore + 1);
    expect(result[0]).toMatchObject({ status: 'completed', intentsResolved: 1 });
    const rows = w.sink.rows('Orders');
    const versions = (key: string) => rows.filter((row) => row.key === key).map((row) => row._version);
    // The changed record of the open batch got version 2 after version 1 settled, not a second version 1.
    expect(versions('o000005')).toEqual([1, 2]);
    expect(versions('o000120')).toEqual([1]);
    expect(versions('o000006')).toEqual([1]);
    expect(rows).toHaveLength(251);
    await w.store.open();
    expect(await w.store.listOpenBatches()).toEqual([]);
    expect(await w.store.getCursor('orders')).toEqual({ stamp: stamp(301), key: 'o000120' });
  });
});

describe('a takeover waits a request timeout only for a POST that may still be in flight', () => {
  const REQUEST_TIMEOUT = 120_000;

  /** Run 1 posts one batch whose answer is lost (nothing landed) and dies at `crashStep`; returns run 2's resend delay. */
  async function resendDelayAfterCrashAt(crashStep: string): Promise<number> {
    const w = world({ sink: { requestTimeoutMs: REQUEST_TIMEOUT } });
    const options = { leaseTtlMs: 600_000 };
    seedOrders(w.source, 50);
    w.sink.faults.push({ kind: 'fail-before-apply' });
    const [crashed] = await drive(w.clock, w.sync({ ...options, hooks: crashAt(crashStep) }).run());
    expect(crashed).toHaveProperty('error');
    return restartAndTimeResend(w, options);
  }

  /**
   * Restarts the stream, which resolves one open intent and finishes with 50 orders once each; returns how long
   * after the restart the first POST (the resend) went out.
   */
  async function restartAndTimeResend(w: World, options: { leaseTtlMs: number }): Promise<number> {
    const restartedAt = w.clock.now();
    const sync = w.sync(options);
    const postedAt: number[] = [];
    sync.on('batch-posted', () => postedAt.push(w.clock.now()));
    const [r] = await drive(w.clock, sync.run());
    expect(r).toMatchObject({ status: 'completed', intentsResolved: 1 });
    expect(keyCounts(w.sink).size).toBe(50);
    expect(duplicates(w.sink)).toEqual([]);
    expect(postedAt).toHaveLength(1);
    return (postedAt[0] ?? Number.NaN) - restartedAt;
  }

  it('the answer was recorded before the crash: the resend waits the settle time only', async () => {
    // The early count read comes after the answer was recorded (answeredAt).
    const delay = await resendDelayAfterCrashAt('verify-count');
    expect(delay).toBeGreaterThanOrEqual(10_000);
    expect(delay).toBeLessThan(REQUEST_TIMEOUT);
  });

  it('the process died before the answer was recorded: the resend waits the request timeout too', async () => {
    const delay = await resendDelayAfterCrashAt('post-returned');
    expect(delay).toBeGreaterThanOrEqual(REQUEST_TIMEOUT + 10_000);
  });

  it('an answer recorded for an earlier POST says nothing of a later one, whatever the clocks wrote', async () => {
    // Worker A's wall clock is stepped forward while its POST (attempt 1) is out; the POST is answered, outcome
    // unknown, and A dies. Worker B takes over, counts zero twice, resends (attempt 2) and dies before that answer:
    // its postedAt, on B's clock, is before A's answeredAt. Worker C must treat B's POST as possibly still in flight
    // and wait the request timeout, as for any unanswered POST.
    const w = world({ sink: { requestTimeoutMs: REQUEST_TIMEOUT } });
    const options = { leaseTtlMs: 600_000 };
    seedOrders(w.source, 50);
    w.sink.faults.push({ kind: 'fail-before-apply' }, { kind: 'fail-before-apply' });
    let step = 60_000;
    const steppedClock = {
      now: () => w.clock.now() + step,
      sleep: (ms: number, signal?: AbortSignal) => w.clock.sleep(ms, signal),
    };
    const crash = crashAt('verify-count');
    const hooks: SyncHooks = {
      onProtocolStep(name, info) {
        if (name === 'post-returned') step = 200_000;
        return crash.onProtocolStep?.(name, info);
      },
    };
    await drive(w.clock, w.sync({ ...options, clock: steppedClock, hooks }).run());
    await drive(w.clock, w.sync({ ...options, hooks: crashAt('post-returned') }).run());
    await w.store.open();
    const [open] = await w.store.listOpenBatches('orders');
    expect(open?.attempts).toBe(2);
    expect(open?.answeredAt).toBeGreaterThan(open?.postedAt ?? Number.POSITIVE_INFINITY);
    expect(await restartAndTimeResend(w, options)).toBeGreaterThanOrEqual(REQUEST_TIMEOUT + 10_000);
    expect(open?.answeredAttempt).toBe(1);
  });
});

describe('a takeover on the same machine counts the settle time from the answer', () => {
  /**
   * Run 1's POST is answered with an unknown outcome (nothing landed) and it dies right after recording that answer;
   * the restart comes `downMs` later, on `restartClock`. Returns when run 2 resent, from the answer and from the
   * restart.
   */
  async function resendAfter(downMs: number, restartClock?: (w: World) => Clock) {
    const w = world({ sink: { requestTimeoutMs: 120_000 } });
    const options = { leaseTtlMs: 600_000 };
    seedOrders(w.source, 50);
    w.sink.faults.push({ kind: 'fail-before-apply' });
    let answeredAt = Number.NaN;
    const first = w.sync({ ...options, hooks: crashAt('verify-count') });
    first.on('batch-posted', () => {
      answeredAt = w.clock.now();
    });
    await drive(w.clock, first.run());
    await w.clock.advance(downMs);
    const restartedAt = w.clock.now();
    const logs: string[] = [];
    const note = (_fields: unknown, message?: string) => {
      if (message) logs.push(message);
    };
    const logger = { debug: () => {}, info: note, warn: note, error: note };
    const sync = w.sync({ ...options, logger, ...(restartClock ? { clock: restartClock(w) } : {}) });
    const posted: number[] = [];
    sync.on('batch-posted', () => posted.push(w.clock.now()));
    const [r] = await drive(w.clock, sync.run());
    expect(r).toMatchObject({ status: 'completed', intentsResolved: 1 });
    expect(duplicates(w.sink)).toEqual([]);
    expect(keyCounts(w.sink).size).toBe(50);
    expect(posted).toHaveLength(1);
    const resentAt = posted[0] ?? Number.NaN;
    return { sinceAnswer: resentAt - answeredAt, sinceRestart: resentAt - restartedAt, logs };
  }

  it('a restart 7 s after the answer resends 10 s (settle) + 2 s (second read) after the answer', async () => {
    const { sinceAnswer, sinceRestart, logs } = await resendAfter(7_000);
    expect(sinceAnswer).toBe(12_000);
    expect(sinceRestart).toBe(5_000);
    // The operator's log says why the run waits, and from when.
    expect(logs).toContain(
      'open batch taken over: its last POST was answered 7 s ago on this machine: the settle time counts from that answer',
    );
  });

  it('a restart long after the answer trusts two agreeing zeros at once', async () => {
    const { sinceRestart } = await resendAfter(60_000);
    expect(sinceRestart).toBe(2_000);
  });

  it('a rebuild chunk answered before the crash: resent 10 s + 2 s after the answer, no request timeout', async () => {
    const w = world({ sink: { requestTimeoutMs: 120_000 } });
    const options = { leaseTtlMs: 600_000 };
    const over = { mode: 'replace' as const, batchSize: 20 };
    seedOrders(w.source, 50);
    await drive(w.clock, w.sync(options, over).run());
    w.source.put('o000003', stamp(2000), {
      key: 'o000003',
      updatedAt: stamp(2000),
      customer: 'new',
      amount: 3,
    });
    // The rebuild's first chunk is answered with an unknown outcome (nothing landed); the worker dies right after.
    w.sink.faults.push({ kind: 'fail-before-apply' });
    let answeredAt = Number.NaN;
    const first = w.sync({ ...options, hooks: crashAt('verify-count') }, over);
    first.on('batch-posted', (e) => {
      if (e.outcome === 'unknown') answeredAt = w.clock.now();
    });
    await drive(w.clock, first.run());
    await w.clock.advance(7_000);
    const sync = w.sync(options, over);
    const posted: number[] = [];
    sync.on('batch-posted', () => posted.push(w.clock.now()));
    const [r] = await drive(w.clock, sync.run());
    expect(r).toMatchObject({ status: 'completed' });
    expect(duplicates(w.sink)).toEqual([]);
    expect(w.sink.rows('Orders')).toHaveLength(50);
    expect(w.sink.rows('Orders').find((row) => row.key === 'o000003')).toMatchObject({ customer: 'new' });
    expect((posted[0] ?? Number.NaN) - answeredAt).toBe(12_000);
  });

  it('another machine (no shared monotonic clock) counts the settle time from its own start', async () => {
    const { sinceRestart, logs } = await resendAfter(7_000, (w) => ({
      now: () => w.clock.now(),
      sleep: (ms, signal, o) => w.clock.sleep(ms, signal, o),
    }));
    expect(sinceRestart).toBe(12_000);
    expect(logs.some((line) => line.includes('on a clock this worker cannot compare with'))).toBe(true);
  });

  it('a wall clock stepped while the worker was down makes the restart count from its own start', async () => {
    // The monotonic clock says 7 s passed; the wall clock, stepped forward an hour, says otherwise.
    const { sinceRestart } = await resendAfter(7_000, (w) => ({
      now: () => w.clock.now() + 3_600_000,
      sleep: (ms, signal, o) => w.clock.sleep(ms, signal, o),
      monotonic: () => w.clock.monotonic(),
    }));
    expect(sinceRestart).toBe(12_000);
  });
});
