import type { Account } from '@mlc/sage-x3-client';
import type { StreamDefinition } from '../definition/define-stream.js';
import { type X3ClientWith, type X3StreamOverrides, x3Stream } from './x3-stream-options.js';

/** Default table of {@link glAccountsStream}. */
export const GL_ACCOUNTS_TABLE = {
  name: 'GLAccounts',
  columns: {
    key: 'String',
    chartOfAccounts: 'String',
    code: 'String',
    description: 'String',
    shortDescription: 'String',
    isActive: 'Boolean',
    updatedAt: 'DateTime',
  },
} as const;

/** Default mapping of {@link glAccountsStream}. */
export function mapGlAccount(a: Account) {
  return {
    key: a.key,
    chartOfAccounts: a.chartOfAccounts,
    code: a.code,
    description: a.description,
    shortDescription: a.shortDescription,
    isActive: a.isActive,
    updatedAt: a.updatedAt,
  };
}

/** GL accounts (master data): `replace` mode, daily. Entity `account`. */
export function glAccountsStream(
  client: X3ClientWith<'account', Account>,
  overrides: X3StreamOverrides<Account> = {},
): StreamDefinition<Account> {
  return x3Stream(
    client,
    'account',
    {
      name: 'glAccounts',
      table: { ...GL_ACCOUNTS_TABLE, columns: { ...GL_ACCOUNTS_TABLE.columns } },
      map: mapGlAccount,
      mode: 'replace',
      schedule: 'daily',
    },
    overrides,
  );
}
