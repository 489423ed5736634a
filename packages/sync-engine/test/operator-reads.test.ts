import { describe, expect, it } from 'vitest';
import { type AuditEntryInput, MemoryStateStore, readRecentRuns, searchAudit } from '../src/index.js';

async function storeWith(entries: AuditEntryInput[]): Promise<MemoryStateStore> {
  const store = new MemoryStateStore();
  await store.open();
  await store.appendAudit(entries);
  return store;
}

describe('operator reads of the audit log', () => {
  it('readRecentRuns groups run entries into runs, newest first, with counts and failures', async () => {
    const store = await storeWith([
      { at: 1, type: 'run-started', stream: 'a', message: 'run r1 started', data: { runId: 'r1' } },
      {
        at: 2,
        type: 'run-finished',
        stream: 'a',
        message: 'run r1 completed-with-quarantine: 3 read',
        data: { runId: 'r1', recordsRead: 3, rowsPosted: 2, recordsQuarantined: 1 },
      },
      { at: 3, type: 'run-started', stream: 'b', message: 'run r2 started', data: { runId: 'r2' } },
      {
        at: 4,
        type: 'run-failed',
        stream: 'b',
        message: 'X3 said no',
        data: { runId: 'r2', code: 'X3_AUTH_REJECTED' },
      },
      { at: 5, type: 'run-started', stream: 'a', message: 'run r3 started', data: { runId: 'r3' } },
    ]);
    const runs = await readRecentRuns(store, { limit: 10 });
    expect(runs.map((r) => [r.runId, r.stream, r.outcome])).toEqual([
      ['r3', 'a', 'started'],
      ['r2', 'b', 'failed'],
      ['r1', 'a', 'completed-with-quarantine'],
    ]);
    expect(runs[1]).toMatchObject({ code: 'X3_AUTH_REJECTED', message: 'X3 said no', startedAt: 3 });
    expect(runs[2]).toMatchObject({ recordsRead: 3, rowsPosted: 2, recordsQuarantined: 1, finishedAt: 2 });
    expect((await readRecentRuns(store, { streams: ['b'] })).map((r) => r.runId)).toEqual(['r2']);
    expect((await readRecentRuns(store, { limit: 1 })).map((r) => r.runId)).toEqual(['r3']);
  });

  it('searchAudit keeps the newest matches across streams, oldest first, and filters since, batch and key', async () => {
    const entries: AuditEntryInput[] = [];
    // Stream a's entries are all newer than stream b's: paging a first must not push them out.
    for (let i = 0; i < 30; i++) entries.push({ at: i, type: 'throttled', stream: 'b', message: `b${i}` });
    for (let i = 30; i < 33; i++) entries.push({ at: i, type: 'throttled', stream: 'a', message: `a${i}` });
    entries.push({ at: 40, type: 'batch-committed', stream: 'a', batchId: 'B1', key: 'K1', message: 'k' });
    const store = await storeWith(entries);
    const newest = await searchAudit(store, { streams: ['a', 'b'], types: ['throttled'], limit: 4 });
    expect(newest.map((e) => e.message)).toEqual(['b29', 'a30', 'a31', 'a32']);
    expect((await searchAudit(store, { since: 31, limit: 100 })).map((e) => e.message)).toEqual([
      'a31',
      'a32',
      'k',
    ]);
    expect((await searchAudit(store, { batchId: 'B1' })).map((e) => e.message)).toEqual(['k']);
    expect((await searchAudit(store, { key: 'K1', streams: ['b'] })).length).toBe(0);
  });
});
