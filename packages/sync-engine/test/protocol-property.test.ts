import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MemorySinkFault } from '@mlc/sync-engine/testing';
import type { StreamMode } from '../src/index.js';
import { crashAt, drive, type Order, world } from './helpers.js';

const STEPS = [
  'intent-written',
  'before-post',
  'post-returned',
  'committed',
  'verify-count',
  'snapshot-committed',
  'rebuild-cleared',
  'rebuild-chunk-posted',
] as const;

const FAULTS: Array<MemorySinkFault['kind']> = [
  'none',
  'drop-after-apply',
  'unknown-after-apply',
  'fail-before-apply',
];

const scenario = fc.record({
  mode: fc.constantFrom<StreamMode>('append', 'versioned', 'replace'),
  records: fc.integer({ min: 1, max: 60 }),
  batchSize: fc.integer({ min: 1, max: 25 }),
  pageSize: fc.integer({ min: 1, max: 30 }),
  lookbackMs: fc.constantFrom(0, 30 * 60_000, 10 * 86_400_000),
  rounds: fc.array(
    fc.record({
      updates: fc.array(fc.integer({ min: 0, max: 59 }), { maxLength: 8 }),
      inserts: fc.integer({ min: 0, max: 5 }),
      faults: fc.array(fc.constantFrom(...FAULTS), { maxLength: 6 }),
      crash: fc.option(fc.record({ step: fc.constantFrom(...STEPS), nth: fc.integer({ min: 1, max: 4 }) }), {
        nil: undefined,
      }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

describe('property: the protocol under random data, faults and crashes', () => {
  it('ends with each record once (append), one row per version (versioned), the snapshot (replace)', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const w = world({ pageSize: s.pageSize });
        const stream = { mode: s.mode, batchSize: s.batchSize, lookbackMs: s.lookbackMs };
        let minute = 0;
        const put = (key: string, customer: string) => {
          minute += 1;
          const at = new Date(Date.UTC(2024, 0, 1, 0, minute)).toISOString();
          w.source.put(key, at, { key, updatedAt: at, customer, amount: minute });
        };
        const versions = new Map<string, Order[]>();
        const record = (key: string) =>
          versions.set(key, [...(versions.get(key) ?? []), w.source.get(key) as Order]);
        for (let i = 0; i < s.records; i++) {
          put(`k${i}`, 'v1');
          record(`k${i}`);
        }
        let inserted = 0;
        for (const round of s.rounds) {
          for (const u of round.updates) {
            const key = `k${u % s.records}`;
            put(key, `u${minute}`);
            record(key);
          }
          for (let i = 0; i < round.inserts; i++) {
            const key = `n${inserted++}`;
            put(key, 'new');
            record(key);
          }
          w.sink.faults.push(...round.faults.map((kind) => ({ kind }) as MemorySinkFault));
          const hooks = round.crash ? crashAt(round.crash.step, round.crash.nth) : {};
          await drive(w.clock, w.sync({ hooks }, stream).run());
          w.sink.faults.length = 0;
          await w.clock.advance(120_000);
        }
        // Recovery: clean runs until nothing is left open.
        await drive(w.clock, w.sync({}, stream).run());
        await drive(w.clock, w.sync({}, stream).run());
        const rows = w.sink.rows('Orders');
        if (s.mode === 'append') {
          expect(rows.map((r) => r.key).sort()).toEqual([...versions.keys()].sort());
        } else if (s.mode === 'replace') {
          const snapshot = [...versions.keys()]
            .map((k) => `${k}:${(w.source.get(k) as Order).customer}`)
            .sort();
          expect(rows.map((r) => `${r.key}:${r.customer}`).sort()).toEqual(snapshot);
        } else {
          const seen = new Map<string, number[]>();
          for (const r of rows)
            seen.set(String(r.key), [...(seen.get(String(r.key)) ?? []), Number(r._version)]);
          for (const [key, list] of seen) {
            const sorted = [...list].sort((a, b) => a - b);
            expect(sorted).toEqual(sorted.map((_, i) => i + 1)); // 1..n, none twice
            const latest = rows.find((r) => r.key === key && r._version === sorted.length);
            expect(latest?.customer).toBe((w.source.get(key) as Order).customer);
          }
          expect([...seen.keys()].sort()).toEqual([...versions.keys()].sort());
        }
        await w.store.open();
        expect(await w.store.listOpenBatches()).toEqual([]);
      }),
      { numRuns: 200, seed: 20241126 },
    );
  }, 120_000);
});
