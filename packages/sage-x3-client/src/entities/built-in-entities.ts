import { type Account, accountEntity } from './builtin/account.js';
import { type JournalEntry, journalEntryEntity } from './builtin/journal-entry.js';
import { type Product, productEntity } from './builtin/product.js';
import { type PurchaseOrder, purchaseOrderEntity } from './builtin/purchase-order.js';
import { type SalesInvoice, salesInvoiceEntity } from './builtin/sales-invoice.js';
import { type Supplier, supplierEntity } from './builtin/supplier.js';
import type { X3EntityDefinition } from './x3-entity-definition.js';

/** Record type of each built-in entity, by entity name (the contract's names). */
export interface X3BuiltInEntities {
  /** GL accounts. */
  account: Account;
  /** GL journal entries with `lines[]`. */
  journalEntry: JournalEntry;
  /** Suppliers. */
  supplier: Supplier;
  /** Products. */
  product: Product;
  /** Purchase orders with `lines[]`. */
  purchaseOrder: PurchaseOrder;
  /** Sales invoices with `lines[]`. */
  salesInvoice: SalesInvoice;
}

/** Names of the built-in entities. */
export type X3BuiltInEntityName = keyof X3BuiltInEntities;

/** The built-in entity definitions (defaults; override per site with the client's `entities` option). */
export const X3_BUILT_IN_ENTITIES: {
  readonly [K in X3BuiltInEntityName]: X3EntityDefinition<X3BuiltInEntities[K]>;
} = Object.freeze({
  account: accountEntity,
  journalEntry: journalEntryEntity,
  supplier: supplierEntity,
  product: productEntity,
  purchaseOrder: purchaseOrderEntity,
  salesInvoice: salesInvoiceEntity,
});
