import type { SalesInvoice } from '@mlc/sage-x3-client';
import type { StreamDefinition } from '../definition/define-stream.js';
import { type X3ClientWith, type X3StreamOverrides, x3Stream } from './x3-stream-options.js';

/** Default table of {@link salesInvoicesStream}: one row per invoice line. */
export const SALES_INVOICE_LINES_TABLE = {
  name: 'SalesInvoiceLines',
  columns: {
    invoiceKey: 'String',
    invoiceId: 'String',
    company: 'String',
    salesSite: 'String',
    invoiceDate: 'DateTime',
    billToCustomer: 'String',
    currency: 'String',
    invoiceType: 'Int64',
    status: 'Int64',
    invoiceAmountExcludingTax: 'Decimal',
    invoiceAmountIncludingTax: 'Decimal',
    lineNumber: 'Int64',
    product: 'String',
    quantity: 'Decimal',
    netPrice: 'Decimal',
    amount: 'Decimal',
    updatedAt: 'DateTime',
  },
} as const;

/** Default mapping of {@link salesInvoicesStream}: lines flattened, header fields repeated. */
export function mapSalesInvoiceLines(i: SalesInvoice) {
  return i.lines.map((line) => ({
    invoiceKey: i.key,
    invoiceId: i.id,
    company: i.company,
    salesSite: i.salesSite,
    invoiceDate: i.invoiceDate,
    billToCustomer: i.billToCustomer,
    currency: i.currency,
    invoiceType: i.invoiceType,
    status: i.status,
    invoiceAmountExcludingTax: i.amountExcludingTax,
    invoiceAmountIncludingTax: i.amountIncludingTax,
    lineNumber: line.lineNumber,
    product: line.product,
    quantity: line.quantity,
    netPrice: line.netPrice,
    amount: line.amount,
    updatedAt: i.updatedAt,
  }));
}

/** Sales invoices (posted facts): `append` mode, hourly. Entity `salesInvoice`, lines flattened. */
export function salesInvoicesStream(
  client: X3ClientWith<'salesInvoice', SalesInvoice>,
  overrides: X3StreamOverrides<SalesInvoice> = {},
): StreamDefinition<SalesInvoice> {
  return x3Stream(
    client,
    'salesInvoice',
    {
      name: 'salesInvoices',
      table: { ...SALES_INVOICE_LINES_TABLE, columns: { ...SALES_INVOICE_LINES_TABLE.columns } },
      map: mapSalesInvoiceLines,
      mode: 'append',
      schedule: 'hourly',
    },
    overrides,
  );
}
