import type { PurchaseOrder } from '@mlc/sage-x3-client';
import type { StreamDefinition } from '../definition/define-stream.js';
import { type X3ClientWith, type X3StreamOverrides, x3Stream } from './x3-stream-options.js';

/** Default table of {@link purchaseOrdersStream}: one row per order line. */
export const PURCHASE_ORDER_LINES_TABLE = {
  name: 'PurchaseOrderLines',
  columns: {
    orderKey: 'String',
    orderId: 'String',
    company: 'String',
    purchaseSite: 'String',
    orderDate: 'DateTime',
    supplier: 'String',
    currency: 'String',
    isClosed: 'Boolean',
    orderAmountExcludingTax: 'Decimal',
    lineNumber: 'Int64',
    product: 'String',
    quantity: 'Decimal',
    unit: 'String',
    price: 'Decimal',
    amount: 'Decimal',
    updatedAt: 'DateTime',
  },
} as const;

/** Default mapping of {@link purchaseOrdersStream}: lines flattened, header fields repeated. */
export function mapPurchaseOrderLines(o: PurchaseOrder) {
  return o.lines.map((line) => ({
    orderKey: o.key,
    orderId: o.id,
    company: o.company,
    purchaseSite: o.purchaseSite,
    orderDate: o.orderDate,
    supplier: o.supplier,
    currency: o.currency,
    isClosed: o.isClosed,
    orderAmountExcludingTax: o.amountExcludingTax,
    lineNumber: line.lineNumber,
    product: line.product,
    quantity: line.quantity,
    unit: line.unit,
    price: line.price,
    amount: line.amount,
    updatedAt: o.updatedAt,
  }));
}

/**
 * Purchase orders (they change until closed): `versioned` mode, hourly — every change of an order adds its
 * lines again with the next `_version`. Entity `purchaseOrder`.
 */
export function purchaseOrdersStream(
  client: X3ClientWith<'purchaseOrder', PurchaseOrder>,
  overrides: X3StreamOverrides<PurchaseOrder> = {},
): StreamDefinition<PurchaseOrder> {
  return x3Stream(
    client,
    'purchaseOrder',
    {
      name: 'purchaseOrders',
      table: { ...PURCHASE_ORDER_LINES_TABLE, columns: { ...PURCHASE_ORDER_LINES_TABLE.columns } },
      map: mapPurchaseOrderLines,
      mode: 'versioned',
      schedule: 'hourly',
    },
    overrides,
  );
}
