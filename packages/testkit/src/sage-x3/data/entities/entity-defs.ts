import type { EntityDef, SageX3EntityName } from '../entity-definition.js';
import { accountDef } from './account.js';
import { customerDef } from './customer.js';
import { journalEntryDef } from './journal-entry.js';
import { productDef } from './product.js';
import { purchaseOrderDef } from './purchase-order.js';
import { salesInvoiceDef } from './sales-invoice.js';
import { supplierDef } from './supplier.js';

/** The built-in entity definitions by name. */
export const ENTITY_DEFS: Readonly<Record<SageX3EntityName, EntityDef>> = {
  account: accountDef,
  journalEntry: journalEntryDef,
  supplier: supplierDef,
  product: productDef,
  purchaseOrder: purchaseOrderDef,
  salesInvoice: salesInvoiceDef,
  customer: customerDef,
};
