import { type EntityDef, prefixCodec } from '../entity-definition.js';
import { drawAccented, drawFrenchCompanyName, shortNameOf } from '../french-text.js';
import {
  BACKSLASH_TEXTS,
  COMPANY_KINDS,
  COMPANY_STEMS,
  COMPANY_SUFFIXES,
  COUNTRIES,
  CURRENCIES,
} from '../words.js';

/**
 * Suppliers. REST `BPSUPPLIER` is [documented as observed] (reference §1.6), GraphQL `x3MasterData.supplier`
 * with `code { code }` (a BusinessPartner reference) is [documented] (§2.4, §2.5). REST property names other
 * than `BPSNUM`/`BPSNAM` are [inferred].
 */
export const supplierDef: EntityDef = {
  name: 'supplier',
  rest: { className: 'BPSUPPLIER', representation: 'BPSUPPLIER' },
  restKeyFields: ['key'],
  graphql: { packageSuffix: 'MasterData', nodeName: 'supplier', typeName: 'Supplier' },
  keyField: { name: 'key', type: 'string', rest: 'BPSNUM', graphql: '_id', doc: 'Supplier code.' },
  fields: [
    {
      name: 'code',
      type: 'string',
      rest: null,
      graphql: 'code',
      ref: { kind: 'bp' },
      sameAsKey: true,
      doc: 'Supplier business partner (`code { code }`).',
    },
    { name: 'companyName', type: 'string', rest: 'BPSNAM', graphql: 'companyName', doc: 'Company name.' },
    {
      name: 'shortCompanyName',
      type: 'string',
      rest: 'BPSSHO',
      graphql: 'shortCompanyName',
      doc: 'Short name.',
    },
    {
      name: 'category',
      type: 'string',
      rest: 'BSGCOD',
      graphql: 'category',
      ref: { kind: 'code', type: 'SupplierCategory' },
      doc: 'Supplier category.',
    },
    {
      name: 'currency',
      type: 'string',
      rest: 'CUR',
      graphql: 'currency',
      ref: { kind: 'code', type: 'Currency' },
      doc: 'Currency.',
    },
    {
      name: 'country',
      type: 'string',
      rest: 'CRY',
      graphql: 'country',
      ref: { kind: 'code', type: 'Country' },
      doc: 'Country.',
    },
    { name: 'isActive', type: 'boolean', rest: 'ENAFLG', graphql: 'isActive', doc: 'Active flag.' },
  ],
  defaultCount: 200,
  codec: (count) => prefixCodec('SU', count),
  lineCount: () => 0,
  generate: ({ keyNumber, keyOf, rng }) => {
    const stem = rng.pick(COMPANY_STEMS);
    const backslash = rng.chance(0.04);
    const name = backslash
      ? `${stem} ${rng.pick(BACKSLASH_TEXTS)}`
      : `${stem} ${rng.pick(COMPANY_KINDS)} ${rng.pick(COMPANY_SUFFIXES)}`;
    const values = {
      code: keyOf('supplier', keyNumber),
      companyName: name,
      shortCompanyName: stem.toUpperCase().slice(0, 10),
      category: rng.pick(['LOC', 'INT', 'SRV']),
      currency: rng.pick(CURRENCIES),
      country: rng.pick(COUNTRIES),
      isActive: rng.chance(0.95),
    };
    // A French name for one supplier in three (french-text.ts), drawn last so the other values stay as they were;
    // the names with backslashes keep theirs (they test the REST JSON repair).
    if (drawAccented(rng) && !backslash) {
      values.companyName = drawFrenchCompanyName(rng);
      values.shortCompanyName = shortNameOf(values.companyName);
    }
    return { values };
  },
};
