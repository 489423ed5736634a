import type { JournalEntry } from '@mlc/sage-x3-client';
import type { StreamDefinition } from '../definition/define-stream.js';
import { type X3ClientWith, type X3StreamOverrides, x3Stream } from './x3-stream-options.js';

/** Default table of {@link glEntryLinesStream}: one row per journal entry line. */
export const GL_ENTRY_LINES_TABLE = {
  name: 'GLEntryLines',
  columns: {
    entryKey: 'String',
    entryType: 'String',
    entryNumber: 'String',
    company: 'String',
    site: 'String',
    journal: 'String',
    accountingDate: 'DateTime',
    currency: 'String',
    status: 'Int64',
    entryDescription: 'String',
    lineNumber: 'Int64',
    account: 'String',
    businessPartner: 'String',
    sign: 'Int64',
    transactionAmount: 'Decimal',
    ledgerAmount: 'Decimal',
    ledgerCurrency: 'String',
    lineDescription: 'String',
    updatedAt: 'DateTime',
  },
} as const;

/** Default mapping of {@link glEntryLinesStream}: the entry's lines flattened, header fields repeated. */
export function mapGlEntryLines(e: JournalEntry) {
  return e.lines.map((line) => ({
    entryKey: e.key,
    entryType: e.type,
    entryNumber: e.number,
    company: e.company,
    site: e.site,
    journal: e.journal,
    accountingDate: e.accountingDate,
    currency: e.currency,
    status: e.status,
    entryDescription: e.description,
    lineNumber: line.lineNumber,
    account: line.account,
    businessPartner: line.businessPartner,
    sign: line.sign,
    transactionAmount: line.transactionAmount,
    ledgerAmount: line.ledgerAmount,
    ledgerCurrency: line.ledgerCurrency,
    lineDescription: line.description,
    updatedAt: e.updatedAt,
  }));
}

/** GL entry lines (posted facts): `append` mode, hourly. Entity `journalEntry`, lines flattened. */
export function glEntryLinesStream(
  client: X3ClientWith<'journalEntry', JournalEntry>,
  overrides: X3StreamOverrides<JournalEntry> = {},
): StreamDefinition<JournalEntry> {
  return x3Stream(
    client,
    'journalEntry',
    {
      name: 'glEntryLines',
      table: { ...GL_ENTRY_LINES_TABLE, columns: { ...GL_ENTRY_LINES_TABLE.columns } },
      map: mapGlEntryLines,
      mode: 'append',
      schedule: 'hourly',
    },
    overrides,
  );
}
