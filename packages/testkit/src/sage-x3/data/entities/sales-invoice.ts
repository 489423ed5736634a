import { money } from './common-fields.js';
import { type EntityDef, prefixCodec } from '../entity-definition.js';
import { hashInts } from '../hash.js';
import { COMPANIES, dateOf } from '../words.js';

/**
 * The bill-to customer code for a drawn number 1–999: an existing customer's key (`C` + five digits, the number
 * itself whenever there are at least 999 customers, so the default sizes keep the codes they always had; taken
 * modulo the customer count below that). Without customers, the bare `C` + five-digit code.
 */
function billToCustomer(
  drawn: number,
  customers: number,
  keyOf: (entity: 'customer', keyNumber: number) => string,
): string {
  return customers > 0 ? keyOf('customer', (drawn - 1) % customers) : `C${String(drawn).padStart(5, '0')}`;
}

/**
 * Sales invoices with lines. REST `SINVOICEV` with `NUM`, `INVDAT`, `BPCINV`, `CUR`, `AMTNOT`, `AMTATI` and lines
 * `SIVSID` is [documented as observed] (reference §1.6); GraphQL `x3Sales.salesInvoice` with `id`, `company`,
 * `salesSite`, `billToCustomer`, `invoiceType`, `invoiceDate`, `currency`, `status` is [documented] (§2.5). Line
 * properties, totals' GraphQL names and `salesInvoiceLines` are [inferred]. `billToCustomer` resolves to the
 * `customer` node ([documented] references are objects, §2.4).
 */
export const salesInvoiceDef: EntityDef = {
  name: 'salesInvoice',
  rest: { className: 'SINVOICEV', representation: 'SINVOICEV' },
  restKeyFields: ['key'],
  graphql: { packageSuffix: 'Sales', nodeName: 'salesInvoice', typeName: 'SalesInvoice' },
  keyField: { name: 'key', type: 'string', rest: 'NUM', graphql: '_id', doc: 'Invoice number.' },
  fields: [
    {
      name: 'id',
      type: 'string',
      rest: null,
      graphql: 'id',
      sameAsKey: true,
      // [documented] §2.5: `id` (→ CustomerInvoiceHeader) is a reference, not a string; the header node's own
      // properties are not documented, so only its `_id` (the invoice number) is served.
      ref: { kind: 'id', type: 'CustomerInvoiceHeader' },
      doc: 'Invoice header reference (`id { _id }`: the invoice number).',
    },
    {
      name: 'company',
      type: 'string',
      rest: 'CPY',
      graphql: 'company',
      ref: { kind: 'code', type: 'Company' },
      doc: 'Company.',
    },
    {
      name: 'salesSite',
      type: 'string',
      rest: 'SALFCY',
      graphql: 'salesSite',
      ref: { kind: 'code', type: 'Site' },
      doc: 'Sales site.',
    },
    {
      name: 'billToCustomer',
      type: 'string',
      rest: 'BPCINV',
      graphql: 'billToCustomer',
      ref: { kind: 'node', entity: 'customer' },
      doc: 'Bill-to customer (a `Customer` node: `billToCustomer { code { code } companyName }`).',
    },
    { name: 'invoiceDate', type: 'date', rest: 'INVDAT', graphql: 'invoiceDate', doc: 'Invoice date.' },
    {
      name: 'currency',
      type: 'string',
      rest: 'CUR',
      graphql: 'currency',
      ref: { kind: 'code', type: 'Currency' },
      doc: 'Currency.',
    },
    {
      name: 'invoiceType',
      type: 'int',
      rest: 'SIVTYP',
      graphql: 'invoiceType',
      // Property [documented] §2.5; a local menu like every X3 status ([documented] form §2.6); names [inferred].
      menu: { type: 'InvoiceType', values: ['invoice', 'creditNote', 'debitNote', 'prepayment'] },
      doc: '1 invoice, 2 credit note, 3 debit note, 4 prepayment (GraphQL menu names [inferred]).',
    },
    {
      name: 'status',
      type: 'int',
      rest: 'STA',
      graphql: 'status',
      menu: { type: 'InvoiceStatus', values: ['notPosted', 'posted'] },
      doc: '1 not posted, 2 posted (GraphQL menu names [inferred]).',
    },
    {
      name: 'totalAmountExcludingTax',
      type: 'decimal',
      rest: 'AMTNOT',
      graphql: 'totalAmountExcludingTax',
      doc: 'Total excluding tax.',
    },
    {
      name: 'totalAmountIncludingTax',
      type: 'decimal',
      rest: 'AMTATI',
      graphql: 'totalAmountIncludingTax',
      doc: 'Total including tax (20% VAT).',
    },
  ],
  lines: {
    rest: 'SIVSID',
    graphql: 'salesInvoiceLines',
    typeName: 'SalesInvoiceLine',
    fields: [
      { name: 'lineNumber', type: 'int', rest: 'SIDLIN', graphql: 'lineNumber', doc: 'Line number.' },
      {
        name: 'product',
        type: 'string',
        rest: 'ITMREF',
        graphql: 'product',
        ref: { kind: 'node', entity: 'product' },
        doc: 'Product key.',
      },
      { name: 'quantity', type: 'decimal', rest: 'QTY', graphql: 'quantity', doc: 'Quantity.' },
      { name: 'netPrice', type: 'decimal', rest: 'NETPRI', graphql: 'netPrice', doc: 'Net unit price.' },
      { name: 'lineAmount', type: 'decimal', rest: 'AMTNOTLIN', graphql: 'lineAmount', doc: 'Line amount.' },
    ],
  },
  defaultCount: 800,
  codec: (count) => prefixCodec('SI', count),
  lineCount: (seed, index) => 1 + (hashInts(seed, 41, index) % 4),
  generate: ({ keyNumber, keyOf, rng, counts, createdAt, lineCount }) => {
    const company = rng.pick(COMPANIES);
    const credit = rng.chance(0.05);
    let total = 0;
    const lines = [];
    for (let k = 0; k < lineCount; k++) {
      const qty = rng.int(1, 50);
      const priceCents = rng.int(100, 30000);
      total += qty * priceCents;
      lines.push({
        lineNumber: k + 1,
        product: counts.product > 0 ? keyOf('product', rng.int(0, counts.product - 1)) : null,
        quantity: qty,
        netPrice: money(priceCents),
        lineAmount: money(qty * priceCents),
      });
    }
    return {
      values: {
        id: keyOf('salesInvoice', keyNumber),
        company: company.code,
        salesSite: rng.pick(company.sites),
        billToCustomer: billToCustomer(rng.int(1, 999), counts.customer, keyOf),
        invoiceDate: dateOf(createdAt),
        currency: company.currency,
        invoiceType: credit ? 2 : 1,
        status: rng.chance(0.85) ? 2 : 1,
        totalAmountExcludingTax: money(total),
        totalAmountIncludingTax: money(Math.round(total * 1.2)),
      },
      lines,
    };
  },
};
