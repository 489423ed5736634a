import type { EntityDef, KeyCodec } from '../entity-definition.js';
import { drawAccented, drawFrenchCompanyName, shortNameOf } from '../french-text.js';
import {
  BACKSLASH_TEXTS,
  COMPANY_KINDS,
  COMPANY_STEMS,
  COMPANY_SUFFIXES,
  COUNTRIES,
  CURRENCIES,
} from '../words.js';

/** Customer names with an apostrophe, so `where=BPCNAM eq 'O''Brien …'` quoting is exercised by real data. */
const APOSTROPHE_STEMS = ["O'Brien", "D'Angelo", "L'Oréal Pro"] as const;

/**
 * Customer keys `C00001`, `C00002`, …: key number `n` is `C` + (n + 1) zero-padded. Five digits while the table
 * plus ten times its size in inserts fits, so the default sizes give exactly the `C` + five-digit codes that sales
 * invoices' `BPCINV` always had ([inferred] code shape; X3 customer codes are free text, `BPCNUM('MARTIN')` in
 * reference §1.1).
 */
export function customerCodec(count: number): KeyCodec {
  const width = Math.max(5, String(count * 10 + 10_000).length);
  const re = new RegExp(`^C(\\d{${width}})$`);
  return {
    format: (n) => `C${String(n + 1).padStart(width, '0')}`,
    parse: (key) => {
      const m = re.exec(key);
      const n = m ? Number(m[1]) - 1 : -1;
      return n >= 0 ? n : undefined;
    },
  };
}

/**
 * Customers. REST class/representation `BPCUSTOMER` with `BPCNUM` (key), `BPCNAM`, `BPCTYP`, `CRY` is
 * [documented] (reference §1.1, §1.2, §1.6); `CREDATTIM`/`UPDDATTIM` are [documented] technical columns (§1.7).
 * `BPCSHO`, `BCGCOD`, `CUR`, `BPCSTA` are [inferred] X3 column names. GraphQL `x3MasterData.customer` is
 * [inferred] by analogy with `x3MasterData.supplier` ([documented] §2.5): the reference lists the customers
 * examples page and `customer` nodes in older schemas (§2.4) without field names; `code { code }` (a
 * BusinessPartner reference), `companyName` and `isActive` follow the documented business-partner and supplier
 * properties (§2.5, gotcha 11), `customerType`, `category`, `currency`, `country` are [inferred].
 */
export const customerDef: EntityDef = {
  name: 'customer',
  rest: { className: 'BPCUSTOMER', representation: 'BPCUSTOMER' },
  restKeyFields: ['key'],
  graphql: { packageSuffix: 'MasterData', nodeName: 'customer', typeName: 'Customer' },
  keyField: { name: 'key', type: 'string', rest: 'BPCNUM', graphql: '_id', doc: 'Customer code.' },
  fields: [
    {
      name: 'code',
      type: 'string',
      rest: null,
      graphql: 'code',
      ref: { kind: 'bp' },
      sameAsKey: true,
      doc: 'Customer business partner (`code { code }`).',
    },
    { name: 'companyName', type: 'string', rest: 'BPCNAM', graphql: 'companyName', doc: 'Company name.' },
    {
      name: 'shortCompanyName',
      type: 'string',
      rest: 'BPCSHO',
      graphql: 'shortCompanyName',
      doc: 'Short name.',
    },
    {
      name: 'customerType',
      type: 'int',
      rest: 'BPCTYP',
      graphql: 'customerType',
      doc: 'Customer type: 1 normal, 2 miscellaneous, 3 prospect ([inferred] values).',
    },
    {
      name: 'category',
      type: 'string',
      rest: 'BCGCOD',
      graphql: 'category',
      ref: { kind: 'code', type: 'CustomerCategory' },
      doc: 'Customer category.',
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
    { name: 'isActive', type: 'boolean', rest: 'BPCSTA', graphql: 'isActive', doc: 'Active flag.' },
  ],
  defaultCount: 1000,
  codec: customerCodec,
  lineCount: () => 0,
  generate: ({ keyNumber, keyOf, rng }) => {
    const roll = rng.int(0, 99);
    const stem = roll < 3 ? rng.pick(APOSTROPHE_STEMS) : rng.pick(COMPANY_STEMS);
    const name =
      roll >= 3 && roll < 6
        ? `${stem} ${rng.pick(BACKSLASH_TEXTS)}`
        : `${stem} ${rng.pick(COMPANY_KINDS)} ${rng.pick(COMPANY_SUFFIXES)}`;
    const typeRoll = rng.int(0, 99);
    const values = {
      code: keyOf('customer', keyNumber),
      companyName: name,
      shortCompanyName: stem.toUpperCase().slice(0, 10),
      customerType: typeRoll < 85 ? 1 : typeRoll < 95 ? 2 : 3,
      category: rng.pick(['DOM', 'EXP', 'RET', 'WHO']),
      currency: rng.pick(CURRENCIES),
      country: rng.pick(COUNTRIES),
      isActive: rng.chance(0.93),
    };
    // A French name for one customer in three (french-text.ts), drawn last so the other values stay as they were;
    // the names with an apostrophe or backslashes keep theirs (they test `where` quoting and the REST JSON repair).
    if (drawAccented(rng) && roll >= 6) {
      values.companyName = drawFrenchCompanyName(rng);
      values.shortCompanyName = shortNameOf(values.companyName);
    }
    return { values };
  },
};
