import { describe, expect, it } from 'vitest';
import { Dataset } from '../../src/sage-x3/data/dataset.js';
import { SAGE_X3_ENTITY_NAMES, type SimRecord } from '../../src/sage-x3/data/entity-definition.js';
import { ENTITY_DEFS } from '../../src/sage-x3/data/entities/entity-defs.js';
import { codePointSlice, frenchAmount, shortNameOf } from '../../src/sage-x3/data/french-text.js';

// The seeded data of a French distributor carries accented text (french-text.ts): about a third of the free-text
// values, deterministically from the seed, while keys and codes stay ASCII.
const COUNTS = {
  account: 600,
  journalEntry: 1500,
  supplier: 1500,
  product: 1500,
  purchaseOrder: 50,
  salesInvoice: 50,
  customer: 1500,
};

function dataset(seed: number): Dataset {
  return new Dataset({ seed, counts: COUNTS, historyFromSec: 1_700_000_000, historyToSec: 1_710_000_000 });
}

/** Free-text fields (not codes, references, keys or dates) by entity: the ones the French text goes into. */
const TEXT_FIELDS = {
  account: ['description', 'shortDescription'],
  supplier: ['companyName', 'shortCompanyName'],
  customer: ['companyName', 'shortCompanyName'],
  product: ['description1', 'description2'],
  journalEntry: ['description'],
} as const;

function textValues(record: SimRecord, fields: readonly string[]): string[] {
  const out = fields
    .map((f) => record.values[f])
    .filter((v): v is string => typeof v === 'string' && v !== '');
  for (const line of record.lines ?? []) {
    if (typeof line.lineDescription === 'string') out.push(line.lineDescription);
  }
  return out;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
const NON_ASCII = /[^\x00-\x7f]/;

describe('Sage X3 simulator: accented seeded text', () => {
  const ds = dataset(11);
  const all = Object.fromEntries(
    Object.keys(TEXT_FIELDS).map((e) => [e, [...ds.tables[e as keyof typeof TEXT_FIELDS].scanAll()]]),
  ) as Record<keyof typeof TEXT_FIELDS, SimRecord[]>;

  it('about a third of the free-text values hold non-ASCII characters, in every entity with text', () => {
    let total = 0;
    let accented = 0;
    for (const [entity, fields] of Object.entries(TEXT_FIELDS)) {
      const values = all[entity as keyof typeof TEXT_FIELDS].flatMap((r) => textValues(r, fields));
      const n = values.filter((v) => NON_ASCII.test(v)).length;
      // Every entity has some, none has them everywhere (short labels may cut before the first accent).
      expect(n / values.length, entity).toBeGreaterThan(0.15);
      expect(n / values.length, entity).toBeLessThan(0.55);
      total += values.length;
      accented += n;
    }
    expect(accented / total).toBeGreaterThan(0.28);
    expect(accented / total).toBeLessThan(0.42);
  });

  it('carries the characters French X3 data has: accents, ’ « » – €, narrow no-break spaces and a non-BMP one', () => {
    const text = Object.entries(TEXT_FIELDS)
      .flatMap(([entity, fields]) =>
        all[entity as keyof typeof TEXT_FIELDS].flatMap((r) => textValues(r, fields)),
      )
      .join('\n');
    for (const ch of [...'éèàçôœŒÉ«»’–€𠮷', '\u00a0', '\u202f']) {
      expect(text.includes(ch), `U+${ch.codePointAt(0)?.toString(16)}`).toBe(true);
    }
    // Well-formed UTF-16 everywhere: no value holds half of a surrogate pair (a short name never cuts one).
    expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
    expect(all.supplier.some((r) => String(r.values.shortCompanyName).startsWith('𠮷'))).toBe(true);
  });

  it('keeps keys, codes and references ASCII (X3 codes: [inferred] from the reference examples)', () => {
    for (const entity of SAGE_X3_ENTITY_NAMES) {
      const def = ENTITY_DEFS[entity];
      const codeFields = [...def.fields, ...(def.lines?.fields ?? [])].filter(
        (f) => f.ref !== undefined || f.sameAsKey === true,
      );
      for (const record of ds.tables[entity].scanAll()) {
        expect(NON_ASCII.test(record.key), record.key).toBe(false);
        for (const row of [record.values, ...(record.lines ?? [])]) {
          for (const f of codeFields) {
            const v = row[f.name];
            if (typeof v === 'string') expect(NON_ASCII.test(v), `${entity}.${f.name} ${v}`).toBe(false);
          }
        }
      }
    }
  });

  it('is deterministic: the same seed gives the same text, another seed other text', () => {
    const again = dataset(11);
    const other = dataset(12);
    const names = (d: Dataset) => [...d.tables.supplier.scanAll()].map((r) => r.values.companyName);
    expect(names(again)).toEqual(names(ds));
    expect(names(other)).not.toEqual(names(ds));
  });

  it('formats French amounts and cuts short names by code point', () => {
    expect(frenchAmount(123456789)).toBe('1\u202f234\u202f567,89\u00a0€');
    expect(frenchAmount(5, 'USD')).toBe('0,05\u00a0USD');
    expect(frenchAmount(-100000)).toBe('-1\u202f000,00\u00a0€');
    expect(codePointSlice('a𠮷b', 2)).toBe('a𠮷');
    expect(shortNameOf('Cœur de France Distribution')).toBe('CŒUR DE FR');
    expect(shortNameOf('𠮷田工業 – Yoshida')).toBe('𠮷田工業 – YOS');
  });
});
