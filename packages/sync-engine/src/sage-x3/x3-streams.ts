import type {
  Account,
  JournalEntry,
  Product,
  PurchaseOrder,
  SalesInvoice,
  Supplier,
} from '@mlc/sage-x3-client';
import type { StreamDefinition } from '../definition/define-stream.js';
import { glAccountsStream } from './gl-accounts-stream.js';
import { glEntryLinesStream } from './gl-entry-lines-stream.js';
import { productsStream } from './products-stream.js';
import { purchaseOrdersStream } from './purchase-orders-stream.js';
import { salesInvoicesStream } from './sales-invoices-stream.js';
import { suppliersStream } from './suppliers-stream.js';
import type { X3ClientWith, X3StreamOverrides } from './x3-stream-options.js';

/** A client that knows the six built-in entities. */
export type X3ClientWithBuiltIns = X3ClientWith<'account', Account> &
  X3ClientWith<'journalEntry', JournalEntry> &
  X3ClientWith<'supplier', Supplier> &
  X3ClientWith<'product', Product> &
  X3ClientWith<'purchaseOrder', PurchaseOrder> &
  X3ClientWith<'salesInvoice', SalesInvoice>;

/** Per-stream overrides of {@link x3Streams}; `false` leaves a stream out. */
export interface X3StreamsOptions {
  /** GL accounts. */
  glAccounts?: X3StreamOverrides<Account> | false;
  /** GL entry lines. */
  glEntryLines?: X3StreamOverrides<JournalEntry> | false;
  /** Suppliers. */
  suppliers?: X3StreamOverrides<Supplier> | false;
  /** Purchase orders. */
  purchaseOrders?: X3StreamOverrides<PurchaseOrder> | false;
  /** Sales invoices. */
  salesInvoices?: X3StreamOverrides<SalesInvoice> | false;
  /** Products. */
  products?: X3StreamOverrides<Product> | false;
}

/** The six ready-made streams over one X3 client, with per-stream overrides. */
export function x3Streams(
  client: X3ClientWithBuiltIns,
  options: X3StreamsOptions = {},
): StreamDefinition<unknown>[] {
  const out: StreamDefinition<unknown>[] = [];
  const add = <T>(make: () => StreamDefinition<T>, flag: unknown) => {
    if (flag !== false) out.push(make() as unknown as StreamDefinition<unknown>);
  };
  add(() => glAccountsStream(client, options.glAccounts || {}), options.glAccounts);
  add(() => glEntryLinesStream(client, options.glEntryLines || {}), options.glEntryLines);
  add(() => suppliersStream(client, options.suppliers || {}), options.suppliers);
  add(() => purchaseOrdersStream(client, options.purchaseOrders || {}), options.purchaseOrders);
  add(() => salesInvoicesStream(client, options.salesInvoices || {}), options.salesInvoices);
  add(() => productsStream(client, options.products || {}), options.products);
  return out;
}
