import { z } from 'zod';
import { defineX3Entity } from '../x3-entity-definition.js';
import { x3Boolean, x3Code, x3Instant, x3Text } from '../x3-field-types.js';

/** A supplier, normalized. */
export const supplierSchema = z.object({
  /** Record key. */
  key: x3Code,
  /** Last update, ISO UTC. */
  updatedAt: x3Instant,
  /** Supplier (business partner) code. */
  code: x3Code,
  /** Company name. */
  name: x3Text,
  /** Short name. */
  shortName: x3Text,
  /** Supplier category. */
  category: x3Text,
  /** Currency. */
  currency: x3Text,
  /** Active flag. */
  isActive: x3Boolean,
});

/** A supplier. */
export type Supplier = z.output<typeof supplierSchema>;

/**
 * Suppliers. REST `BPSUPPLIER` ([observed] §1.6); GraphQL `x3MasterData.supplier` with `code { code }`
 * ([documented] §2.5; the name is `companyName` or `companyName1` depending on the release — override
 * `graphql.fields.name` if your schema has the other one).
 */
export const supplierEntity = defineX3Entity<Supplier>({
  name: 'supplier',
  schema: supplierSchema,
  rest: {
    className: 'BPSUPPLIER',
    representation: 'BPSUPPLIER',
    keyFields: ['BPSNUM'],
    fields: {
      code: 'BPSNUM',
      name: 'BPSNAM',
      shortName: 'BPSSHO',
      category: 'BSGCOD',
      currency: 'CUR',
      isActive: 'ENAFLG',
    },
  },
  graphql: {
    packageName: 'x3MasterData',
    nodeName: 'supplier',
    fields: {
      code: 'code.code',
      name: 'companyName',
      shortName: 'shortCompanyName',
      category: 'category.code',
      currency: 'currency.code',
      isActive: 'isActive',
    },
  },
});
