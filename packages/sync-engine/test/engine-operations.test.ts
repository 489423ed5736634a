import { describe, expect, it } from 'vitest';
import { MemorySink } from '@mlc/sync-engine/testing';
import {
  compileSchedule,
  createSync,
  isSyncError,
  MemoryStateStore,
  RecordError,
  type PostResult,
  type Row,
  type SyncProgress,
} from '../src/index.js';
import { drive, duplicates, keyCounts, ordersStream, seedOrders, stamp, world } from './helpers.js';

describe('bad input: quarantine and replay', () => {
  it('quarantines a malformed record with key, field, reason and raw record; everything else lands', async () => {
    const w = world();
    seedOrders(w.source, 20);
    w.source.put('o000005', stamp(5), {
      key: 'o000005',
      updatedAt: stamp(5),
      customer: 'c5',
      amount: '12,5',
    });
    w.source.putInvalid('o000006', stamp(6), {
      raw: { KEY: 'o000006', AMT: null },
      field: 'amount',
      reason: 'Required',
    });
    const sync = w.sync();
    const quarantined: string[] = [];
    sync.on('record-quarantined', (e) => quarantined.push(`${e.key}:${e.stage}:${e.field}`));
    const [r] = await drive(w.clock, sync.run());
    expect(r).toMatchObject({ status: 'completed-with-quarantine', recordsQuarantined: 2, rowsPosted: 18 });
    expect(quarantined).toEqual(['o000005:map:amount', 'o000006:source:amount']);
    const letters = await sync.deadLetters({ stream: 'orders' });
    expect(letters).toEqual([
      expect.objectContaining({
        kind: 'record',
        key: 'o000005',
        stamp: stamp(5),
        stage: 'map',
        field: 'amount',
        reason: 'expected a decimal string like "-12.3456", got "12,5"',
        record: expect.objectContaining({ amount: '12,5' }),
      }),
      expect.objectContaining({
        key: 'o000006',
        stage: 'source',
        field: 'amount',
        reason: 'Required',
        raw: { KEY: 'o000006', AMT: null },
      }),
    ]);
    // The cursor moved past them: they live on as dead letters, not as a stuck stream.
    await w.store.open();
    expect(await w.store.getCursor('orders')).toEqual({ stamp: stamp(19), key: 'o000019' });
    // Re-reading the same bad record does not add a second dead letter.
    await drive(w.clock, w.sync({}, { lookbackMs: 86_400_000 * 90 }).run());
    expect(await sync.deadLetters({ stream: 'orders' })).toHaveLength(2);
  });

  it('replay after a mapping fix lands the record exactly once, and is audited', async () => {
    const w = world();
    seedOrders(w.source, 5);
    w.source.put('bad', stamp(3, 1), { key: 'bad', updatedAt: stamp(3, 1), customer: 'x', amount: '12,5' });
    await drive(w.clock, w.sync().run());
    expect(keyCounts(w.sink).has('bad')).toBe(false);
    const fixed = {
      map: (o: { key: string; customer: string; amount: number | string; updatedAt: string }) => ({
        key: o.key,
        customer: o.customer,
        amount: typeof o.amount === 'string' ? Number(o.amount.replace(',', '.')) : o.amount,
        updatedAt: o.updatedAt,
      }),
    };
    const still = await drive(w.clock, w.sync().replay());
    expect(still.replayed).toEqual([]);
    expect(still.refused[0]?.reason).toMatch(/still invalid at amount/);
    const replay = await drive(w.clock, w.sync({}, fixed).replay());
    expect(replay).toMatchObject({ rowsPosted: 1 });
    expect(w.sink.rows('Orders').find((r) => r.key === 'bad')).toMatchObject({ amount: 12.5 });
    // Neither a second replay nor a re-read posts it again.
    expect(await drive(w.clock, w.sync({}, fixed).replay())).toMatchObject({ replayed: [], rowsPosted: 0 });
    await drive(w.clock, w.sync({}, { ...fixed, lookbackMs: 86_400_000 * 90 }).run());
    expect(keyCounts(w.sink).get('bad')).toBe(1);
    expect(duplicates(w.sink)).toEqual([]);
    await w.store.open();
    const audit = await w.store.queryAudit({ types: ['replayed'] });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.data).toMatchObject({ rowsPosted: 1 });
    expect((await w.store.listDeadLetters({ status: ['replayed'] })).map((d) => d.key)).toEqual(['bad']);
  });

  it('a RecordError thrown by a mapping keeps its field and reason; other throws are wrapped', async () => {
    const w = world();
    seedOrders(w.source, 3);
    const sync = w.sync(
      {},
      {
        map: (o) => {
          if (o.key === 'o000001')
            throw new RecordError({ field: 'customer', reason: 'unknown customer c1' });
          if (o.key === 'o000002') throw new TypeError('boom');
          return { key: o.key, customer: o.customer, amount: o.amount as number, updatedAt: o.updatedAt };
        },
      },
    );
    await drive(w.clock, sync.run());
    const letters = await sync.deadLetters();
    expect(letters.map((d) => [d.key, d.field, d.reason])).toEqual([
      ['o000001', 'customer', 'unknown customer c1'],
      ['o000002', undefined, 'mapping threw: boom'],
    ]);
  });
});

