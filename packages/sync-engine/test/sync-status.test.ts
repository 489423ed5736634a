import { MlcError } from '@mlc/core';
import { describe, expect, it } from 'vitest';
import { MemoryStateStore, type StateStore, type StreamStatus, readSyncStatus } from '../src/index.js';
import { drive, ordersStream, seedOrders, stamp, world } from './helpers.js';

const HOUR = 3_600_000;

describe('operator status', () => {
  it('reports cursor and lag, the last run with its counts, dead letters, ledger, rows posted and next run', async () => {
    const w = world();
    seedOrders(w.source, 20);
    w.source.put('o000005', stamp(5), {
      key: 'o000005',
      updatedAt: stamp(5),
      customer: 'c5',
      amount: '12,5',
    });
    const sync = w.sync({}, { schedule: 'hourly' });
    const before = await sync.status();
    expect(before.streams[0]).toMatchObject({
      stream: 'orders',
      table: 'Orders',
      mode: 'append',
      openIntents: { count: 0, batchIds: [] },
      deadLetters: { open: 0, replayed: 0, discarded: 0 },
      ledgerSize: 0,
      rowsPosted: 0,
      alerts: [],
    });
    expect(before.streams[0]?.lastRun).toBeUndefined();
    expect(before.streams[0]?.cursor).toBeUndefined();
    await drive(w.clock, sync.run());
    const status = await sync.status();
    const orders = status.streams[0];
    expect(orders?.cursor?.stamp).toBe(stamp(19));
    expect(orders?.lagMs).toBe(w.clock.now() - Date.parse(stamp(19)));
    expect(orders?.lastRun).toMatchObject({
      outcome: 'completed-with-quarantine',
      counts: { recordsRead: 20, recordsQuarantined: 1, rowsPosted: 19 },
    });
    expect(orders?.lastRun?.startedAt).toBeLessThanOrEqual(orders?.lastRun?.finishedAt ?? 0);
    expect(orders?.deadLetters).toEqual({ open: 1, replayed: 0, discarded: 0 });
    expect(orders?.ledgerSize).toBe(19);
    expect(orders?.rowsPosted).toBe(19);
    expect(orders?.nextRunAt).toBe(Math.floor(w.clock.now() / HOUR) * HOUR + HOUR);
    expect(orders?.running).toBe(false);
    expect(orders?.alerts.map((a) => [a.code, a.severity])).toEqual([['SYNC_DEAD_LETTERS_OPEN', 'warning']]);
    expect(status.healthy).toBe(true);
    await sync.close();
  });

  it('a failed run is an active alert with its code, phase, attempts and remedy until a run succeeds', async () => {
    const w = world();
    seedOrders(w.source, 5);
    let broken = true;
    const read = w.source.read.bind(w.source);
    w.source.read = (request) => {
      if (broken) {
        throw new MlcError({
          message: 'Sage X3 refused the credentials of user admin (HTTP 401)',
          code: 'X3_AUTH_REJECTED',
          kind: 'auth',
          status: 401,
        });
      }
      return read(request);
    };
    // The source describes its own failure; the engine knows no source's codes.
    w.source.describeFailure = (error) =>
      (error as { code?: unknown }).code === 'X3_AUTH_REJECTED'
        ? { severity: 'critical', remedy: 'Check the user and password of the X3 source.' }
        : undefined;
    const sync = w.sync();
    await drive(w.clock, sync.run());
    await drive(w.clock, sync.run());
    const failing = await sync.status();
    expect(failing.healthy).toBe(false);
    expect(failing.streams[0]?.lastRun).toMatchObject({
      outcome: 'failed',
      failure: { code: 'X3_AUTH_REJECTED', phase: 'credentials', attempts: 2 },
    });
    expect(failing.alerts).toHaveLength(1);
    expect(failing.alerts[0]).toMatchObject({
      code: 'X3_AUTH_REJECTED',
      severity: 'critical',
      stream: 'orders',
    });
    expect(failing.alerts[0]?.remedy).toMatch(/user and password/);
    broken = false;
    await drive(w.clock, sync.run());
    const healed = await sync.status();
    expect(healed.healthy).toBe(true);
    expect(healed.streams[0]?.lastRun?.outcome).toBe('completed');
    await sync.close();
  });

  it('reads the same from the store alone, and falls back for stores without the optional read methods', async () => {
    const w = world();
    seedOrders(w.source, 7);
    const sync = w.sync();
    await drive(w.clock, sync.run());
    await sync.credentialExpiring({
      credential: 'x3-refresh-token',
      expiresAt: w.clock.now() + 5 * 86_400_000,
      remainingMs: 5 * 86_400_000,
    });
    const expected = await sync.status();
    const stream = ordersStream(w.source);
    const store = new MemoryStateStore({ storage: w.storage, clock: w.clock });
    await store.open();
    const direct = await readSyncStatus({ store, streams: [stream], now: w.clock.now() });
    // A custom store with only the required methods: the same answer, except rows posted (unknown).
    const plain = new Proxy(store, {
      get: (target, prop) => {
        if (prop === 'latestAudit' || prop === 'streamTotals') return undefined;
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as StateStore;
    const fallback = await readSyncStatus({ store: plain, streams: [stream], now: w.clock.now() });
    const { running, ...withoutRunning } = expected.streams[0] as StreamStatus;
    expect(running).toBe(false);
    expect(direct.streams[0]).toEqual(withoutRunning);
    const { rowsPosted, ...rest } = withoutRunning;
    expect(rowsPosted).toBe(7);
    expect(fallback.streams[0]).toEqual(rest);
    expect(direct.credentials).toEqual([
      expect.objectContaining({ credential: 'x3-refresh-token', daysLeft: 5 }),
    ]);
    expect(fallback.credentials).toEqual(direct.credentials);
    expect(direct.alerts.map((a) => a.code)).toEqual(['SYNC_CREDENTIAL_EXPIRING']);
    await sync.close();
  });

  it('discard() parks a dead letter for good under the stream lease, audited once; a second discard is a no-op', async () => {
    const w = world();
    seedOrders(w.source, 3);
    w.source.put('bad', stamp(1, 1), { key: 'bad', updatedAt: stamp(1, 1), customer: 'x', amount: '12,5' });
    const sync = w.sync();
    await drive(w.clock, sync.run());
    const [letter] = await sync.deadLetters({ status: ['open'] });
    expect(letter?.key).toBe('bad');
    expect(await sync.discard([letter?.id ?? '', 'unknown-id'], { reason: 'test data' })).toEqual([
      letter?.id,
    ]);
    expect(await sync.discard([letter?.id ?? ''])).toEqual([]);
    expect((await sync.status()).streams[0]?.deadLetters).toEqual({ open: 0, replayed: 0, discarded: 1 });
    const entries = await sync.auditLog({ types: ['discarded'] });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ stream: 'orders', key: 'bad', data: { reason: 'test data' } });
    w.source.put('bad2', stamp(2, 1), { key: 'bad2', updatedAt: stamp(2, 1), customer: 'x', amount: 'x' });
    await drive(w.clock, sync.run());
    const open = await sync.deadLetters({ status: ['open'] });
    expect(open.map((l) => l.key)).toEqual(['bad2']);
    await w.store.open();
    expect(await w.store.acquireLease({ name: 'orders', owner: 'elsewhere', ttlMs: 60_000 })).toBeDefined();
    await expect(sync.discard(open.map((l) => l.id))).rejects.toMatchObject({ code: 'SYNC_STREAM_BUSY' });
    await sync.close();
  });
});
