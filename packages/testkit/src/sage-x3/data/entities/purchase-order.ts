import { money } from './common-fields.js';
import { type EntityDef, prefixCodec } from '../entity-definition.js';
import { hashInts } from '../hash.js';
import { COMPANIES, dateOf } from '../words.js';

/**
 * Purchase orders with lines. GraphQL `x3Purchasing.purchaseOrder` with `id`, `company`, `purchaseSite`,
 * `orderDate`, `orderFromSupplier { code { code } }`, `isClosed`, `receiptStatus`, `signatureStatus` and `purchaseOrderLines`
 * (`lineNumber`, `product`, `quantityInOrderUnitOrdered`, `orderUnit`) is [documented] (reference §2.4, §2.5).
 * REST class `PORDER` and every REST name, `currency`, totals and line prices are [inferred].
 */
export const purchaseOrderDef: EntityDef = {
  name: 'purchaseOrder',
  rest: { className: 'PORDER', representation: 'PORDER' },
  restKeyFields: ['key'],
  graphql: { packageSuffix: 'Purchasing', nodeName: 'purchaseOrder', typeName: 'PurchaseOrder' },
  keyField: { name: 'key', type: 'string', rest: 'POHNUM', graphql: '_id', doc: 'Order number.' },
  fields: [
    { name: 'id', type: 'string', rest: null, graphql: 'id', sameAsKey: true, doc: 'Order number.' },
    {
      name: 'company',
      type: 'string',
      rest: 'CPY',
      graphql: 'company',
      ref: { kind: 'code', type: 'Company' },
      doc: 'Company.',
    },
    {
      name: 'purchaseSite',
      type: 'string',
      rest: 'POHFCY',
      graphql: 'purchaseSite',
      ref: { kind: 'code', type: 'Site' },
      doc: 'Purchase site.',
    },
    { name: 'orderDate', type: 'date', rest: 'ORDDAT', graphql: 'orderDate', doc: 'Order date.' },
    {
      name: 'orderFromSupplier',
      type: 'string',
      rest: 'BPSNUM',
      graphql: 'orderFromSupplier',
      ref: { kind: 'node', entity: 'supplier' },
      doc: 'Supplier key.',
    },
    {
      name: 'currency',
      type: 'string',
      rest: 'CUR',
      graphql: 'currency',
      ref: { kind: 'code', type: 'Currency' },
      doc: 'Currency.',
    },
    {
      name: 'isClosed',
      type: 'boolean',
      rest: 'CLEFLG',
      graphql: 'isClosed',
      menu: { type: 'NoYes', values: ['no', 'yes'] },
      doc: "Closed flag; GraphQL local menu `no`/`yes` ([documented] filter `{isClosed: {_ne: 'yes'}}`, §2.6).",
    },
    {
      name: 'receiptStatus',
      type: 'int',
      rest: 'RCPFLG',
      graphql: 'receiptStatus',
      menu: { type: 'ReceiptStatus', values: ['notReceived', 'partiallyReceived', 'received'] },
      doc: 'Receipt status: 1 none, 2 partial, 3 full (GraphQL local-menu value names [inferred]).',
    },
    {
      name: 'signatureStatus',
      type: 'int',
      rest: 'APPFLG',
      graphql: 'signatureStatus',
      menu: { type: 'SignatureStatus', values: ['notManaged', 'notSigned', 'partiallySigned', 'signed'] },
      doc: 'Signature (approval) status: property [documented] §2.5; REST name and menu values [inferred].',
    },
    {
      name: 'totalAmountExcludingTax',
      type: 'decimal',
      rest: 'TOTORD',
      graphql: 'totalAmountExcludingTax',
      doc: 'Sum of line amounts.',
    },
  ],
  lines: {
    rest: 'PORDERQ',
    graphql: 'purchaseOrderLines',
    typeName: 'PurchaseOrderLine',
    fields: [
      { name: 'lineNumber', type: 'int', rest: 'POPLIN', graphql: 'lineNumber', doc: 'Line number.' },
      {
        name: 'product',
        type: 'string',
        rest: 'ITMREF',
        graphql: 'product',
        ref: { kind: 'node', entity: 'product' },
        doc: 'Product key.',
      },
      {
        name: 'quantityInOrderUnitOrdered',
        type: 'decimal',
        rest: 'QTYUOM',
        graphql: 'quantityInOrderUnitOrdered',
        doc: 'Quantity.',
      },
      {
        name: 'orderUnit',
        type: 'string',
        rest: 'UOM',
        graphql: 'orderUnit',
        ref: { kind: 'code', type: 'UnitOfMeasure' },
        doc: 'Order unit.',
      },
      { name: 'grossPrice', type: 'decimal', rest: 'GROPRI', graphql: 'grossPrice', doc: 'Unit price.' },
      { name: 'lineAmount', type: 'decimal', rest: 'LINAMT', graphql: 'lineAmount', doc: 'Line amount.' },
    ],
  },
  defaultCount: 500,
  codec: (count) => prefixCodec('PO', count),
  lineCount: (seed, index) => 1 + (hashInts(seed, 37, index) % 5),
  generate: ({ keyNumber, keyOf, rng, counts, createdAt, lineCount }) => {
    const company = rng.pick(COMPANIES);
    let total = 0;
    const lines = [];
    for (let k = 0; k < lineCount; k++) {
      const qty = rng.int(1, 200);
      const priceCents = rng.int(50, 20000);
      total += qty * priceCents;
      lines.push({
        lineNumber: (k + 1) * 1000,
        product: counts.product > 0 ? keyOf('product', rng.int(0, counts.product - 1)) : null,
        quantityInOrderUnitOrdered: qty,
        orderUnit: 'UN',
        grossPrice: money(priceCents),
        lineAmount: money(qty * priceCents),
      });
    }
    return {
      values: {
        id: keyOf('purchaseOrder', keyNumber),
        company: company.code,
        purchaseSite: rng.pick(company.sites),
        orderDate: dateOf(createdAt),
        orderFromSupplier: counts.supplier > 0 ? keyOf('supplier', rng.int(0, counts.supplier - 1)) : null,
        currency: company.currency,
        isClosed: rng.chance(0.3),
        receiptStatus: rng.int(1, 3),
        signatureStatus: rng.int(1, 4),
        totalAmountExcludingTax: money(total),
      },
      lines,
    };
  },
};
