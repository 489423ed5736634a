import { type LedgerWrite, type Row, type RowValue, isStateStoreError } from '@mlc/sync-engine';
import {
  batchFromRow,
  decodeStoredEntries,
  decodeStoredRows,
  deadLetterColumns,
  deadLetterFromRow,
  encodeStoredEntries,
  encodeStoredRows,
  ledgerEntryFromValues,
} from '@mlc/sync-engine/sql-store';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** A row whose own keys are `keys` in order, made like JSON.parse makes one (a `__proto__` key is a plain member). */
function rowOf(keys: readonly string[], values: readonly RowValue[]): Row {
  const row: Row = {};
  keys.forEach((key, i) => {
    Object.defineProperty(row, key, {
      value: values[i],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  return row;
}

// Keys that JSON or objects treat specially: integer-like names (enumerated first), `__proto__`, escapes, surrogates.
const key = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    '0',
    '1',
    '10',
    '01',
    '-1',
    '4294967295',
    '',
    '"',
    '\\',
    '\n',
    '\u2028',
  ),
);
// What a row holds after JSON: -0 comes back as 0 and non-finite numbers as null in either form, so neither is one.
const value: fc.Arbitrary<RowValue> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('\u0000', '\uD800', '\uDC00x', '😀', '\u2028\u2029', '"\\/\b\f\n\r\t'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc.integer(),
  fc.constantFrom(0.1 + 0.2, 1e21, 5e-324, Number.MAX_SAFE_INTEGER, -Number.MAX_VALUE),
  fc.boolean(),
  fc.constant(null),
);
const columns = fc.uniqueArray(key, { maxLength: 8 });
const sameColumnRows = columns.chain((names) =>
  fc
    .array(fc.array(value, { minLength: names.length, maxLength: names.length }), { maxLength: 20 })
    .map((lines) => lines.map((line) => rowOf(names, line))),
);
const anyRows = fc.array(
  columns.chain((names) =>
    fc.array(value, { minLength: names.length, maxLength: names.length }).map((line) => rowOf(names, line)),
  ),
  { maxLength: 20 },
);

function expectExactRoundTrip(rows: Row[]): void {
  const decoded = decodeStoredRows(encodeStoredRows(rows), 'rows under test');
  expect(decoded).toStrictEqual(rows);
  expect(JSON.stringify(decoded)).toBe(JSON.stringify(rows));
  expect(decoded.map((row) => Object.keys(row))).toEqual(rows.map((row) => Object.keys(row)));
}

function unreadable(text: string): Error {
  try {
    decodeStoredRows(text, 'rows of batch b-1');
  } catch (error) {
    expect(isStateStoreError(error, 'STORE_UNREADABLE'), String(error)).toBe(true);
    expect((error as Error).message).toContain('rows of batch b-1');
    return error as Error;
  }
  throw new Error(`${JSON.stringify(text)} was read`);
}

describe('encodeStoredRows / decodeStoredRows', () => {
  it('gives back rows of one key list exactly: values, key order, JSON text (property)', () => {
    fc.assert(
      fc.property(sameColumnRows, (rows) => expectExactRoundTrip(rows)),
      { numRuns: 1000 },
    );
  });

  it('gives back rows of different key lists exactly (property)', () => {
    fc.assert(
      fc.property(anyRows, (rows) => expectExactRoundTrip(rows)),
      { numRuns: 1000 },
    );
  });

  it('writes rows of one key list as the columns once, then the values of each row', () => {
    const rows = [
      { id: 'A1', amount: 12.5, posted: true, note: null },
      { id: 'é😀"\n', amount: -0.1, posted: false, note: 'x' },
    ];
    expect(encodeStoredRows(rows)).toBe(
      '{"columns":["id","amount","posted","note"]}\n[["A1",12.5,true,null],["é😀\\"\\n",-0.1,false,"x"]]',
    );
    expectExactRoundTrip(rows);
  });

  it('writes the plain JSON array when the rows do not share one key list, or there are none', () => {
    const reordered: Row[] = [
      { a: 1, b: 2 },
      { b: 2, a: 1 },
    ];
    const fewer: Row[] = [{ a: 1, b: 2 }, { a: 1 }];
    const more: Row[] = [{ a: 1 }, { a: 1, b: 2 }];
    for (const rows of [reordered, fewer, more, []]) {
      expect(encodeStoredRows(rows)).toBe(JSON.stringify(rows));
      expectExactRoundTrip(rows);
    }
  });

  it('writes the plain form where the columnar one could not give the same JSON back', () => {
    // An undefined member is omitted by JSON.stringify of an object but would be null in a list of values.
    const withUndefined = [{ a: 1, b: undefined }] as unknown as Row[];
    expect(encodeStoredRows(withUndefined)).toBe('[{"a":1}]');
    expect(JSON.stringify(decodeStoredRows(encodeStoredRows(withUndefined), 'r'))).toBe('[{"a":1}]');
    // An assignment to `__proto__` would set the prototype, not create the member.
    const proto = [rowOf(['__proto__', 'a'], [1, 2])];
    expect(encodeStoredRows(proto)).toBe('[{"__proto__":1,"a":2}]');
    expectExactRoundTrip(proto);
    // Inherited enumerable members, which JSON.stringify skips.
    const inherited = [Object.assign(Object.create({ hidden: 1 }) as Row, { a: 1 }), { a: 2 }];
    expect(encodeStoredRows(inherited)).toBe('[{"a":1},{"a":2}]');
    expect(decodeStoredRows(encodeStoredRows(inherited), 'r')).toStrictEqual([{ a: 1 }, { a: 2 }]);
  });

  it('writes the plain form for rows outside the Row type, so their JSON is still given back or refused on read', () => {
    // Values an object member and a list item write differently (a function or symbol: omitted vs null), and objects
    // (a Date, a value with toJSON, a nested object): the columnar reader refuses nested values, so a payload the
    // store wrote would be unreadable.
    class Amount {
      toJSON(): unknown {
        return { value: '1.50' };
      }
    }
    const values: unknown[] = [() => 1, Symbol('s'), new Date(0), new Amount(), { nested: 1 }, [1]];
    for (const value of values) {
      const rows = [{ a: 1, b: value }] as unknown as Row[];
      expect(encodeStoredRows(rows)).toBe(JSON.stringify(rows));
    }
    // Rows that are not plain objects: one with toJSON (JSON writes what it returns), a list, a string, null.
    class LineRow {
      constructor(readonly id: string) {}
      toJSON(): unknown {
        return { ID: this.id };
      }
    }
    const oddRows: unknown[][] = [
      [new LineRow('A1'), new LineRow('A2')],
      [
        [1, 2],
        [3, 4],
      ],
      ['ab', 'cd'],
      [{}, null],
      [null],
    ];
    for (const rows of oddRows) expect(encodeStoredRows(rows as Row[])).toBe(JSON.stringify(rows));
    expect(decodeStoredRows(encodeStoredRows(oddRows[0] as Row[]), 'r')).toStrictEqual([
      { ID: 'A1' },
      { ID: 'A2' },
    ]);
    for (const rows of oddRows.slice(1)) unreadable(encodeStoredRows(rows as Row[]));
  });

  it('reads the plain JSON array that earlier versions wrote (no data rewrite needed)', () => {
    const text = '[{"id":"A1","amount":12.50,"n":1e2,"s":"\\u00e9"},{"id":"A2","amount":null,"n":0,"s":""}]';
    const rows = decodeStoredRows(text, 'rows of batch b-1');
    expect(rows).toStrictEqual(JSON.parse(text));
    expect(JSON.stringify(rows)).toBe(JSON.stringify(JSON.parse(text)));
    expect(decodeStoredRows('[]', 'r')).toEqual([]);
  });

  it('is not one JSON document when columnar, so a reader that predates the form refuses it', () => {
    const text = encodeStoredRows([{ a: 1 }, { a: 2 }]);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('turns damaged or malformed rows into STORE_UNREADABLE naming what was read', () => {
    const damaged = [
      '',
      '[{"a":1}',
      '{"columns":["a"]}',
      '{"columns":["a"]}\n[[1]',
      '{"columns":["a"]\n[[1]]',
      '{"columns":["a"]}\n[[1,2]]',
      '{"columns":["a","b"]}\n[[1]]',
      '{"columns":["a"]}\n[[1],[]]',
      '{"columns":["a"]}\n[1]',
      '{"columns":["a"]}\n{"a":1}',
      '{"columns":["a"]}\nnull',
      '{"columns":["a"]}\n[[{"x":1}]]',
      '{"columns":["a"]}\n[[[1]]]',
      '{"columns":[1]}\n[[1]]',
      '{"columns":"a"}\n[["x"]]',
      '{"columns":["a","a"]}\n[[1,2]]',
      '{"columns":["__proto__"]}\n[[1]]',
      '{"columns":["a"],"types":["int"]}\n[[1]]',
      '{}\n[]',
      '{"a":1}',
      'null',
      '"rows"',
      '[1,2]',
      '[null]',
      '[[1]]',
      // Integer-like names come first in an object whatever the order they are set in, so a header listing one after
      // another name cannot be what the encoder wrote (it writes Object.keys order) and would change the key order.
      '{"columns":["b","1"]}\n[["x",2]]',
    ];
    for (const text of damaged) unreadable(text);
    expect(unreadable('{"columns":["a"]}\n[[1],[2,3]]').message).toContain('values row 1');
  });
});

describe('the SQL row codecs use the stored-rows text', () => {
  const rows = [
    { id: 'A1', amount: 1 },
    { id: 'A2', amount: 2 },
  ];

  it('reads a batch, a dead letter and a ledger entry in either form', () => {
    for (const text of [encodeStoredRows(rows), JSON.stringify(rows)]) {
      const batch = batchFromRow({
        batch_id: 'b-1',
        stream: 's',
        status: 'open',
        created_at: 1,
        info: JSON.stringify({ table: 'T', kind: 'rows', mode: 'append', rowCount: 2, attempts: 0 }),
        rows: text,
        entries: '[]',
      });
      expect(batch.rows).toStrictEqual(rows);
      const letter = deadLetterFromRow({
        status: 'open',
        settled_at: null,
        replay_batch_id: null,
        body: JSON.stringify({ id: 'd-1', stream: 's', kind: 'batch', createdAt: 1, reason: 'r' }),
        rows: text,
        entries: null,
      });
      expect(letter.rows).toStrictEqual(rows);
      const entry = ledgerEntryFromValues(['k', 'h', 1, null, null, text, null]);
      expect(entry.rows).toStrictEqual(rows);
    }
  });

  it("writes a dead letter's rows columnar", () => {
    const { rows: text } = deadLetterColumns({
      id: 'd-1',
      stream: 's',
      kind: 'batch',
      createdAt: 1,
      reason: 'r',
      status: 'open',
      rows,
    });
    expect(text).toBe(encodeStoredRows(rows));
    expect(text?.startsWith('{"columns":["id","amount"]}\n')).toBe(true);
  });
});

// Ledger writes as the engine makes them: a first load's `{key, hash, version, stamp, fingerprint, rowCount}`, and
// the other kinds a batch may mix in (a seen hash, a refreshed fingerprint without rowCount, a delete, replace-mode
// rows, members in another order).
const text = fc.string({ unit: 'binary', maxLength: 10 });
const firstLoadEntry: fc.Arbitrary<LedgerWrite> = fc.record({
  key: text,
  hash: text,
  version: fc.integer({ min: 1, max: 1000 }),
  stamp: text,
  fingerprint: text,
  rowCount: fc.integer({ min: 1, max: 50 }),
});
const otherEntry: fc.Arbitrary<LedgerWrite> = fc.oneof(
  fc.record(
    {
      key: text,
      hash: text,
      version: fc.integer({ min: 0, max: 1000 }),
      seenHash: text,
      stamp: text,
      fingerprint: text,
      rows: sameColumnRows,
      rowCount: fc.integer({ min: 1, max: 50 }),
    },
    { requiredKeys: ['key', 'hash', 'version'] },
  ),
  fc.record({ key: text, hash: fc.constant(''), version: fc.constant(0), delete: fc.constant(true) }),
  fc.record({ fingerprint: text, key: text, version: fc.integer(), hash: text }),
);
const firstLoadEntries = fc.array(firstLoadEntry, { maxLength: 30 });
const mixedEntries = fc.array(fc.oneof(firstLoadEntry, otherEntry), { maxLength: 30 });

function expectExactEntries(entries: LedgerWrite[]): void {
  const stored = encodeStoredEntries(entries);
  const decoded = decodeStoredEntries(stored, 'entries under test');
  // What the plain JSON form (every earlier build's) gave back: the same values, key order and JSON text.
  const plain = JSON.parse(JSON.stringify(entries)) as LedgerWrite[];
  expect(decoded).toStrictEqual(plain);
  expect(JSON.stringify(decoded)).toBe(JSON.stringify(entries));
  expect(decoded.map((entry) => Object.keys(entry))).toEqual(plain.map((entry) => Object.keys(entry)));
}

describe('encodeStoredEntries / decodeStoredEntries', () => {
  it("gives back a first load's entries exactly, written columnar (property)", () => {
    fc.assert(
      fc.property(firstLoadEntries, (entries) => {
        expectExactEntries(entries);
        if (entries.length > 0)
          expect(encodeStoredEntries(entries)).toMatch(
            /^\{"columns":\["key","hash","version","stamp","fingerprint","rowCount"\]\}\n/,
          );
      }),
      { numRuns: 1000 },
    );
  });

  it('gives back entries of mixed kinds exactly: deletes, seen hashes, replace-mode rows, other orders (property)', () => {
    fc.assert(
      fc.property(mixedEntries, (entries) => expectExactEntries(entries)),
      { numRuns: 1000 },
    );
  });

  it('writes the columns once, then the values of each entry; entries holding rows take the plain form', () => {
    const entries: LedgerWrite[] = [
      { key: 'A1', hash: 'h1', version: 1, stamp: '2024-01-01T00:00:00Z', fingerprint: 'f1', rowCount: 2 },
      { key: 'A2', hash: 'h2', version: 3, stamp: '2024-01-02T00:00:00Z', fingerprint: 'f2', rowCount: 1 },
    ];
    expect(encodeStoredEntries(entries)).toBe(
      '{"columns":["key","hash","version","stamp","fingerprint","rowCount"]}\n' +
        '[["A1","h1",1,"2024-01-01T00:00:00Z","f1",2],["A2","h2",3,"2024-01-02T00:00:00Z","f2",1]]',
    );
    const withRows: LedgerWrite[] = [{ key: 'k', hash: 'h', version: 1, rows: [{ id: 1 }] }];
    expect(encodeStoredEntries(withRows)).toBe(JSON.stringify(withRows));
    expect(encodeStoredEntries([])).toBe('[]');
  });

  it('reads the plain JSON array that every earlier build wrote', () => {
    const text =
      '[{"key":"a","hash":"h","version":1,"rowCount":2},{"key":"b","hash":"","version":0,"delete":true}]';
    expect(decodeStoredEntries(text, 'entries of batch b-1')).toStrictEqual(JSON.parse(text));
    expect(decodeStoredEntries('[]', 'entries of batch b-1')).toEqual([]);
  });

  it('turns damaged entries into STORE_UNREADABLE naming what was read, never other entries', () => {
    const good = encodeStoredEntries([
      { key: 'a', hash: 'h', version: 1, rowCount: 1 },
      { key: 'b', hash: 'i', version: 1, rowCount: 1 },
    ]);
    const damaged = [
      good.slice(0, -1),
      good.slice(0, good.indexOf('\n')),
      good.replace('\n', ' '),
      good.replace('[["a"', '[["a",1'),
      good.replace('"rowCount"]', '"rowCount","x"]'),
      good.replace('"rowCount"]', '"key"]'),
      'null',
      '{}',
      '[1]',
    ];
    for (const text of damaged) {
      let error: unknown;
      try {
        decodeStoredEntries(text, 'entries of batch b-1');
      } catch (caught) {
        error = caught;
      }
      expect(isStateStoreError(error, 'STORE_UNREADABLE'), text).toBe(true);
      expect((error as Error).message).toContain('entries of batch b-1');
    }
  });

  it('a batch and a dead letter read their entries in either form; a dead letter writes them columnar', () => {
    const entries: LedgerWrite[] = [
      { key: 'a', hash: 'h', version: 1, rowCount: 1 },
      { key: 'b', hash: 'i', version: 2, rowCount: 1 },
    ];
    for (const stored of [encodeStoredEntries(entries), JSON.stringify(entries)]) {
      const batch = batchFromRow({
        batch_id: 'b-1',
        stream: 's',
        status: 'open',
        created_at: 1,
        info: JSON.stringify({ table: 'T', kind: 'rows', mode: 'append', rowCount: 2, attempts: 0 }),
        rows: '[]',
        entries: stored,
      });
      expect(batch.entries).toStrictEqual(entries);
      const letter = deadLetterFromRow({
        status: 'open',
        settled_at: null,
        replay_batch_id: null,
        body: JSON.stringify({ id: 'd-1', stream: 's', kind: 'batch', createdAt: 1, reason: 'r' }),
        rows: null,
        entries: stored,
      });
      expect(letter.entries).toStrictEqual(entries);
    }
    const columns = deadLetterColumns({
      id: 'd-1',
      stream: 's',
      kind: 'batch',
      createdAt: 1,
      reason: 'r',
      status: 'open',
      entries,
    });
    expect(columns.entries).toBe(encodeStoredEntries(entries));
    expect(columns.entries?.startsWith('{"columns":["key","hash","version","rowCount"]}\n')).toBe(true);
  });
});
