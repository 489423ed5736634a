import { POWER_BI_LIMITS, type PushTable, TABLE_CAPACITY_REMEDY } from '@mlc/powerbi-push-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncAlert } from '../src/index.js';
import { type Loop, startLoop } from './e2e-helpers.js';

// Issue 11: the 5,000,000-row cap of a push table with retention None (powerbi reference §0, §3). The client counts
// a table's rows (COUNTROWS at set-up, plus every append), warns at 80 % and 95 %, and refuses an append that would
// pass the cap before sending anything; the engine raises the warning as an alert, and a refused batch fails the
// run with a critical alert and a remedy — no dead letter, nothing lost: once there is room, the batch lands once.
const ONLY_INVOICES = {
  glAccounts: false,
  glEntryLines: false,
  suppliers: false,
  purchaseOrders: false,
  products: false,
} as const;
const CAP = POWER_BI_LIMITS.maxRowsPerTableNone;

let loop: Loop | undefined;
afterEach(async () => {
  await loop?.close();
  loop = undefined;
});

/** Makes the table look `extra` rows larger to the client than the simulator holds (no 4M rows in a test). */
function prefill(l: Loop, extra: () => number): void {
  const table = l.pbi.table.bind(l.pbi);
  l.pbi.table = ((...args: Parameters<typeof table>) => {
    const t = table(...args) as PushTable;
    return {
      ...t,
      setKnownRowCount: (n: number) => t.setKnownRowCount(n + extra()),
    } as unknown as ReturnType<typeof table>;
  }) as typeof l.pbi.table;
}

describe('e2e: the 5M-row cap of a push table', () => {
  it('warns at 80 % and 95 %, refuses before the cap with a critical alert, and lands the batch once there is room', async () => {
    loop = await startLoop({ streams: ONLY_INVOICES });
    const l = loop;
    let extra = CAP * 0.8 - 20;
    prefill(l, () => extra);
    const alerts: SyncAlert[] = [];
    const watch = () => {
      const sync = l.sync();
      sync.on('alert', (a) => alerts.push(a));
      return sync;
    };

    const [first] = await l.clock.run(watch().run());
    expect(first).toMatchObject({ status: 'completed' });
    const landed = l.rows('SalesInvoiceLines').length;
    expect(landed).toBeGreaterThan(20);
    expect(alerts.map((a) => [a.code, a.severity, a.remedy])).toEqual([
      ['PBI_TABLE_NEARLY_FULL', 'warning', TABLE_CAPACITY_REMEDY],
    ]);
    expect(alerts[0]?.message).toMatch(/SalesInvoiceLines holds \d+ rows, 80% of its 5000000-row cap/);

    // Nearer the cap: the next append crosses 95 %.
    alerts.length = 0;
    extra = CAP * 0.95 - landed - 3;
    // New invoices (an append stream posts each invoice once).
    for (let i = 0; i < 3; i++) l.x3sim.control.insert('salesInvoice');
    await l.clock.advance(120_000);
    const [second] = await l.clock.run(watch().run());
    expect(second).toMatchObject({ status: 'completed' });
    expect(alerts.map((a) => [a.code, a.severity, a.data?.threshold])).toEqual([
      ['PBI_TABLE_NEARLY_FULL', 'warning', 0.95],
    ]);

    // Full: the client refuses the append before sending; the run fails with a critical alert, nothing is
    // dead-lettered and nothing reaches Power BI.
    alerts.length = 0;
    const before = l.rows('SalesInvoiceLines').length;
    extra = CAP - before - 1;
    const keys = [1, 2, 3].map(() => l.x3sim.control.insert('salesInvoice').key);
    await l.clock.advance(120_000);
    const full = watch();
    const [third] = await l.clock.run(full.run());
    expect(third && 'status' in third).toBe(false);
    const refused = third && 'error' in third ? third.error : undefined;
    expect(refused).toMatchObject({ code: 'PBI_TABLE_FULL', name: 'PowerBITableFullError' });
    expect(alerts.map((a) => [a.code, a.severity, a.remedy])).toContainEqual([
      'PBI_TABLE_FULL',
      'critical',
      TABLE_CAPACITY_REMEDY,
    ]);
    expect(await full.deadLetters()).toEqual([]);
    expect(l.rows('SalesInvoiceLines').length).toBe(before);
    // The status (any process, from the store alone) gives the alert's own advice, not a catalogue fallback.
    const status = await full.status();
    expect(status.alerts.map((a) => [a.code, a.severity, a.remedy])).toContainEqual([
      'PBI_TABLE_FULL',
      'critical',
      TABLE_CAPACITY_REMEDY,
    ]);

    // Someone made room (a yearly table, a rebuilt window): the open batch lands, once.
    extra = 0;
    await l.clock.advance(120_000);
    const [fourth] = await l.clock.run(watch().run());
    expect(fourth && 'status' in fourth ? fourth.status : 'failed').toMatch(/^completed/);
    const after = l.rows('SalesInvoiceLines');
    const lines = keys.map((key) => l.x3sim.control.get('salesInvoice', key)?.lines?.length ?? 0);
    for (const [k, key] of keys.entries()) {
      expect(after.filter((r) => r.invoiceKey === key)).toHaveLength(lines[k] as number);
    }
    expect(after.length).toBe(before + lines.reduce((a, b) => a + b, 0));
  }, 120_000);
});