describe('scheduler', () => {
  it('compiles nicknames and cron patterns in their time zone, never the host one', () => {
    const from = Date.parse('2024-01-01T10:30:00Z');
    expect(new Date(compileSchedule('hourly', 's')?.(from) ?? 0).toISOString()).toBe(
      '2024-01-01T11:00:00.000Z',
    );
    expect(new Date(compileSchedule('daily', 's')?.(from) ?? 0).toISOString()).toBe(
      '2024-01-02T00:00:00.000Z',
    );
    expect(new Date(compileSchedule('weekly', 's')?.(from) ?? 0).toISOString()).toBe(
      '2024-01-08T00:00:00.000Z',
    );
    const ny = compileSchedule({ cron: '0 6 * * *', timezone: 'America/New_York' }, 's');
    expect(new Date(ny?.(from) ?? 0).toISOString()).toBe('2024-01-01T11:00:00.000Z');
    expect(compileSchedule('manual', 's')).toBeUndefined();
    expect(() => compileSchedule({ cron: 'not a cron' }, 's')).toThrow(/invalid schedule/);
  });

  it('never runs a stream twice at once, even when a run outlasts the interval', async () => {
    const w = world();
    seedOrders(w.source, 3);
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const original = w.source.read.bind(w.source);
    w.source.read = (request) =>
      (async function* () {
        active += 1;
        runs += 1;
        maxActive = Math.max(maxActive, active);
        try {
          await w.clock.sleep(90 * 60_000, request.signal); // a run takes 90 minutes
          yield* original(request);
        } finally {
          active -= 1;
        }
      })();
    const sync = w.sync({}, { schedule: 'hourly' });
    const skipped: string[] = [];
    sync.on('run-skipped', (e) => skipped.push(e.reason));
    sync.start();
    for (let minute = 0; minute < 5 * 60; minute++) {
      await w.clock.advance(60_000);
      if (minute === 100) {
        // A manual run while the scheduled one is in flight is skipped, not run alongside.
        expect(await sync.runStream('orders')).toMatchObject({
          status: 'skipped',
          skippedReason: 'already-running',
        });
      }
    }
    // The 05:00 run is still reading: stop waits a minute for it, then aborts it.
    await drive(w.clock, sync.stop({ timeoutMs: 60_000 }));
    expect(maxActive).toBe(1);
    // Runs start at 01:00, then 03:00 (02:00 passed during the first run), then 05:00.
    expect(runs).toBe(3);
    expect(skipped).toEqual(['already-running']);
    expect(keyCounts(w.sink).size).toBe(3);
    expect(duplicates(w.sink)).toEqual([]);
  });
});

/** A sink whose POSTs wait for the test to let them through. */
class GatedSink extends MemorySink {
  gates: Array<() => void> = [];
  entered = 0;
  override async post(request: {
    table: string;
    rows: readonly Row[];
    batchId: string;
    signal?: AbortSignal;
  }): Promise<PostResult> {
    this.entered += 1;
    await new Promise<void>((resolve, reject) => {
      this.gates.push(resolve);
      request.signal?.addEventListener('abort', () => reject(request.signal?.reason), { once: true });
    });
    return super.post(request);
  }
}

