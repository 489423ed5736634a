import { describe, expect, it } from 'vitest';
import {
  type RowCheckRequest,
  type RowCheckResult,
  type SyncSink,
  type SyncSource,
  checkRowByTypes,
} from '../src/index.js';
import { type MemorySink, type Order, drive, seedOrders, stamp, world } from './helpers.js';

// Issue 9 finding 1 (replace mode): a snapshot row the sink refuses cleared the table (129 → 101 rows) and the
// rebuild stayed stuck for every later run, with no alert. Now every snapshot row is re-checked before the table
// is cleared; a refused record is quarantined (a record dead letter) and the rebuild goes on without it.
const POISON = 13.5;

/** A sink that grows stricter: after `strict = true` it refuses amount 13.5 in checkRow and in post alike. */
function stricterSink(inner: MemorySink): SyncSink & { strict: boolean } {
  const sink = {
    strict: false,
    maxRowsPerPost: inner.maxRowsPerPost,
    ensureTables: inner.ensureTables.bind(inner),
    countBatch: inner.countBatch.bind(inner),
    clear: inner.clear.bind(inner),
    checkRow(request: RowCheckRequest): RowCheckResult {
      if (sink.strict && request.row.amount === POISON)
        return { ok: false, field: 'amount', reason: 'amount 13.5 is not accepted' };
      return checkRowByTypes(request);
    },
    async post(request: Parameters<SyncSink['post']>[0]) {
      if (sink.strict && request.rows.some((r) => r.amount === POISON))
        return { outcome: 'not-applied' as const, error: new Error('400 amount 13.5') };
      return inner.post(request);
    },
  };
  return sink;
}

describe('replace-mode rebuild with a row the sink refuses', () => {
  it('quarantines the poison record before clearing, rebuilds the rest, alerts, and later runs go on', async () => {
    const w = world();
    seedOrders(w.source, 20); // order 9 has amount 13.5
    const sink = stricterSink(w.sink);
    const alerts: string[] = [];
    const first = w.sync({ sink }, { mode: 'replace' });
    const [r1] = await drive(w.clock, first.run());
    expect(r1).toMatchObject({ status: 'completed', rebuilt: true });
    expect(w.sink.rows('Orders')).toHaveLength(20);

    sink.strict = true;
    w.source.put('o000003', stamp(30), {
      key: 'o000003',
      updatedAt: stamp(30),
      customer: 'changed',
      amount: 4.5,
    });
    const second = w.sync({ sink }, { mode: 'replace' });
    second.on('alert', (e) => alerts.push(e.code));
    const [r2] = await drive(w.clock, second.run());
    expect(r2).toMatchObject({ status: 'completed-with-quarantine', rebuilt: true, recordsQuarantined: 1 });
    expect(alerts).toContain('SYNC_REBUILD_ROWS_QUARANTINED');
    const rows = w.sink.rows('Orders');
    expect(rows).toHaveLength(19);
    expect(rows.some((r) => r.key === 'o000009')).toBe(false);
    expect(rows.find((r) => r.key === 'o000003')?.customer).toBe('changed');
    const letters = await second.deadLetters();
    expect(letters).toEqual([
      expect.objectContaining({ kind: 'record', key: 'o000009', field: 'amount', stage: 'map' }),
    ]);
    // Later runs are not stuck.
    w.source.put('o000004', stamp(31), {
      key: 'o000004',
      updatedAt: stamp(31),
      customer: 'again',
      amount: 6,
    });
    const [r3] = await drive(w.clock, w.sync({ sink }, { mode: 'replace' }).run());
    expect(r3).toMatchObject({ status: 'completed' });
    expect(w.sink.rows('Orders')).toHaveLength(19);
    // Once the sink accepts it again, replay re-reads the record and the next rebuild includes it.
    sink.strict = false;
    const source: SyncSource<Order> = {
      read: (request) => w.source.read(request),
      keys: () => w.source.keys(),
      async readKey(key) {
        const record = w.source.get(key);
        return record && { ok: true, key, stamp: record.updatedAt, record };
      },
    };
    const replay = await drive(w.clock, w.sync({ sink }, { mode: 'replace', source }).replay());
    expect(replay.replayed).toHaveLength(1);
    expect(w.sink.rows('Orders').filter((r) => r.key === 'o000009')).toHaveLength(1);
    expect(w.sink.rows('Orders')).toHaveLength(20);
  });

  it('alerts when a rebuild cannot finish (a chunk the sink refuses after the clear)', async () => {
    const w = world();
    seedOrders(w.source, 10);
    const first = w.sync({}, { mode: 'replace' });
    await drive(w.clock, first.run());
    w.source.put('o000001', stamp(30), { key: 'o000001', updatedAt: stamp(30), customer: 'x', amount: 1 });
    w.sink.faults.push({ kind: 'not-applied' });
    const second = w.sync({}, { mode: 'replace' });
    const alerts: string[] = [];
    second.on('alert', (e) => alerts.push(e.code));
    const [failed] = await drive(w.clock, second.run());
    expect(failed && 'error' in failed ? failed.error : undefined).toMatchObject({
      code: 'SYNC_BATCH_FAILED',
    });
    expect(alerts).toContain('SYNC_REBUILD_INCOMPLETE');
    // The next run resumes and finishes the rebuild.
    const [r] = await drive(w.clock, w.sync({}, { mode: 'replace' }).run());
    expect(r).toMatchObject({ status: 'completed' });
    expect(w.sink.rows('Orders')).toHaveLength(10);
  });
});
