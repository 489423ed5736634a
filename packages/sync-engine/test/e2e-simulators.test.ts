import { afterEach, describe, expect, it } from 'vitest';
import { countBy, type Loop, startLoop } from './e2e-helpers.js';

let loop: Loop | undefined;
afterEach(async () => {
  await loop?.close();
  loop = undefined;
});

describe('end to end over loopback: Sage X3 simulator → engine → Power BI simulator', () => {
  it('syncs the six ready-made streams; a second run posts nothing', async () => {
    loop = await startLoop();
    const l = loop;
    const results = await l.clock.run(l.sync().run());
    for (const r of results) expect(r).toMatchObject({ status: 'completed' });
    const byName = Object.fromEntries(results.map((r) => [r.stream, r]));
    expect(l.rows('GLAccounts')).toHaveLength(l.x3sim.control.count('account'));
    expect(l.rows('Suppliers')).toHaveLength(l.x3sim.control.count('supplier'));
    expect(l.rows('Products')).toHaveLength(l.x3sim.control.count('product'));
    expect(l.rows('GLEntryLines')).toHaveLength(l.x3sim.control.lineCount('journalEntry'));
    expect(l.rows('SalesInvoiceLines')).toHaveLength(l.x3sim.control.lineCount('salesInvoice'));
    expect(l.rows('PurchaseOrderLines')).toHaveLength(l.x3sim.control.lineCount('purchaseOrder'));
    expect(new Set(l.rows('GLEntryLines').map((r) => r._batch)).size).toBeGreaterThan(1);
    expect(byName.glEntryLines).toMatchObject({ recordsQuarantined: 0 });
    const posts = l.pbisim.control.requests({ route: 'postRows' }).length;
    const again = await l.clock.run(l.sync().run());
    for (const r of again) expect(r).toMatchObject({ status: 'completed', rowsPosted: 0 });
    expect(l.pbisim.control.requests({ route: 'postRows' }).length).toBe(posts);
    // Every line of every journal entry exactly once.
    expect(
      [...countBy(l.rows('GLEntryLines'), (r) => `${r.entryKey}/${r.lineNumber}`).values()].every(
        (n) => n === 1,
      ),
    ).toBe(true);
  }, 60_000);
});
