import { z } from 'zod';
import { defineX3Entity } from '../x3-entity-definition.js';
import { x3Boolean, x3Code, x3Instant, x3Text } from '../x3-field-types.js';

/** A general-ledger account, normalized. */
export const accountSchema = z.object({
  /** Record key (REST class key / GraphQL `_id`). */
  key: x3Code,
  /** Last update, ISO UTC (from `UPDDATTIM` / `_updateStamp`). */
  updatedAt: x3Instant,
  /** Chart of accounts code. */
  chartOfAccounts: x3Code,
  /** Account number. */
  code: x3Code,
  /** Description. */
  description: x3Text,
  /** Short description. */
  shortDescription: x3Text,
  /** Active flag. */
  isActive: x3Boolean,
});

/** A general-ledger account. */
export type Account = z.output<typeof accountSchema>;

/**
 * GL accounts. GraphQL: `x3FinanceData.account` ([documented] reference §2.5). REST: class `GACCOUNT` is
 * [inferred] (not found as a REST class in any source, §1.6), as are its property names and the composite key
 * (`COA~ACC`) — override `rest` for your site.
 */
export const accountEntity = defineX3Entity<Account>({
  name: 'account',
  schema: accountSchema,
  rest: {
    className: 'GACCOUNT',
    representation: 'GACCOUNT',
    keyFields: ['COA', 'ACC'],
    fields: {
      chartOfAccounts: 'COA',
      code: 'ACC',
      description: 'DES',
      shortDescription: 'SHO',
      isActive: 'ENAFLG',
    },
  },
  graphql: {
    packageName: 'x3FinanceData',
    nodeName: 'account',
    fields: {
      chartOfAccounts: 'chartOfAccounts.code',
      code: 'code',
      description: 'localizedDescription',
      shortDescription: 'localizedShortDescription',
      isActive: 'isActive',
    },
  },
});
