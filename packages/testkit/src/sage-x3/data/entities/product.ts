import { money } from './common-fields.js';
import { type EntityDef, prefixCodec } from '../entity-definition.js';
import {
  drawAccented,
  FRENCH_PRODUCT_NOUNS,
  FRENCH_PRODUCT_QUALIFIERS,
  frenchAmount,
} from '../french-text.js';
import { BACKSLASH_TEXTS, PRODUCT_ADJECTIVES, PRODUCT_CATEGORIES, PRODUCT_NOUNS, UNITS } from '../words.js';

/**
 * Products. REST `ITMMASTER` with `ITMREF`/`DES1AXX` is [documented as observed] (reference §1.6), GraphQL
 * `x3MasterData.product` with `code`, `description1..`, `productCategory`, `stockUnit`, `purchaseUnit`,
 * `productStatus`, `upc`, `isPurchased` is [documented] (§2.5). `basePrice` and the other REST names are
 * [inferred].
 */
export const productDef: EntityDef = {
  name: 'product',
  rest: { className: 'ITMMASTER', representation: 'ITMMASTER' },
  restKeyFields: ['key'],
  graphql: { packageSuffix: 'MasterData', nodeName: 'product', typeName: 'Product' },
  keyField: { name: 'key', type: 'string', rest: 'ITMREF', graphql: '_id', doc: 'Product reference.' },
  fields: [
    { name: 'code', type: 'string', rest: null, graphql: 'code', sameAsKey: true, doc: 'Product code.' },
    { name: 'description1', type: 'string', rest: 'DES1AXX', graphql: 'description1', doc: 'Description.' },
    { name: 'description2', type: 'string', rest: 'DES2AXX', graphql: 'description2', doc: 'Extra text.' },
    {
      name: 'productCategory',
      type: 'string',
      rest: 'TCLCOD',
      graphql: 'productCategory',
      ref: { kind: 'code', type: 'ProductCategory' },
      doc: 'Category.',
    },
    {
      name: 'stockUnit',
      type: 'string',
      rest: 'STU',
      graphql: 'stockUnit',
      ref: { kind: 'code', type: 'UnitOfMeasure' },
      doc: 'Stock unit.',
    },
    {
      name: 'purchaseUnit',
      type: 'string',
      rest: 'PUU',
      graphql: 'purchaseUnit',
      ref: { kind: 'code', type: 'UnitOfMeasure' },
      doc: 'Purchase unit.',
    },
    {
      name: 'productStatus',
      type: 'int',
      rest: 'ITMSTA',
      graphql: 'productStatus',
      // Property [documented] §2.5; a local menu ([documented] form §2.6); the value names are [inferred].
      menu: {
        type: 'ProductStatus',
        values: ['active', 'inDevelopment', 'onShortage', 'notRenewed', 'obsolete', 'notUsable'],
      },
      doc: '1 active, 2 in development, … 6 not usable (GraphQL menu names [inferred]).',
    },
    { name: 'upc', type: 'string', rest: 'EANCOD', graphql: 'upc', doc: 'EAN/UPC code.' },
    { name: 'basePrice', type: 'decimal', rest: 'BASPRI', graphql: 'basePrice', doc: 'Base price.' },
    { name: 'isPurchased', type: 'boolean', rest: 'PURFLG', graphql: 'isPurchased', doc: 'Purchased flag.' },
  ],
  defaultCount: 300,
  codec: (count) => prefixCodec('P', count),
  lineCount: () => 0,
  generate: ({ keyNumber, keyOf, rng }) => {
    const unit = rng.pick(UNITS);
    const adjective = rng.pick(PRODUCT_ADJECTIVES);
    const noun = rng.pick(PRODUCT_NOUNS);
    const size = rng.int(2, 40);
    const description1 = `${adjective} ${noun} ${size}mm`;
    const backslash = rng.chance(0.05);
    const values = {
      code: keyOf('product', keyNumber),
      description1,
      description2: backslash ? rng.pick(BACKSLASH_TEXTS) : '',
      productCategory: rng.pick(PRODUCT_CATEGORIES),
      stockUnit: unit,
      purchaseUnit: rng.chance(0.8) ? unit : 'BOX',
      productStatus: rng.chance(0.93) ? 1 : 2,
      upc: String(3000000000000 + keyNumber * 7919),
      basePrice: money(rng.int(50, 50000)),
      isPurchased: true,
    };
    // French descriptions for one product in three (french-text.ts), drawn last so the other values stay as they
    // were; a description2 with backslashes keeps its text (it tests the REST JSON repair).
    if (drawAccented(rng)) {
      values.description1 = `${rng.pick(FRENCH_PRODUCT_NOUNS)} ${rng.pick(FRENCH_PRODUCT_QUALIFIERS)} ${size} mm`;
      if (!backslash)
        values.description2 = `Prix conseillé ${frenchAmount(Math.round(values.basePrice * 100))} HT`;
    }
    return { values };
  },
};
