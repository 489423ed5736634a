import { describe, expect, it } from 'vitest';
import {
  X3_BUILT_IN_ENTITIES,
  journalEntrySchema,
  normalizeRecord,
  productSchema,
  x3LocalMenu,
} from '../../src/index.js';

// Issue 11: GraphQL shows X3 local menus as value names (the reference's `{isClosed: {_ne: 'yes'}}`, §2.6), REST as
// the stored number. The client reads both as the menu number, so a stream sees one value whatever the transport.
// The fixture is the shape the simulator (and, per the reference, X3) answers: `id` as a reference, names for menus.
const graphqlInvoice = {
  _id: 'SI0001',
  _updateStamp: '2024-03-01T10:00:00Z',
  id: { _id: 'SI0001' },
  company: { code: 'FR10' },
  salesSite: { code: 'FR011' },
  invoiceDate: '2024-03-01',
  billToCustomer: { code: { code: 'C00001' } },
  currency: { code: 'EUR' },
  invoiceType: 'creditNote',
  status: 'posted',
  totalAmountExcludingTax: '120.50',
  totalAmountIncludingTax: '144.60',
  salesInvoiceLines: {
    query: {
      edges: [
        {
          node: {
            lineNumber: 1000,
            product: { code: 'P1' },
            quantity: '2',
            netPrice: '60.25',
            lineAmount: '120.50',
          },
        },
      ],
      pageInfo: { hasNextPage: false },
    },
  },
};

describe('X3 local menus', () => {
  it('a GraphQL invoice with menu names normalizes to the menu numbers REST carries', () => {
    const change = normalizeRecord(X3_BUILT_IN_ENTITIES.salesInvoice, 'graphql', graphqlInvoice);
    expect(change.ok ? change.record : change.error).toMatchObject({
      id: 'SI0001',
      invoiceType: 2,
      status: 2,
    });
  });

  it('a name outside the menu is a record error naming the field and the known names', () => {
    const change = normalizeRecord(X3_BUILT_IN_ENTITIES.salesInvoice, 'graphql', {
      ...graphqlInvoice,
      status: 'cancelled',
    });
    expect(change.ok).toBe(false);
    if (change.ok) return;
    expect(change.error.field).toBe('status');
    expect(change.error.reason).toMatch(/notPosted, posted/);
  });

  it('reads numbers, digit text, names and empties', () => {
    const menu = x3LocalMenu(['temporary', 'final']);
    expect([1, '2', 'final', 'temporary', 7, null, '', undefined].map((v) => menu.parse(v))).toEqual([
      1,
      2,
      2,
      1,
      7,
      null,
      null,
      null,
    ]);
    for (const bad of ['Final', 1.5, true, 'x']) expect(menu.safeParse(bad).success).toBe(false);
  });

  it.each([
    ['product', { productStatus: 'obsolete' }, { status: 5 }],
    ['journalEntry', { journalEntryStatus: 'final' }, { status: 2 }],
  ] as const)('%s status menus read by name', (entity, field, expected) => {
    const def = X3_BUILT_IN_ENTITIES[entity];
    const paths = def.graphql?.fields ?? {};
    const statusPath = Object.entries(paths).find(([k]) => k === 'status')?.[1];
    expect(statusPath).toBe(Object.keys(field)[0]);
    const schema = entity === 'product' ? productSchema : journalEntrySchema;
    expect(schema.shape.status.parse(Object.values(field)[0])).toBe(expected.status);
  });
});
