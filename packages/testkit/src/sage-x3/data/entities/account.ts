import type { EntityDef, KeyCodec } from '../entity-definition.js';
import { codePointSlice, drawAccented, FRENCH_ACCOUNT_LABELS } from '../french-text.js';
import { ACCOUNT_LABELS } from '../words.js';

const CHART = 'PCG';

/** Account keys are `CHART~CODE` (a composite REST key, `~`-joined as X3 does: [documented] reference §1.1). */
function accountCodec(): KeyCodec {
  return {
    format: (n) => `${CHART}~${String(100000 + n)}`,
    parse: (key) => {
      const m = /^PCG~(\d{6})$/.exec(key);
      return m ? Number(m[1]) - 100000 : undefined;
    },
  };
}

/**
 * GL accounts. GraphQL `x3FinanceData.account` is [documented] (reference §2.5); the REST class `GACCOUNT` is
 * [inferred] (reference §1.6: not found as a REST class, configure per site).
 */
export const accountDef: EntityDef = {
  name: 'account',
  rest: { className: 'GACCOUNT', representation: 'GACCOUNT' },
  restKeyFields: ['chartOfAccounts', 'code'],
  graphql: { packageSuffix: 'FinanceData', nodeName: 'account', typeName: 'Account' },
  keyField: { name: 'key', type: 'string', rest: null, graphql: '_id', doc: 'Chart and code joined by `~`.' },
  fields: [
    {
      name: 'chartOfAccounts',
      type: 'string',
      rest: 'COA',
      graphql: 'chartOfAccounts',
      ref: { kind: 'code', type: 'ChartOfAccounts' },
      doc: 'Chart of accounts code.',
    },
    { name: 'code', type: 'string', rest: 'ACC', graphql: 'code', doc: 'Account number.' },
    {
      name: 'description',
      type: 'string',
      rest: 'DES',
      graphql: 'localizedDescription',
      doc: 'Account label.',
    },
    {
      name: 'shortDescription',
      type: 'string',
      rest: 'SHO',
      graphql: 'localizedShortDescription',
      doc: 'Short label.',
    },
    { name: 'isActive', type: 'boolean', rest: 'ENAFLG', graphql: 'isActive', doc: 'Active flag.' },
  ],
  defaultCount: 120,
  codec: accountCodec,
  lineCount: () => 0,
  generate: ({ keyNumber, rng }) => {
    const isActive = rng.chance(0.95);
    // French labels for one account in three (french-text.ts), drawn last so the other values stay as they were.
    const labels = drawAccented(rng) ? FRENCH_ACCOUNT_LABELS : ACCOUNT_LABELS;
    const label = labels[keyNumber % labels.length] as string;
    return {
      values: {
        chartOfAccounts: CHART,
        code: String(100000 + keyNumber),
        description: `${label} ${keyNumber}`,
        shortDescription: codePointSlice(label, 10),
        isActive,
      },
    };
  },
};
