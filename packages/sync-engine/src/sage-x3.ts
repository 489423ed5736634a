// `@mlc/sync-engine/sage-x3`: Sage X3 as a SyncSource, and ready-made streams for the six built-in X3 entities.
// Needs `@mlc/sage-x3-client` (an optional peer dependency of the engine). Every export is named.

export type { X3SourceOptions } from './sage-x3/x3-source.js';
export { fromX3Change, x3Source } from './sage-x3/x3-source.js';
export { describeX3Failure } from './sage-x3/describe-x3-failure.js';
export type { X3ClientWith, X3StreamOverrides } from './sage-x3/x3-stream-options.js';
export { x3Stream } from './sage-x3/x3-stream-options.js';
export type { X3ClientWithBuiltIns, X3StreamsOptions } from './sage-x3/x3-streams.js';
export { x3Streams } from './sage-x3/x3-streams.js';
export { GL_ACCOUNTS_TABLE, glAccountsStream, mapGlAccount } from './sage-x3/gl-accounts-stream.js';
export {
  GL_ENTRY_LINES_TABLE,
  glEntryLinesStream,
  mapGlEntryLines,
} from './sage-x3/gl-entry-lines-stream.js';
export { SUPPLIERS_TABLE, mapSupplier, suppliersStream } from './sage-x3/suppliers-stream.js';
export { PRODUCTS_TABLE, mapProduct, productsStream } from './sage-x3/products-stream.js';
export {
  PURCHASE_ORDER_LINES_TABLE,
  mapPurchaseOrderLines,
  purchaseOrdersStream,
} from './sage-x3/purchase-orders-stream.js';
export {
  SALES_INVOICE_LINES_TABLE,
  mapSalesInvoiceLines,
  salesInvoicesStream,
} from './sage-x3/sales-invoices-stream.js';
