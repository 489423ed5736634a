import { afterEach, describe, expect, it } from 'vitest';
import { type Loop, startLoop } from './e2e-helpers.js';

let loop: Loop | undefined;
afterEach(async () => {
  await loop?.close();
  loop = undefined;
});

const ONLY_ACCOUNTS = {
  glEntryLines: false,
  suppliers: false,
  purchaseOrders: false,
  salesInvoices: false,
  products: false,
} as const;

// The slowest end-to-end case (about 10 s): 100k records through both simulators, twice.
describe('e2e: 100k unchanged records', () => {
  it('re-syncing 100k unchanged records posts 0 rows', async () => {
    loop = await startLoop({
      x3: {
        size: {
          account: 100_000,
          journalEntry: 1,
          supplier: 1,
          product: 1,
          purchaseOrder: 1,
          salesInvoice: 1,
        },
      },
      streams: { ...ONLY_ACCOUNTS, glAccounts: { mode: 'append', batchSize: 10_000, pageSize: 1000 } },
    });
    const l = loop;
    const [first] = await l.clock.run(l.sync().run());
    expect(first).toMatchObject({ status: 'completed', rowsPosted: 100_000 });
    const posts = l.pbisim.control.requests({ route: 'postRows' }).length;
    // The cursor is lost (e.g. restored from an old backup): everything is read again, nothing is posted.
    l.storage.cursors.clear();
    const [again] = await l.clock.run(l.sync().run());
    expect(again).toMatchObject({ recordsRead: 100_000, recordsUnchanged: 100_000, rowsPosted: 0 });
    expect(l.pbisim.control.requests({ route: 'postRows' }).length).toBe(posts);
    expect(l.rows('GLAccounts')).toHaveLength(100_000);
  }, 300_000);
});
