import { z } from 'zod';
import { defineX3Entity } from '../x3-entity-definition.js';
import {
  x3Code,
  x3Date,
  x3Decimal,
  x3Instant,
  x3Integer,
  x3OptionalDecimal,
  x3LocalMenu,
  x3Text,
} from '../x3-field-types.js';

/** One sales invoice line, normalized. */
export const salesInvoiceLineSchema = z.object({
  /** Line number. */
  lineNumber: x3Integer,
  /** Product code. */
  product: x3Code,
  /** Quantity invoiced. */
  quantity: x3Decimal,
  /** Net unit price. */
  netPrice: x3OptionalDecimal,
  /** Line amount excluding tax. */
  amount: x3OptionalDecimal,
});

/** A sales invoice with its lines, normalized. */
export const salesInvoiceSchema = z.object({
  /** Record key. */
  key: x3Code,
  /** Last update, ISO UTC. */
  updatedAt: x3Instant,
  /** Invoice number. */
  id: x3Code,
  /** Company. */
  company: x3Text,
  /** Sales site. */
  salesSite: x3Text,
  /** Invoice date (YYYY-MM-DD). */
  invoiceDate: x3Date,
  /** Bill-to customer code. */
  billToCustomer: x3Code,
  /** Currency. */
  currency: x3Text,
  /** Invoice type (X3 local menu: 1 invoice, 2 credit note, 3 debit note, 4 prepayment; [inferred] GraphQL names). */
  invoiceType: x3LocalMenu(['invoice', 'creditNote', 'debitNote', 'prepayment']),
  /** Status (X3 local menu: 1 not posted, 2 posted; [inferred] GraphQL names). */
  status: x3LocalMenu(['notPosted', 'posted']),
  /** Total excluding tax. */
  amountExcludingTax: x3OptionalDecimal,
  /** Total including tax. */
  amountIncludingTax: x3OptionalDecimal,
  /** Lines. */
  lines: z.array(salesInvoiceLineSchema),
});

/** A sales invoice line. */
export type SalesInvoiceLine = z.output<typeof salesInvoiceLineSchema>;
/** A sales invoice with its lines. */
export type SalesInvoice = z.output<typeof salesInvoiceSchema>;

/**
 * Sales invoices. REST `SINVOICEV` with lines `SIVSID` ([observed] §1.6, fields `NUM INVDAT BPCINV CUR AMTNOT
 * AMTATI`; the others [inferred]); GraphQL `x3Sales.salesInvoice` ([documented] §2.5). Its documented `id` is a
 * reference to the invoice header whose own fields are not documented, so the invoice number is read from the
 * system `_id` (the key, [documented] §2.5); line collection and line property names are [inferred].
 */
export const salesInvoiceEntity = defineX3Entity<SalesInvoice>({
  name: 'salesInvoice',
  schema: salesInvoiceSchema,
  rest: {
    className: 'SINVOICEV',
    representation: 'SINVOICEV',
    keyFields: ['NUM'],
    fields: {
      id: 'NUM',
      company: 'CPY',
      salesSite: 'SALFCY',
      invoiceDate: 'INVDAT',
      billToCustomer: 'BPCINV',
      currency: 'CUR',
      invoiceType: 'SIVTYP',
      status: 'STA',
      amountExcludingTax: 'AMTNOT',
      amountIncludingTax: 'AMTATI',
    },
    collections: {
      lines: {
        source: 'SIVSID',
        sortBy: 'lineNumber',
        fields: {
          lineNumber: 'SIDLIN',
          product: 'ITMREF',
          quantity: 'QTY',
          netPrice: 'NETPRI',
          amount: 'AMTNOTLIN',
        },
      },
    },
  },
  graphql: {
    packageName: 'x3Sales',
    nodeName: 'salesInvoice',
    fields: {
      id: '_id',
      company: 'company.code',
      salesSite: 'salesSite.code',
      invoiceDate: 'invoiceDate',
      billToCustomer: 'billToCustomer.code.code',
      currency: 'currency.code',
      invoiceType: 'invoiceType',
      status: 'status',
      amountExcludingTax: 'totalAmountExcludingTax',
      amountIncludingTax: 'totalAmountIncludingTax',
    },
    collections: {
      lines: {
        source: 'salesInvoiceLines',
        sortBy: 'lineNumber',
        fields: {
          lineNumber: 'lineNumber',
          product: 'product.code',
          quantity: 'quantity',
          netPrice: 'netPrice',
          amount: 'lineAmount',
        },
      },
    },
  },
});
