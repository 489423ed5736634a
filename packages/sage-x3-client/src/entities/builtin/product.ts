import { z } from 'zod';
import { defineX3Entity } from '../x3-entity-definition.js';
import { x3Boolean, x3Code, x3Instant, x3LocalMenu, x3Text } from '../x3-field-types.js';

/** GraphQL names of the product status menu (ITMSTA), in menu order ([inferred]). */
const PRODUCT_STATUS_NAMES = [
  'active',
  'inDevelopment',
  'onShortage',
  'notRenewed',
  'obsolete',
  'notUsable',
] as const;

/** A product, normalized. */
export const productSchema = z.object({
  /** Record key. */
  key: x3Code,
  /** Last update, ISO UTC. */
  updatedAt: x3Instant,
  /** Product code. */
  code: x3Code,
  /** Description (first line). */
  description: x3Text,
  /** Product category. */
  category: x3Text,
  /** Product status (X3 local menu: 1 active, 2 in development, 3 on shortage, 4 not renewed, 5 obsolete, 6 not usable). */
  status: x3LocalMenu(PRODUCT_STATUS_NAMES),
  /** Stock unit. */
  stockUnit: x3Text,
  /** Purchase unit. */
  purchaseUnit: x3Text,
  /** Purchased flag. */
  isPurchased: x3Boolean,
});

/** A product. */
export type Product = z.output<typeof productSchema>;

/**
 * Products. REST `ITMMASTER` with `ITMREF`/`DES1AXX` ([observed] §1.6; other REST names [inferred]); GraphQL
 * `x3MasterData.product` ([documented] §2.5).
 */
export const productEntity = defineX3Entity<Product>({
  name: 'product',
  schema: productSchema,
  rest: {
    className: 'ITMMASTER',
    representation: 'ITMMASTER',
    keyFields: ['ITMREF'],
    fields: {
      code: 'ITMREF',
      description: 'DES1AXX',
      category: 'TCLCOD',
      status: 'ITMSTA',
      stockUnit: 'STU',
      purchaseUnit: 'PUU',
      isPurchased: 'PURFLG',
    },
  },
  graphql: {
    packageName: 'x3MasterData',
    nodeName: 'product',
    fields: {
      code: 'code',
      description: 'description1',
      category: 'productCategory.code',
      status: 'productStatus',
      stockUnit: 'stockUnit.code',
      purchaseUnit: 'purchaseUnit.code',
      isPurchased: 'isPurchased',
    },
  },
});
