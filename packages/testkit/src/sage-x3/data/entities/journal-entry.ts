import { money } from './common-fields.js';
import { type EntityDef, type FieldValue, prefixCodec } from '../entity-definition.js';
import { drawAccented, FRENCH_JOURNAL_TEXTS, frenchAmount } from '../french-text.js';
import { hashInts } from '../hash.js';
import { BACKSLASH_TEXTS, COMPANIES, JOURNAL_TYPES, dateOf } from '../words.js';

/**
 * GL journal entries with their lines, balanced (debits = credits in every entry). GraphQL
 * `x3Finance.journalEntry` / `journalEntryLine` and their property names are [documented] (reference §2.5);
 * `journalEntryLines` as a collection connection follows §2.4. The REST class `GACCENTRY` with lines
 * `GACCENTRYD` is [inferred] (§1.6: DB tables only), as are its property names.
 */
export const journalEntryDef: EntityDef = {
  name: 'journalEntry',
  rest: { className: 'GACCENTRY', representation: 'GACCENTRY' },
  restKeyFields: ['key'],
  graphql: { packageSuffix: 'Finance', nodeName: 'journalEntry', typeName: 'JournalEntry' },
  keyField: { name: 'key', type: 'string', rest: 'NUM', graphql: '_id', doc: 'Entry number.' },
  fields: [
    {
      name: 'journalEntryNumber',
      type: 'string',
      rest: null,
      graphql: 'journalEntryNumber',
      sameAsKey: true,
      doc: 'Entry number (equals the key).',
    },
    {
      name: 'journalEntryType',
      type: 'string',
      rest: 'TYP',
      graphql: 'journalEntryType',
      ref: { kind: 'code', type: 'JournalEntryType' },
      doc: 'Entry type.',
    },
    {
      name: 'company',
      type: 'string',
      rest: 'CPY',
      graphql: 'company',
      ref: { kind: 'code', type: 'Company' },
      doc: 'Company.',
    },
    {
      name: 'site',
      type: 'string',
      rest: 'FCY',
      graphql: 'site',
      ref: { kind: 'code', type: 'Site' },
      doc: 'Site.',
    },
    {
      name: 'journal',
      type: 'string',
      rest: 'JOU',
      graphql: 'journal',
      ref: { kind: 'code', type: 'Journal' },
      doc: 'Journal.',
    },
    {
      name: 'accountingDate',
      type: 'date',
      rest: 'ACCDAT',
      graphql: 'accountingDate',
      doc: 'Accounting date.',
    },
    {
      name: 'journalEntryStatus',
      type: 'int',
      rest: 'STA',
      graphql: 'journalEntryStatus',
      // Property [documented] §2.5; a local menu ([documented] form §2.6); the value names are [inferred].
      menu: { type: 'JournalEntryStatus', values: ['temporary', 'final'] },
      doc: '1 temporary, 2 final (GraphQL menu names [inferred]).',
    },
    {
      name: 'journalEntryTransaction',
      type: 'string',
      rest: 'DACDIA',
      graphql: 'journalEntryTransaction',
      // Property [documented] §2.5, and `x3FinanceData.journalEntryTransaction` is a node (§2.5): a reference,
      // read as `journalEntryTransaction { code }`. The REST name and the codes are [inferred].
      ref: { kind: 'code', type: 'JournalEntryTransaction' },
      doc: 'Entry transaction (e.g. STDCO, the standard entry).',
    },
    {
      name: 'transactionCurrency',
      type: 'string',
      rest: 'CUR',
      graphql: 'transactionCurrency',
      ref: { kind: 'code', type: 'Currency' },
      doc: 'Transaction currency.',
    },
    { name: 'description', type: 'string', rest: 'DESVCR', graphql: 'description', doc: 'Entry text.' },
  ],
  lines: {
    rest: 'GACCENTRYD',
    graphql: 'journalEntryLines',
    typeName: 'JournalEntryLine',
    fields: [
      { name: 'lineNumber', type: 'int', rest: 'LIN', graphql: 'lineNumber', doc: 'Line number.' },
      {
        name: 'chartOfAccounts',
        type: 'string',
        rest: 'COA',
        graphql: 'chartOfAccounts',
        ref: { kind: 'code', type: 'ChartOfAccounts' },
        doc: 'Chart.',
      },
      {
        name: 'account',
        type: 'string',
        rest: 'ACC',
        graphql: 'account',
        ref: { kind: 'node', entity: 'account' },
        restValue: (v: FieldValue) => (typeof v === 'string' ? (v.split('~')[1] ?? v) : v),
        doc: 'Account key (REST shows the code part).',
      },
      {
        name: 'businessPartner',
        type: 'string',
        rest: 'BPR',
        graphql: 'businessPartner',
        ref: { kind: 'bp' },
        doc: 'Business partner or null.',
      },
      { name: 'sign', type: 'int', rest: 'SNS', graphql: 'sign', doc: '1 debit, -1 credit.' },
      {
        name: 'transactionAmount',
        type: 'decimal',
        rest: 'AMTCUR',
        graphql: 'transactionAmount',
        doc: 'Amount in transaction currency (positive).',
      },
      {
        name: 'ledgerAmount',
        type: 'decimal',
        rest: 'AMTLED',
        graphql: 'ledgerAmount',
        doc: 'Amount in ledger currency (positive).',
      },
      {
        name: 'ledgerCurrency',
        type: 'string',
        rest: 'CURLED',
        graphql: 'ledgerCurrency',
        ref: { kind: 'code', type: 'Currency' },
        doc: 'Ledger currency.',
      },
      { name: 'lineDescription', type: 'string', rest: 'DES', graphql: 'lineDescription', doc: 'Line text.' },
    ],
  },
  defaultCount: 2000,
  codec: (count) => prefixCodec('JE', count),
  lineCount: (seed, index) => 2 + (hashInts(seed, 31, index) % 5),
  generate: ({ keyNumber, keyOf, rng, counts, createdAt, lineCount }) => {
    const jt = rng.pick(JOURNAL_TYPES);
    const company = rng.pick(COMPANIES);
    const key = keyOf('journalEntry', keyNumber);
    const backslash = rng.chance(0.02);
    const description = backslash ? `Import ${rng.pick(BACKSLASH_TEXTS)}` : `${jt.journal} ${key}`;
    const partner =
      jt.partner === 'supplier' && counts.supplier > 0
        ? keyOf('supplier', rng.int(0, counts.supplier - 1))
        : jt.partner === 'customer'
          ? `C${String(rng.int(1, 999)).padStart(5, '0')}`
          : null;
    // Debit lines with random amounts, then one or two credit lines carrying the total: balanced in cents.
    const creditLines = lineCount >= 4 ? 2 : 1;
    const amounts: number[] = [];
    for (let k = 0; k < lineCount - creditLines; k++) amounts.push(rng.int(1000, 500000));
    const total = amounts.reduce((a, b) => a + b, 0);
    if (creditLines === 2) {
      const first = Math.floor(total / 2);
      amounts.push(first, total - first);
    } else amounts.push(total);
    const lines = amounts.map((cents, k) => {
      const debit = k < lineCount - creditLines;
      const account = counts.account > 0 ? keyOf('account', rng.int(0, counts.account - 1)) : 'PCG~100000';
      return {
        lineNumber: k + 1,
        chartOfAccounts: 'PCG',
        account,
        businessPartner: partner,
        sign: debit ? 1 : -1,
        transactionAmount: money(cents),
        ledgerAmount: money(cents),
        ledgerCurrency: company.currency,
        lineDescription: `${debit ? 'Debit' : 'Credit'} ${k + 1}`,
      };
    });
    const values = {
      journalEntryNumber: key,
      journalEntryType: jt.type,
      company: company.code,
      site: rng.pick(company.sites),
      journal: jt.journal,
      accountingDate: dateOf(createdAt - rng.int(0, 3) * 86400),
      journalEntryStatus: rng.chance(0.9) ? 2 : 1,
      journalEntryTransaction: 'STDCO',
      transactionCurrency: company.currency,
      description,
    };
    // French texts for one entry in three (french-text.ts), drawn last so the other values stay as they were: the
    // entry text names its total (`1 234,56 €`), the lines say
    // « Débit » / « Crédit ». An entry text with backslashes keeps it (it tests the REST JSON repair).
    if (drawAccented(rng)) {
      if (!backslash)
        values.description = `${FRENCH_JOURNAL_TEXTS[jt.journal]} ${key} – ${frenchAmount(total, company.currency)}`;
      for (const line of lines) {
        line.lineDescription = `${line.sign === 1 ? 'Débit' : 'Crédit'} ${line.lineNumber}`;
      }
    }
    return { values, lines };
  },
};
