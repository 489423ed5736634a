import { z } from 'zod';
import { defineX3Entity } from '../x3-entity-definition.js';
import {
  x3Code,
  x3Date,
  x3Decimal,
  x3Instant,
  x3Integer,
  x3LocalMenu,
  x3Sign,
  x3Text,
} from '../x3-field-types.js';

/** One line of a journal entry, normalized. */
export const journalEntryLineSchema = z.object({
  /** Line number inside the entry. */
  lineNumber: x3Integer,
  /** GL account code. */
  account: x3Code,
  /** Business partner on the line, if any. */
  businessPartner: x3Text,
  /** `1` debit, `-1` credit. */
  sign: x3Sign,
  /** Amount in transaction currency (positive; see `sign`). */
  transactionAmount: x3Decimal,
  /** Amount in ledger currency (positive; see `sign`). */
  ledgerAmount: x3Decimal,
  /** Ledger currency. */
  ledgerCurrency: x3Text,
  /** Line description. */
  description: x3Text,
});

/** A GL journal entry with its lines, normalized. */
export const journalEntrySchema = z.object({
  /** Record key. */
  key: x3Code,
  /** Last update, ISO UTC. */
  updatedAt: x3Instant,
  /** Entry type. */
  type: x3Code,
  /** Entry number. */
  number: x3Code,
  /** Company. */
  company: x3Text,
  /** Site. */
  site: x3Text,
  /** Journal code. */
  journal: x3Text,
  /** Accounting date (YYYY-MM-DD). */
  accountingDate: x3Date,
  /** Transaction currency. */
  currency: x3Text,
  /** Entry status (X3 local menu: 1 temporary, 2 final; GraphQL `temporary`/`final`, [inferred] names). */
  status: x3LocalMenu(['temporary', 'final']),
  /** Entry description. */
  description: x3Text,
  /** Lines. */
  lines: z.array(journalEntryLineSchema),
});

/** A GL journal entry line. */
export type JournalEntryLine = z.output<typeof journalEntryLineSchema>;
/** A GL journal entry with its lines. */
export type JournalEntry = z.output<typeof journalEntrySchema>;

/**
 * GL journal entries. GraphQL: `x3Finance.journalEntry` with `journalEntryLines` ([documented] §2.5; line property
 * names vary by release — e.g. older `debitAmountInLedgerCurrency` — so override `graphql.collections.lines.fields`
 * where needed). REST: class `GACCENTRY` with lines `GACCENTRYD` is [inferred] from table names (§1.6).
 */
export const journalEntryEntity = defineX3Entity<JournalEntry>({
  name: 'journalEntry',
  schema: journalEntrySchema,
  rest: {
    className: 'GACCENTRY',
    representation: 'GACCENTRY',
    keyFields: ['NUM'],
    fields: {
      type: 'TYP',
      number: 'NUM',
      company: 'CPY',
      site: 'FCY',
      journal: 'JOU',
      accountingDate: 'ACCDAT',
      currency: 'CUR',
      status: 'STA',
      description: 'DESVCR',
    },
    collections: {
      lines: {
        source: 'GACCENTRYD',
        sortBy: 'lineNumber',
        fields: {
          lineNumber: 'LIN',
          account: 'ACC',
          businessPartner: 'BPR',
          sign: 'SNS',
          transactionAmount: 'AMTCUR',
          ledgerAmount: 'AMTLED',
          ledgerCurrency: 'CURLED',
          description: 'DES',
        },
      },
    },
  },
  graphql: {
    packageName: 'x3Finance',
    nodeName: 'journalEntry',
    fields: {
      type: 'journalEntryType.code',
      number: 'journalEntryNumber',
      company: 'company.code',
      site: 'site.code',
      journal: 'journal.code',
      accountingDate: 'accountingDate',
      currency: 'transactionCurrency.code',
      status: 'journalEntryStatus',
      description: 'description',
    },
    collections: {
      lines: {
        source: 'journalEntryLines',
        sortBy: 'lineNumber',
        fields: {
          lineNumber: 'lineNumber',
          account: 'account.code',
          businessPartner: 'businessPartner.code',
          sign: 'sign',
          transactionAmount: 'transactionAmount',
          ledgerAmount: 'ledgerAmount',
          ledgerCurrency: 'ledgerCurrency.code',
          description: 'lineDescription',
        },
      },
    },
  },
});
