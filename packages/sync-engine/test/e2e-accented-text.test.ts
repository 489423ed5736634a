import { afterEach, describe, expect, it } from 'vitest';
import { type Loop, onlyStreams, startLoop } from './e2e-helpers.js';

// The seeded X3 data is French (testkit french-text.ts): about a third of the text values hold accents, ’ « » – €,
// no-break spaces. Through both simulators and the real clients, every text value reaches Power BI with exactly the
// code points X3 holds (no re-encoding, no normalisation, a character outside the BMP intact), and the content
// fingerprint sees the same text on a re-read: an unchanged re-sync posts nothing.

/** A supplier name outside what the seed draws: a non-BMP character, decomposed accents (NFD, which must stay NFD). */
const PLANTED_NAME = '𠮷田 – Socie\u0301te\u0301 « Œuvres » 1\u202f234,50\u00a0€ d’Été 🚚';
const PLANTED_ENTRY_TEXT = 'Écriture à l’export – 12,50 € « œ » 𝄞';

/** A string as its code points, so a comparison fails on any change a JS string comparison might hide in output. */
const codePoints = (text: unknown): number[] => [...String(text)].map((c) => c.codePointAt(0) ?? -1);
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
const NON_ASCII = /[^\x00-\x7f]/;

let loop: Loop | undefined;
afterEach(async () => {
  await loop?.close();
  loop = undefined;
});

describe('accented text end to end', () => {
  it.each(['rest', 'graphql'] as const)(
    'accented X3 text arrives in Power BI with the same code points over %s; an unchanged re-sync posts nothing',
    async (transport) => {
      loop = await startLoop({ streams: onlyStreams('suppliers', 'glEntryLines'), transport });
      const l = loop;
      const supplierKey = [...l.x3sim.control.records('supplier')][3]?.key ?? '';
      l.x3sim.control.update('supplier', supplierKey, { values: { companyName: PLANTED_NAME } });
      const entry = [...l.x3sim.control.records('journalEntry')][5];
      const entryKey = entry?.key ?? '';
      l.x3sim.control.update('journalEntry', entryKey, {
        values: { description: PLANTED_ENTRY_TEXT },
        lines: (entry?.lines ?? []).map((line, k) => ({
          ...line,
          lineDescription: k === 0 ? 'Débit – 𝄞' : 'Crédit',
        })),
      });
      await l.clock.advance(120_000);

      const [first, second] = await l.clock.run(l.sync().run());
      expect(first).toMatchObject({ status: 'completed', recordsQuarantined: 0 });
      expect(second).toMatchObject({ status: 'completed', recordsQuarantined: 0 });

      // Suppliers: every row's name is the X3 name, code point for code point.
      const suppliers = l.rows('Suppliers');
      const x3Suppliers = [...l.x3sim.control.records('supplier')];
      expect(suppliers).toHaveLength(x3Suppliers.length);
      const nameOf = new Map(suppliers.map((r) => [String(r.key), r.name]));
      for (const s of x3Suppliers)
        expect(codePoints(nameOf.get(s.key)), s.key).toEqual(codePoints(s.values.companyName));
      expect(nameOf.get(supplierKey)).toBe(PLANTED_NAME);
      expect(String(nameOf.get(supplierKey)).normalize('NFC')).not.toBe(PLANTED_NAME);
      // The seed's own French names took part (not only the planted one).
      expect(suppliers.filter((r) => NON_ASCII.test(String(r.name))).length).toBeGreaterThan(2);

      // GL entry lines: the entry text and each line text, against the X3 entry and its lines.
      const lines = l.rows('GLEntryLines');
      const x3Entries = new Map([...l.x3sim.control.records('journalEntry')].map((e) => [e.key, e]));
      expect(lines.length).toBe([...x3Entries.values()].reduce((n, e) => n + (e.lines?.length ?? 0), 0));
      for (const row of lines) {
        const e = x3Entries.get(String(row.entryKey));
        const line = e?.lines?.find((x) => x.lineNumber === row.lineNumber);
        expect(codePoints(row.entryDescription)).toEqual(codePoints(e?.values.description));
        expect(codePoints(row.lineDescription)).toEqual(codePoints(line?.lineDescription));
      }
      expect(lines.filter((r) => r.entryKey === entryKey).map((r) => r.lineDescription)).toContain(
        'Débit – 𝄞',
      );
      const accented = lines.filter((r) => NON_ASCII.test(String(r.entryDescription)));
      expect(accented.length).toBeGreaterThan(lines.length / 5);
      expect(accented.length).toBeLessThan(lines.length / 2);

      // The cursors are lost: everything is read again, the fingerprints match, nothing is posted.
      const posts = l.pbisim.control.requests({ route: 'postRows' }).length;
      l.storage.cursors.clear();
      const again = await l.clock.run(l.sync().run());
      for (const run of again) {
        expect(run).toMatchObject({ status: 'completed', rowsPosted: 0 });
        expect(run && 'recordsUnchanged' in run ? run.recordsUnchanged : -1).toBe(
          run && 'recordsRead' in run ? run.recordsRead : -2,
        );
      }
      expect(l.pbisim.control.requests({ route: 'postRows' }).length).toBe(posts);
    },
    120_000,
  );
});