describe('stop()', () => {
  async function setup() {
    const w = world();
    const sink = new GatedSink({ clock: w.clock });
    seedOrders(w.source, 250);
    const make = () =>
      createSync({
        store: new MemoryStateStore({ storage: w.storage, clock: w.clock }),
        sink,
        clock: w.clock,
        streams: [ordersStream(w.source)],
      });
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setImmediate(r));
    };
    return { w, sink, make, until };
  }

  it('mid-batch lets the batch in flight finish, starts no new one, and loses or duplicates nothing', async () => {
    const { sink, make, until } = await setup();
    const sync = make();
    const run = sync.runStream('orders');
    await until(() => sink.entered === 1);
    let stopped = false;
    const stopping = sync.stop().then(() => {
      stopped = true;
    });
    await until(() => false);
    expect(stopped).toBe(false); // waits for the batch in flight
    sink.gates.shift()?.();
    await stopping;
    expect(await run).toMatchObject({ status: 'stopped', rowsPosted: 100, batches: 1 });
    expect(sink.entered).toBe(1);
    // Restart: the rest lands, nothing twice.
    const again = make();
    const next = again.runStream('orders');
    for (let i = 0; i < 5; i++) {
      await until(() => sink.gates.length > 0);
      sink.gates.shift()?.();
    }
    expect(await next).toMatchObject({ status: 'completed', rowsPosted: 150 });
    expect(keyCounts(sink).size).toBe(250);
    expect(duplicates(sink)).toEqual([]);
  });

  it('after the stop timeout aborts the POST; its intent is verified on the next run', async () => {
    const { w, sink, make, until } = await setup();
    const sync = make();
    const run = sync.runStream('orders');
    await until(() => sink.entered === 1);
    const stopping = sync.stop({ timeoutMs: 5_000 });
    await w.clock.advance(5_000);
    await stopping;
    expect(await run).toMatchObject({ status: 'stopped', rowsPosted: 0 });
    await w.store.open();
    expect(await w.store.listOpenBatches('orders')).toHaveLength(1);
    const again = make();
    const next = drive(w.clock, again.runStream('orders'));
    for (let i = 0; i < 5; i++) {
      await until(() => sink.gates.length > 0);
      sink.gates.shift()?.();
    }
    expect(await next).toMatchObject({ status: 'completed', intentsResolved: 1, rowsPosted: 250 });
    expect(keyCounts(sink).size).toBe(250);
    expect(duplicates(sink)).toEqual([]);
  });
});

