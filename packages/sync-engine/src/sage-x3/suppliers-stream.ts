import type { Supplier } from '@mlc/sage-x3-client';
import type { StreamDefinition } from '../definition/define-stream.js';
import { type X3ClientWith, type X3StreamOverrides, x3Stream } from './x3-stream-options.js';

/** Default table of {@link suppliersStream}. */
export const SUPPLIERS_TABLE = {
  name: 'Suppliers',
  columns: {
    key: 'String',
    code: 'String',
    name: 'String',
    shortName: 'String',
    category: 'String',
    currency: 'String',
    isActive: 'Boolean',
    updatedAt: 'DateTime',
  },
} as const;

/** Default mapping of {@link suppliersStream}. */
export function mapSupplier(s: Supplier) {
  return {
    key: s.key,
    code: s.code,
    name: s.name,
    shortName: s.shortName,
    category: s.category,
    currency: s.currency,
    isActive: s.isActive,
    updatedAt: s.updatedAt,
  };
}

/** Suppliers (master data): `replace` mode, daily. Entity `supplier`. */
export function suppliersStream(
  client: X3ClientWith<'supplier', Supplier>,
  overrides: X3StreamOverrides<Supplier> = {},
): StreamDefinition<Supplier> {
  return x3Stream(
    client,
    'supplier',
    {
      name: 'suppliers',
      table: { ...SUPPLIERS_TABLE, columns: { ...SUPPLIERS_TABLE.columns } },
      map: mapSupplier,
      mode: 'replace',
      schedule: 'daily',
    },
    overrides,
  );
}
