import { afterEach, describe, expect, it } from 'vitest';
import type { SyncHooks } from '../src/index.js';
import { countBy, type Loop, startLoop, onlyStreams } from './e2e-helpers.js';

let loop: Loop | undefined;
afterEach(async () => {
  await loop?.close();
  loop = undefined;
});

function crashAt(step: string, nth: number): SyncHooks & { fired: boolean } {
  let seen = 0;
  const hooks = {
    fired: false,
    onProtocolStep(name: string) {
      if (name === step && ++seen === nth) {
        hooks.fired = true;
        throw new Error(`simulated crash at ${step}#${nth}`);
      }
    },
  };
  return hooks;
}

/** Run with a crash, advance a minute, restart (new engine, same store) and run to completion. */
async function crashAndRestart(l: Loop, step: string, nth: number) {
  const hooks = crashAt(step, nth);
  const first = await l.clock.run(l.sync({ hooks }).run());
  await l.clock.advance(60_000);
  const second = await l.clock.run(l.sync().run());
  return { fired: hooks.fired, first, second };
}

const DROP = { kind: 'drop-after' as const, routes: ['postRows' as const], times: 1, after: 1 };

describe('e2e crash points, append (GL entry lines): every line exactly once', () => {
  const steps: Array<[string, number]> = [
    ['intent-written', 2],
    ['before-post', 2],
    ['post-returned', 2],
    ['committed', 2],
    ['verify-count', 1],
  ];
  for (const [step, nth] of steps) {
    for (const fault of ['none', 'drop-after-apply'] as const) {
      if (step === 'verify-count' && fault === 'none') continue;
      it(`crash at ${step}#${nth}, Power BI fault ${fault}`, async () => {
        loop = await startLoop({
          streams: onlyStreams('glEntryLines'),
        });
        const l = loop;
        if (fault === 'drop-after-apply') l.pbisim.control.addFault(DROP);
        const { fired, first, second } = await crashAndRestart(l, step, nth);
        expect(fired).toBe(true);
        expect(first[0]).toHaveProperty('error');
        expect(second[0]).toMatchObject({ status: 'completed' });
        const rows = l.rows('GLEntryLines');
        expect(rows).toHaveLength(l.x3sim.control.lineCount('journalEntry'));
        expect(
          [...countBy(rows, (r) => `${r.entryKey}/${r.lineNumber}`).values()].every((n) => n === 1),
        ).toBe(true);
      }, 60_000);
    }
  }
});

describe('e2e crash points, replace (suppliers): exactly the current snapshot', () => {
  const steps: Array<[string, number]> = [
    ['snapshot-committed', 1],
    ['rebuild-cleared', 1],
    ['post-returned', 1],
    ['rebuild-chunk-posted', 1],
    ['committed', 1],
    ['verify-count', 1],
  ];
  for (const [step, nth] of steps) {
    for (const fault of ['none', 'drop-after-apply'] as const) {
      if (step === 'verify-count' && fault === 'none') continue;
      it(`crash at ${step}#${nth}, Power BI fault ${fault}`, async () => {
        loop = await startLoop({
          x3: {
            size: {
              account: 5,
              journalEntry: 5,
              supplier: 90,
              product: 5,
              purchaseOrder: 5,
              salesInvoice: 5,
            },
          },
          streams: onlyStreams('suppliers'),
        });
        const l = loop;
        await l.clock.run(l.sync().run());
        expect(l.rows('Suppliers')).toHaveLength(90);
        const keys = [...countBy(l.rows('Suppliers'), 'key').keys()].slice(0, 3);
        for (const key of keys)
          l.x3sim.control.update('supplier', key, { values: { companyName: `Renamed ${key}` } });
        await l.clock.advance(120_000);
        if (fault === 'drop-after-apply') l.pbisim.control.addFault({ ...DROP, after: 0 });
        const { fired, second } = await crashAndRestart(l, step, nth);
        expect(fired).toBe(true);
        expect(second[0]).toMatchObject({ status: 'completed' });
        const rows = l.rows('Suppliers');
        expect(rows).toHaveLength(90);
        expect([...countBy(rows, 'key').values()].every((n) => n === 1)).toBe(true);
        for (const key of keys) expect(rows.find((r) => r.key === key)?.name).toBe(`Renamed ${key}`);
      }, 60_000);
    }
  }
});

describe('e2e crash points, versioned (purchase orders): one row per version', () => {
  for (const [step, nth] of [
    ['intent-written', 1],
    ['post-returned', 1],
    ['committed', 1],
    ['verify-count', 1],
  ] as Array<[string, number]>) {
    it(`crash at ${step}#${nth} with the drop-after-apply fault`, async () => {
      loop = await startLoop({
        streams: onlyStreams('purchaseOrders'),
      });
      const l = loop;
      await l.clock.run(l.sync().run());
      const before = l.rows('PurchaseOrderLines').length;
      const keys = [...countBy(l.rows('PurchaseOrderLines'), 'orderKey').keys()].slice(0, 4);
      for (const key of keys) l.x3sim.control.update('purchaseOrder', key, { values: { isClosed: true } });
      await l.clock.advance(120_000);
      l.pbisim.control.addFault({ ...DROP, after: 0 });
      const { fired, second } = await crashAndRestart(l, step, nth);
      expect(fired).toBe(true);
      expect(second[0]).toMatchObject({ status: 'completed' });
      const rows = l.rows('PurchaseOrderLines');
      const changedLines = rows.filter((r) => keys.includes(String(r.orderKey)) && r._version === 2);
      expect(rows).toHaveLength(before + changedLines.length);
      expect(changedLines.length).toBeGreaterThan(0);
      expect(changedLines.every((r) => r.isClosed === true)).toBe(true);
      expect(
        [...countBy(rows, (r) => `${r.orderKey}/${r.lineNumber}/${r._version}`).values()].every(
          (n) => n === 1,
        ),
      ).toBe(true);
    }, 60_000);
  }
});