describe('secrets, credentials, events', () => {
  const KEY = Buffer.alloc(32, 7);

  it('stores the rotated refresh token encrypted; the store never sees it in clear', async () => {
    const w = world();
    const sync = w.sync({ secretKey: KEY });
    const tokens = sync.tokenStore();
    await tokens.save({ refreshToken: 'PLANTED-REFRESH-TOKEN-5f2a', expiresAt: 1_800_000_000_000 });
    expect(JSON.stringify([...w.storage.secrets])).not.toContain('PLANTED');
    expect(await w.sync({ secretKey: KEY }).tokenStore().load()).toEqual({
      refreshToken: 'PLANTED-REFRESH-TOKEN-5f2a',
      expiresAt: 1_800_000_000_000,
    });
    const wrong = w.sync({ secretKey: Buffer.alloc(32, 8) }).tokenStore();
    const error = await wrong.load().catch((e: unknown) => e);
    expect(isSyncError(error, 'SYNC_SECRET_INVALID')).toBe(true);
    expect(String((error as Error).message)).not.toContain('PLANTED');
    // A ciphertext copied to another slot does not decrypt (the slot is authenticated).
    w.storage.secrets.set('other', w.storage.secrets.get('x3.refreshToken') as string);
    await expect(w.sync({ secretKey: KEY }).tokenStore('other').load()).rejects.toMatchObject({
      code: 'SYNC_SECRET_INVALID',
    });
    expect(() => w.sync().tokenStore()).toThrow(/secretKey/);
  });

  it('surfaces an expiring credential as an event, an alert and an audit entry', async () => {
    const w = world();
    const sync = w.sync();
    const seen: string[] = [];
    sync.on('credential-expiring', (e) => seen.push(`event:${e.credential}`));
    sync.on('alert', (e) => seen.push(`alert:${e.code}`));
    await sync.credentialExpiring({
      credential: 'x3-refresh-token',
      expiresAt: Date.parse('2024-03-05T00:00:00Z'),
      remainingMs: 4 * 86_400_000,
    });
    expect(seen).toEqual(['event:x3-refresh-token', 'alert:SYNC_CREDENTIAL_EXPIRING']);
    expect((await sync.auditLog({ types: ['credential-expiring'] }))[0]?.message).toMatch(
      /expires at 2024-03-05T00:00:00.000Z \(in 4 days\)/,
    );
  });

  it('emits progress with counts, throttled time and an ETA; a throwing listener does not break the run', async () => {
    const w = world();
    seedOrders(w.source, 3000);
    const sync = w.sync();
    const progress: SyncProgress[] = [];
    sync.on('progress', (p) => progress.push(p));
    sync.on('batch-committed', () => {
      throw new Error('listener bug');
    });
    const [r] = await drive(w.clock, sync.run());
    expect(r).toMatchObject({ status: 'completed', rowsPosted: 3000 });
    const withEta = progress.filter((p) => p.etaMs !== undefined);
    expect(withEta.length).toBeGreaterThan(0);
    expect(withEta.every((p) => (p.fraction ?? -1) >= 0 && (p.fraction ?? 2) <= 1)).toBe(true);
    expect(progress.at(-1)).toMatchObject({
      recordsRead: 3000,
      rowsPosted: 3000,
      batches: 30,
      throttledMs: 0,
    });
    const counts = progress.map((p) => p.rowsPosted);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    // One event per change of progress: no two consecutive events carry the same counters.
    const keys = progress.map((p) =>
      [
        p.recordsRead,
        p.recordsUnchanged,
        p.recordsQuarantined,
        p.rowsPosted,
        p.batches,
        p.throttledMs,
      ].join(),
    );
    expect(keys.filter((k, i) => k === keys[i - 1])).toEqual([]);
    // A run that only re-reads the cursor's record reports that once, not once per call site.
    progress.length = 0;
    await drive(w.clock, sync.run());
    expect(progress).toEqual([
      expect.objectContaining({ recordsRead: 1, recordsUnchanged: 1, rowsPosted: 0 }),
    ]);
  });
});

describe('reading overlaps posting', () => {
  it('reads and decides the next records while a batch is posted; every record once, in order', async () => {
    const w = world();
    const sink = new GatedSink({ clock: w.clock });
    seedOrders(w.source, 3_500);
    let mapped = 0;
    const sync = createSync({
      store: new MemoryStateStore({ storage: w.storage, clock: w.clock }),
      sink,
      clock: w.clock,
      streams: [
        ordersStream(w.source, {
          batchSize: 1_500,
          map: (o) => {
            mapped += 1;
            return { key: o.key, customer: o.customer, amount: o.amount as number, updatedAt: o.updatedAt };
          },
        }),
      ],
    });
    const run = sync.runStream('orders');
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setImmediate(r));
    };
    await until(() => sink.entered === 1);
    // Batch 1 (records 0–1499) is on the wire; the engine reads on (look-ups go by 1,000 records).
    await until(() => mapped >= 3_000);
    expect(sink.entered).toBe(1);
    expect(mapped).toBeGreaterThanOrEqual(3_000);
    const release = async () => {
      while (sink.entered < 3 || sink.gates.length > 0) {
        await until(() => sink.gates.length > 0);
        sink.gates.shift()?.();
      }
    };
    await release();
    expect(await run).toMatchObject({ status: 'completed', rowsPosted: 3_500, batches: 3 });
    expect(keyCounts(sink).size).toBe(3_500);
    expect(duplicates(sink)).toEqual([]);
    await w.store.open();
    expect(await w.store.getCursor('orders')).toEqual({ stamp: stamp(3_499), key: 'o003499' });
  });
});
