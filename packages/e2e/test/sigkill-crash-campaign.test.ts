import { describe, expect, it } from 'vitest';
import {
  checkAppend,
  checkReplace,
  checkVersioned,
  runCrashCampaign,
} from './fixtures/crash-campaign-lib.js';

// Real crashes: worker processes running the engine over the SQLite store are killed with SIGKILL at seeded-random
// moments (after N Power BI POSTs, or after a delay) while both simulators live on in this process, with
// drop-after-apply, 5xx and ingestion-lag faults on. `pnpm --filter @mlc/sync-engine crash-campaign` runs 50 kills.
describe('e2e SIGKILL crash campaign (six streams, SQLite store, real processes)', () => {
  it('6 kills with Sage X3 changes in between: every record exactly once, nothing lost, nothing left open', async () => {
    const report = await runCrashCampaign({ kills: 6, seed: 20240601 });
    expect(report.problems).toEqual([]);
    expect(report.kills + report.finishedBeforeKill).toBe(6);
    expect(report.kills).toBeGreaterThanOrEqual(3);
    expect(report.mutations).toBe(6);
    expect(report.openIntents).toBe(0);
    expect(report.deadLetters).toBe(0);
    // The checks had something to check: every table holds rows.
    for (const table of [
      'GLEntryLines',
      'SalesInvoiceLines',
      'PurchaseOrderLines',
      'GLAccounts',
      'Suppliers',
      'Products',
    ])
      expect(report.tableRows[table]).toBeGreaterThan(0);
  }, 240_000);
});

describe('the campaign checks catch what they look for', () => {
  const t1 = '2024-01-01T00:00:00Z';
  const t2 = '2024-02-01T00:00:00Z';
  const line = (k: string, n: number) => `${k}/${n}`;
  const keyOf = (r: Record<string, unknown>) => line(String(r.entryKey), Number(r.lineNumber));

  it('append: a duplicate, a loss and a stranger', () => {
    const expected = [
      { entryKey: 'A', lineNumber: 1 },
      { entryKey: 'A', lineNumber: 2 },
      { entryKey: 'B', lineNumber: 1 },
    ];
    const ok: string[] = [];
    checkAppend('T', expected, [...expected], keyOf, ok);
    expect(ok).toEqual([]);
    const bad: string[] = [];
    checkAppend(
      'T',
      expected,
      [expected[0]!, expected[0]!, expected[1]!, { entryKey: 'C', lineNumber: 1 }],
      keyOf,
      bad,
    );
    expect(bad).toEqual([
      'T: posted more than once: A/1×2',
      'T: lost 1 rows: B/1',
      'T: rows Sage X3 does not have: C/1',
    ]);
  });

  it('replace: a key twice and a stale row (Power BI drops the offset)', () => {
    const expected = [
      { key: 'A', updatedAt: t2 },
      { key: 'B', updatedAt: t1 },
    ];
    const ok: string[] = [];
    checkReplace(
      'T',
      expected,
      [
        { key: 'A', updatedAt: '2024-02-01T00:00:00' },
        { key: 'B', updatedAt: t1 },
      ],
      ok,
    );
    expect(ok).toEqual([]);
    const bad: string[] = [];
    checkReplace(
      'T',
      expected,
      [
        { key: 'A', updatedAt: t1 },
        { key: 'A', updatedAt: t2 },
        { key: 'B', updatedAt: t1 },
      ],
      bad,
    );
    expect(bad.join('\n')).toMatch(/keys more than once: A/);
    expect(bad.join('\n')).toMatch(/3 rows, the snapshot has 2/);
  });

  it('versioned: a gap, a repeated version and a latest version that is not current', () => {
    const expected = [{ orderKey: 'P', lineNumber: 1, updatedAt: t2 }];
    const ok: string[] = [];
    checkVersioned(
      'T',
      expected,
      [
        { orderKey: 'P', lineNumber: 1, _version: 1, updatedAt: t1 },
        { orderKey: 'P', lineNumber: 1, _version: 2, updatedAt: t2 },
      ],
      ok,
    );
    expect(ok).toEqual([]);
    const bad: string[] = [];
    checkVersioned(
      'T',
      expected,
      [
        { orderKey: 'P', lineNumber: 1, _version: 1, updatedAt: t1 },
        { orderKey: 'P', lineNumber: 1, _version: 1, updatedAt: t1 },
        { orderKey: 'P', lineNumber: 1, _version: 3, updatedAt: t1 },
      ],
      bad,
    );
    expect(bad).toEqual([
      'T: (key, line, version) more than once: P/1/v1×2',
      'T: P has versions 1,3, not 1..3',
      "T: order P latest version 3 is not Sage X3's current one",
    ]);
  });
});
