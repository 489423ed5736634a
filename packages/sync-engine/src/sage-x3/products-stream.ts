import type { Product } from '@mlc/sage-x3-client';
import type { StreamDefinition } from '../definition/define-stream.js';
import { type X3ClientWith, type X3StreamOverrides, x3Stream } from './x3-stream-options.js';

/** Default table of {@link productsStream}. */
export const PRODUCTS_TABLE = {
  name: 'Products',
  columns: {
    key: 'String',
    code: 'String',
    description: 'String',
    category: 'String',
    status: 'Int64',
    stockUnit: 'String',
    purchaseUnit: 'String',
    isPurchased: 'Boolean',
    updatedAt: 'DateTime',
  },
} as const;

/** Default mapping of {@link productsStream}. */
export function mapProduct(p: Product) {
  return {
    key: p.key,
    code: p.code,
    description: p.description,
    category: p.category,
    status: p.status,
    stockUnit: p.stockUnit,
    purchaseUnit: p.purchaseUnit,
    isPurchased: p.isPurchased,
    updatedAt: p.updatedAt,
  };
}

/** Products (master data): `replace` mode, daily. Entity `product`. */
export function productsStream(
  client: X3ClientWith<'product', Product>,
  overrides: X3StreamOverrides<Product> = {},
): StreamDefinition<Product> {
  return x3Stream(
    client,
    'product',
    {
      name: 'products',
      table: { ...PRODUCTS_TABLE, columns: { ...PRODUCTS_TABLE.columns } },
      map: mapProduct,
      mode: 'replace',
      schedule: 'daily',
    },
    overrides,
  );
}
