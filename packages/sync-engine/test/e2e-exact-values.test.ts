import { afterEach, describe, expect, it } from 'vitest';
import { x3Streams } from '../src/sage-x3.js';
import { type Loop, startLoop } from './e2e-helpers.js';

// Issue 9, findings 1–3, through both simulators and the real clients: a value Power BI cannot hold quarantines
// its record (a record dead letter naming field and reason) and the run goes on; a value it can hold arrives
// exactly; an impossible date is refused, never moved to another day.
const ONLY_PO = {
  glAccounts: false,
  glEntryLines: false,
  suppliers: false,
  salesInvoices: false,
  products: false,
} as const;

let loop: Loop | undefined;
afterEach(async () => {
  await loop?.close();
  loop = undefined;
});

describe('exact values end to end', () => {
  it('a Decimal Power BI refuses (scale 6, precision 31) is a record dead letter; replay with a rounding rule lands it once', async () => {
    loop = await startLoop({ streams: ONLY_PO });
    const l = loop;
    const first = await l.clock.run(l.sync().run());
    expect(first[0]).toMatchObject({ status: 'completed', recordsQuarantined: 0 });
    const before = l.rows('PurchaseOrderLines').length;
    const all = [...new Set(l.rows('PurchaseOrderLines').map((r) => String(r.orderKey)))];
    const [scaled, huge, exact] = all as [string, string, string];
    const lineOf = (key: string) => {
      const record = l.x3sim.control.get('purchaseOrder', key);
      return (record?.lines ?? []).map((line) => ({ ...line }));
    };
    const scaledLines = lineOf(scaled);
    scaledLines[0] = { ...scaledLines[0], lineAmount: 123.456789 };
    l.x3sim.control.update('purchaseOrder', scaled, { lines: scaledLines });
    l.x3sim.control.update('purchaseOrder', huge, { values: { totalAmountExcludingTax: 1e30 } });
    l.x3sim.control.update('purchaseOrder', exact, {
      values: { totalAmountExcludingTax: '9999999999.1234' },
    });
    await l.clock.advance(120_000);
    const sync = l.sync();
    const [r] = await l.clock.run(sync.run());
    // The run completes: only the two bad records are held back, everything else (the exact one too) lands.
    expect(r).toMatchObject({ status: 'completed-with-quarantine', recordsQuarantined: 2 });
    const letters = await sync.deadLetters();
    expect(letters.map((d) => d.kind)).toEqual(['record', 'record']);
    expect(letters.map((d) => [d.key, d.field, d.reason])).toEqual(
      expect.arrayContaining([
        [scaled, '[0].amount', expect.stringMatching(/scale 6 exceeds 4/)],
        [huge, '[0].orderAmountExcludingTax', expect.stringMatching(/precision 31 exceeds 28/)],
      ]),
    );
    const rows = l.rows('PurchaseOrderLines');
    expect(
      rows.filter((x) => x.orderKey === exact && x._version === 2).map((x) => x.orderAmountExcludingTax),
    ).toEqual(lineOf(exact).map(() => 9999999999.1234));
    expect(rows.filter((x) => x.orderKey === scaled && x._version === 2)).toEqual([]);
    expect(rows.length).toBe(before + lineOf(exact).length);
    // Every later run goes on (no batch dead letter piles up).
    const [again] = await l.clock.run(l.sync().run());
    expect(again && 'status' in again ? again.status : 'failed').toMatch(/^completed/);
    expect((await sync.deadLetters()).filter((d) => d.kind === 'batch')).toEqual([]);
    // The stream now declares a rounding rule: replay re-reads and re-maps the record, and it lands once.
    l.streams.splice(
      0,
      l.streams.length,
      ...x3Streams(l.x3, { ...ONLY_PO, purchaseOrders: { decimalRounding: 'half-even' } }),
    );
    const fixed = l.sync();
    const replay = await l.clock.run(fixed.replay());
    expect(replay.replayed).toHaveLength(1);
    expect(replay.refused).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/precision 31/) }),
    ]);
    const landed = l.rows('PurchaseOrderLines').filter((x) => x.orderKey === scaled && x._version === 2);
    expect(landed.map((x) => x.amount)).toContain(123.4568);
    expect(await l.clock.run(fixed.replay())).toMatchObject({ replayed: [], rowsPosted: 0 });
  }, 120_000);

  it('an impossible date is a record error and an X3 empty date posts as blank, never as another day', async () => {
    loop = await startLoop({ streams: ONLY_PO });
    const l = loop;
    await l.clock.run(l.sync().run());
    const all = [...new Set(l.rows('PurchaseOrderLines').map((r) => String(r.orderKey)))];
    const [impossible, empty, ancient] = all as [string, string, string];
    l.x3sim.control.update('purchaseOrder', impossible, { values: { orderDate: '2024-02-30' } });
    l.x3sim.control.update('purchaseOrder', empty, { values: { orderDate: '0000-00-00' } });
    l.x3sim.control.update('purchaseOrder', ancient, { values: { orderDate: '0099-06-15' } });
    await l.clock.advance(120_000);
    const sync = l.sync();
    const [r] = await l.clock.run(sync.run());
    expect(r).toMatchObject({ status: 'completed-with-quarantine', recordsQuarantined: 1 });
    expect((await sync.deadLetters()).map((d) => [d.key, d.stage, d.field])).toEqual([
      [impossible, 'source', 'orderDate'],
    ]);
    const v2 = (key: string) =>
      l.rows('PurchaseOrderLines').filter((x) => x.orderKey === key && x._version === 2);
    expect(v2(impossible)).toEqual([]);
    expect(v2(empty).length).toBeGreaterThan(0);
    for (const row of v2(empty)) expect(row.orderDate ?? null).toBeNull();
    expect(v2(ancient).map((x) => String(x.orderDate).slice(0, 10))).toContain('0099-06-15');
  }, 120_000);

  // Issue 9, finding 3 end to end: the X3 simulator holds the decimal exactly and serves it as X3 JSON does (REST: a
  // number literal with every digit; GraphQL: the Decimal scalar's text); Power BI's Decimal (precision 28, scale 4,
  // powerbi reference §4) can hold 22 digits, so the value lands with every digit; 25 integer digits cannot fit and
  // the record is quarantined with the field and the reason.
  it.each(['rest', 'graphql'] as const)(
    'a 22-digit decimal reaches Power BI exactly over %s; one Power BI cannot hold is quarantined',
    async (transport) => {
      loop = await startLoop({ streams: ONLY_PO, transport });
      const l = loop;
      await l.clock.run(l.sync().run());
      const all = [...new Set(l.rows('PurchaseOrderLines').map((r) => String(r.orderKey)))];
      const [long, tooLong] = all as [string, string];
      l.x3sim.control.update('purchaseOrder', long, {
        values: { totalAmountExcludingTax: '12345678901234567890.12' },
      });
      l.x3sim.control.update('purchaseOrder', tooLong, {
        values: { totalAmountExcludingTax: '1234567890123456789012345.5' },
      });
      if (transport === 'rest') {
        // The simulator serves the value as a JSON number literal with all its digits, as X3 does.
        const res = await fetch(
          `${l.x3sim.url}/api1/x3/erp/${l.x3sim.endpoint}/PORDER('${long}')?representation=PORDER.$details`,
          {
            headers: {
              authorization: `Basic ${btoa(`${l.x3sim.credentials.basic.user}:${l.x3sim.credentials.basic.password}`)}`,
            },
          },
        );
        expect(await res.text()).toContain('"TOTORD":12345678901234567890.12,');
      }
      await l.clock.advance(120_000);
      const sync = l.sync();
      const [r] = await l.clock.run(sync.run());
      expect(r).toMatchObject({ status: 'completed-with-quarantine', recordsQuarantined: 1 });
      expect((await sync.deadLetters()).map((d) => [d.key, d.field, d.reason])).toEqual([
        [
          tooLong,
          '[0].orderAmountExcludingTax',
          expect.stringMatching(/25 integer digits; precision 28 with scale 4 holds at most 24/),
        ],
      ]);
      const v2 = l.rows('PurchaseOrderLines').filter((x) => x.orderKey === long && x._version === 2);
      expect(v2.length).toBeGreaterThan(0);
      for (const row of v2) expect(row.orderAmountExcludingTax).toBe('12345678901234567890.12');
      expect(l.rows('PurchaseOrderLines').filter((x) => x.orderKey === tooLong && x._version === 2)).toEqual(
        [],
      );
    },
    120_000,
  );
});
