import { z } from 'zod';
import { defineX3Entity } from '../x3-entity-definition.js';
import {
  x3Boolean,
  x3Code,
  x3Date,
  x3Decimal,
  x3Instant,
  x3Integer,
  x3OptionalDecimal,
  x3Text,
} from '../x3-field-types.js';

/** One purchase order line, normalized. */
export const purchaseOrderLineSchema = z.object({
  /** Line number. */
  lineNumber: x3Integer,
  /** Product code. */
  product: x3Code,
  /** Quantity ordered, in the order unit. */
  quantity: x3Decimal,
  /** Order unit. */
  unit: x3Text,
  /** Unit price, when the representation exposes it. */
  price: x3OptionalDecimal,
  /** Line amount, when the representation exposes it. */
  amount: x3OptionalDecimal,
});

/** A purchase order with its lines, normalized. */
export const purchaseOrderSchema = z.object({
  /** Record key. */
  key: x3Code,
  /** Last update, ISO UTC. */
  updatedAt: x3Instant,
  /** Order number. */
  id: x3Code,
  /** Company. */
  company: x3Text,
  /** Purchase site. */
  purchaseSite: x3Text,
  /** Order date (YYYY-MM-DD). */
  orderDate: x3Date,
  /** Supplier code. */
  supplier: x3Code,
  /** Currency. */
  currency: x3Text,
  /** Closed flag. */
  isClosed: x3Boolean,
  /** Order total excluding tax, when exposed. */
  amountExcludingTax: x3OptionalDecimal,
  /** Lines. */
  lines: z.array(purchaseOrderLineSchema),
});

/** A purchase order line. */
export type PurchaseOrderLine = z.output<typeof purchaseOrderLineSchema>;
/** A purchase order with its lines. */
export type PurchaseOrder = z.output<typeof purchaseOrderSchema>;

/**
 * Purchase orders. GraphQL `x3Purchasing.purchaseOrder` with `purchaseOrderLines` ([documented] §2.5). REST class
 * `PORDER` with lines `PORDERQ` is [inferred] (no source shows it, §1.6), as are its property names and the
 * GraphQL price/amount names — override for your site.
 */
export const purchaseOrderEntity = defineX3Entity<PurchaseOrder>({
  name: 'purchaseOrder',
  schema: purchaseOrderSchema,
  rest: {
    className: 'PORDER',
    representation: 'PORDER',
    keyFields: ['POHNUM'],
    fields: {
      id: 'POHNUM',
      company: 'CPY',
      purchaseSite: 'POHFCY',
      orderDate: 'ORDDAT',
      supplier: 'BPSNUM',
      currency: 'CUR',
      isClosed: 'CLEFLG',
      amountExcludingTax: 'TOTORD',
    },
    collections: {
      lines: {
        source: 'PORDERQ',
        sortBy: 'lineNumber',
        fields: {
          lineNumber: 'POPLIN',
          product: 'ITMREF',
          quantity: 'QTYUOM',
          unit: 'UOM',
          price: 'GROPRI',
          amount: 'LINAMT',
        },
      },
    },
  },
  graphql: {
    packageName: 'x3Purchasing',
    nodeName: 'purchaseOrder',
    fields: {
      id: 'id',
      company: 'company.code',
      purchaseSite: 'purchaseSite.code',
      orderDate: 'orderDate',
      supplier: 'orderFromSupplier.code.code',
      currency: 'currency.code',
      isClosed: 'isClosed',
      amountExcludingTax: 'totalAmountExcludingTax',
    },
    collections: {
      lines: {
        source: 'purchaseOrderLines',
        sortBy: 'lineNumber',
        fields: {
          lineNumber: 'lineNumber',
          product: 'product.code',
          quantity: 'quantityInOrderUnitOrdered',
          unit: 'orderUnit.code',
          price: 'grossPrice',
          amount: 'lineAmount',
        },
      },
    },
  },
});
