import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MemorySinkCountFault } from '@mlc/sync-engine/testing';
import { type SyncEvents, isSyncError } from '../src/index.js';
import { auditTypes, drive, duplicates, keyCounts, seedOrders, world } from './helpers.js';

/** Count answers that are not a count: thrown errors and values that are not a non-negative integer. */
const malformed: fc.Arbitrary<MemorySinkCountFault> = fc.oneof(
  fc.constant<MemorySinkCountFault>({ kind: 'throw' }),
  fc
    .constantFrom<unknown>(undefined, null, Number.NaN, -1, 1.5, '0', '10', true, {}, [], Infinity, 2 ** 60)
    .map((value): MemorySinkCountFault => ({ kind: 'answer', value })),
  fc.double({ noInteger: true }).map((value): MemorySinkCountFault => ({ kind: 'answer', value })),
  fc.integer({ max: -1 }).map((value): MemorySinkCountFault => ({ kind: 'answer', value })),
);

describe('a count that was not read is not zero', () => {
  it('never resends when every count answer is malformed: intent left open, alert, then committed once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(malformed, { minLength: 12, maxLength: 12 }),
        fc.constantFrom('drop-after-apply' as const, 'fail-before-apply' as const),
        async (answers, postFault) => {
          const w = world();
          seedOrders(w.source, 10);
          w.sink.faults.push({ kind: postFault });
          w.sink.countFaults.push(...answers);
          const alerts: Array<SyncEvents['alert']> = [];
          const sync = w.sync();
          sync.on('alert', (a) => alerts.push(a));
          const [first] = await drive(w.clock, sync.run());
          // Unknown outcome and no count: nothing is resent, whatever the answers were.
          expect(w.sink.posts).toBe(1);
          expect(isSyncError((first as { error: unknown }).error, 'SYNC_COUNT_UNREADABLE')).toBe(true);
          expect(alerts.map((a) => a.code)).toContain('SYNC_COUNT_UNREADABLE');
          expect(await auditTypes(w.store)).toContain('verification-unreadable');
          expect(await w.store.listOpenBatches('orders')).toHaveLength(1);
          // Once counts can be read again the open intent settles: commit (landed) or one resend (never landed).
          w.sink.countFaults.length = 0;
          await drive(w.clock, w.sync().run());
          expect(duplicates(w.sink)).toEqual([]);
          expect(keyCounts(w.sink).size).toBe(10);
          expect(w.sink.posts).toBe(postFault === 'drop-after-apply' ? 1 : 2);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a malformed answer between two zeros breaks their agreement; rows that landed are never resent', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(malformed, { nil: undefined }), { minLength: 1, maxLength: 10 }),
        async (answers) => {
          // Rows land but stay invisible to counting for 8 s (settle: 10 s); answers mix real reads and malformed.
          const w = world({ sink: { visibilityDelayMs: 8_000 } });
          seedOrders(w.source, 5);
          w.sink.faults.push({ kind: 'drop-after-apply' });
          for (const answer of answers) w.sink.countFaults.push(answer ?? { kind: 'none' });
          const sync = w.sync({}, { verification: { settleMs: 10_000, recheckMs: 2_000, maxReads: 30 } });
          await drive(w.clock, sync.run());
          await drive(w.clock, w.sync().run());
          expect(duplicates(w.sink)).toEqual([]);
          expect(w.sink.posts).toBe(1);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('retries an unreadable count with a growing wait and commits on the first real answer', async () => {
    const w = world();
    seedOrders(w.source, 10);
    w.sink.faults.push({ kind: 'drop-after-apply' });
    // The read before the settle time counts 0 (says nothing yet); then three reads without a count.
    w.sink.countFaults.push(
      { kind: 'answer', value: 0 },
      { kind: 'throw' },
      { kind: 'answer', value: null },
      { kind: 'throw' },
    );
    const verdicts: Array<SyncEvents['batch-verified']> = [];
    const sync = w.sync();
    sync.on('batch-verified', (e) => verdicts.push(e));
    const start = w.clock.now();
    const [r] = await drive(w.clock, sync.run());
    expect(r).toMatchObject({ status: 'completed', rowsPosted: 10 });
    expect(w.sink.posts).toBe(1);
    expect(w.sink.counts).toBe(5);
    expect(verdicts).toEqual([expect.objectContaining({ decision: 'commit', counted: 10 })]);
    // settle 10 s, then waits of 2, 4 and 8 s (recheckMs 2 s doubling) before the fourth read.
    expect(w.clock.now() - start).toBeGreaterThanOrEqual(10_000 + 2_000 + 4_000 + 8_000);
  });
});
