/** A realistic GL-entry-line dataset for the benchmarks: the shape the sync engine posts for Sage X3 journals. */
import { defineDataset } from '../src/index.js';

/** Dataset with one `GLEntryLines` table (19 columns + the hidden `_batch`), as `glEntryLinesStream` maps it. */
export const glDataset = defineDataset({
  name: 'Bench GL',
  tables: {
    GLEntryLines: {
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
        businessPartner: { type: 'String', nullable: true },
        sign: 'Int64',
        transactionAmount: 'Decimal',
        ledgerAmount: 'Decimal',
        ledgerCurrency: 'String',
        lineDescription: { type: 'String', nullable: true },
        updatedAt: 'DateTime',
      },
    },
  },
});

/** The resolved table, for `planRequests`. */
export const glTable = glDataset.tablesByName.get('GLEntryLines')!;

const ACCOUNTS = ['401000', '411000', '445660', '445710', '512000', '606100', '607000', '707000'];
const JOURNALS = ['ACH', 'VEN', 'BQ1', 'OD'];

/**
 * `count` GL lines, 4 per entry, deterministic. Values have the types the engine sends: ISO UTC strings for
 * dates, numbers for amounts (2 decimals), digits for Int64.
 */
export function glLines(count: number, from = 0) {
  const rows = [];
  for (let i = from; i < from + count; i++) {
    const entry = Math.floor(i / 4);
    const line = (i % 4) + 1;
    const day = new Date(Date.UTC(2023, 0, 1) + (entry % 365) * 86_400_000).toISOString();
    const amount = Math.round(((entry * 7919) % 1_000_000) + line * 13) / 100;
    rows.push({
      entryKey: `GEN~JE${String(entry).padStart(8, '0')}`,
      entryType: 'GEN',
      entryNumber: `JE${String(entry).padStart(8, '0')}`,
      company: entry % 3 === 0 ? 'FR10' : 'DE20',
      site: entry % 3 === 0 ? 'FR011' : 'DE021',
      journal: JOURNALS[entry % JOURNALS.length]!,
      accountingDate: day,
      currency: 'EUR',
      status: 2,
      entryDescription: `Invoice SI${String(entry).padStart(7, '0')} Müller & Söhne GmbH`,
      lineNumber: line,
      account: ACCOUNTS[(entry + line) % ACCOUNTS.length]!,
      businessPartner: line === 1 ? `C${String(entry % 5000).padStart(6, '0')}` : null,
      sign: line % 2 === 0 ? -1 : 1,
      transactionAmount: amount,
      ledgerAmount: amount,
      ledgerCurrency: 'EUR',
      lineDescription: line === 1 ? null : `Line ${line} of the posting (net, VAT 20 %)`,
      updatedAt: `2023-12-${String(1 + (entry % 28)).padStart(2, '0')}T10:${String(entry % 60).padStart(2, '0')}:00Z`,
    });
  }
  return rows;
}
