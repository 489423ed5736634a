import { StateStoreError } from '../state-store/state-store-error.js';
import type { LedgerWrite, Row, RowValue } from '../state-store/types.js';
import { parseStored } from './parse-stored.js';

// Stored `Row[]` (a batch's payload, a dead letter's rows, a `replace`-mode ledger entry's rows) has two forms:
//
// - columnar, written when every row has the same own keys in the same order (rows normalised to a table's
//   columns): a header line `{"columns":["a","b"]}`, a line feed, then the values of each row in column order,
//   `[[1,"x"],[2,"y"]]`. A batch no longer spells its column names on every row: 10,000 of the benchmark's
//   general-ledger lines take 1.8 MB instead of 4.2 MB.
// - plain, the JSON array of the row objects, `[{"a":1,"b":"x"}]`: what every earlier version wrote, and what is
//   still written for rows that do not share one key list (or for no rows at all).
//
// The reader takes both, so payloads, dead letters and ledger entries written before the columnar form still read.
// Layout 3 came with it: an older package must refuse the store at open() instead of failing later on its text.
// The columnar text is deliberately not one JSON document: a reader that predates it and meets it anyway fails on it
// with STORE_UNREADABLE (its `parseStored` rejects the second line) instead of taking an object for the rows.
// JSON.stringify never writes a raw line feed (one inside a string is escaped, and it adds no white space), so the
// first line feed ends the header.
//
// A batch's ledger writes (its `entries`, written with the intent and read back at commit, and kept by a dead letter)
// are objects of the same kind: a first load's are `{key, hash, version, stamp, fingerprint, rowCount}` each, so they
// take the same two forms through the same code (encodeStoredEntries / decodeStoredEntries). Entries that hold a
// `replace`-mode key's rows (a nested list) or do not share one key list take the plain form, as every entry did
// before (earlier layout-3 development builds wrote only that; it still reads).
//
// Exactness: both forms give back, through JSON, the same values in the same key order, so a batch resent after a
// restart is encoded to the same request bytes as its first POST. Rows that JSON could not give back identically
// in the columnar form are written in the plain form: a value that is not a string, number, boolean or null (an
// object omits `undefined`, a function or a symbol that an array writes as null; a Date, a `toJSON` value or a
// nested object would be a nested value, which the columnar reader refuses), a key `__proto__` (which an assignment
// would not create), inherited enumerable members, and rows that are not plain objects (a list, a row with `toJSON`).

/** The columnar form's header (its first line). Exactly this member: a header with more is not understood. */
interface ColumnsHeader {
  columns: string[];
}

const HEADER_OPEN = '{'.charCodeAt(0);
const LINE_FEED = '\n';

/**
 * The stored text of `rows`: columnar (column names once, then each row's values) when every row is a plain object
 * with exactly the first row's own keys in the same order and only string, number, boolean or null values, else the
 * plain JSON array. {@link decodeStoredRows} gives back rows whose `JSON.stringify` is that of `rows`.
 */
export function encodeStoredRows(rows: readonly Row[]): string {
  return encodeObjects(rows);
}

/**
 * Rows from their stored text in either form ({@link encodeStoredRows}'s columnar form, or the plain JSON array
 * earlier versions wrote). Text that does not parse, or parses to anything but rows, is `STORE_UNREADABLE`
 * naming `what` (e.g. `rows of batch b-1`): damage is never read as other rows.
 */
export function decodeStoredRows(text: string, what: string): Row[] {
  return decodeObjects(text, what) as Row[];
}

/**
 * The stored text of a batch's ledger writes (its `entries`), in the forms of {@link encodeStoredRows}: columnar
 * when every entry has the same members in the same order, all string, number, boolean or null (a first load's
 * entries), else the plain JSON array. {@link decodeStoredEntries} gives back entries whose `JSON.stringify` is
 * that of `entries`.
 */
export function encodeStoredEntries(entries: readonly LedgerWrite[]): string {
  return encodeObjects(entries);
}

/**
 * Ledger writes from their stored text in either form ({@link encodeStoredEntries}' columnar form, or the plain JSON
 * array every earlier version wrote). Text that does not parse, or parses to anything but a list of objects, is
 * `STORE_UNREADABLE` naming `what` (e.g. `entries of batch b-1`).
 */
export function decodeStoredEntries(text: string, what: string): LedgerWrite[] {
  // Each entry is an object of the members written: the same trust the plain form's JSON.parse had.
  return decodeObjects(text, what) as unknown as LedgerWrite[];
}

/** The stored text of rows or entries: see {@link encodeStoredRows}. */
function encodeObjects(items: readonly object[]): string {
  const first = items[0];
  if (first === undefined) return '[]';
  if (!isPlainRow(first)) return JSON.stringify(items);
  const columns = Object.keys(first);
  const values = columns.includes('__proto__') ? undefined : valuesByColumns(items, columns);
  if (values === undefined) return JSON.stringify(items);
  const header: ColumnsHeader = { columns };
  return `${JSON.stringify(header)}${LINE_FEED}${JSON.stringify(values)}`;
}

/** Rows or entries from their stored text in either form: see {@link decodeStoredRows}. */
function decodeObjects(text: string, what: string): Record<string, unknown>[] {
  if (text.charCodeAt(0) !== HEADER_OPEN) return plainRows(parseStored<unknown>(text, what), what);
  const end = text.indexOf(LINE_FEED);
  if (end < 0) throw malformed(what, 'its header is not followed by a line feed');
  const columns = headerColumns(parseStored<unknown>(text.slice(0, end), what), what);
  return rowsOfValues(columns, parseStored<unknown>(text.slice(end + 1), what), what);
}

/** Each row's values in `columns` order, or undefined when a row's own keys are not exactly `columns`. */
function valuesByColumns(rows: readonly object[], columns: readonly string[]): RowValue[][] | undefined {
  const width = columns.length;
  const out: RowValue[][] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Record<string, unknown>;
    if (!isPlainRow(row)) return undefined;
    const values: RowValue[] = new Array(width);
    let j = 0;
    // for…in, not Object.keys + row[key]: V8 reads a row of a known shape through its enum cache, about three times
    // faster. It lists own keys in Object.keys order, then inherited enumerable ones, which JSON.stringify skips: a
    // row with any makes the count exceed `width`, and the rows take the plain form.
    for (const key in row) {
      if (j === width || key !== columns[j]) return undefined;
      const value = row[key];
      if (!isScalar(value)) return undefined;
      values[j++] = value;
    }
    if (j !== width) return undefined;
    out[i] = values;
  }
  return out;
}

/**
 * An object whose JSON is its enumerable own members: not null, not a list (a list's members would come back as
 * an object's), and without a `toJSON` method (JSON writes what that returns, not the members).
 */
function isPlainRow(row: unknown): boolean {
  return (
    typeof row === 'object' &&
    row !== null &&
    !Array.isArray(row) &&
    typeof (row as { toJSON?: unknown }).toJSON !== 'function'
  );
}

/**
 * A value JSON writes alike as an object's member and as a list item, and reads back as such: a string, a number
 * (a non-finite one is null either way), a boolean or null. Not `undefined`, a function or a symbol (omitted from an
 * object but null in a list), nor an object (a Date, a value with `toJSON`, a nested value), which the columnar
 * reader refuses.
 */
function isScalar(value: unknown): value is RowValue {
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' || value === null;
}

function headerColumns(header: unknown, what: string): string[] {
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw malformed(what, 'its header is not an object');
  }
  const members = Object.keys(header);
  if (members.length !== 1 || members[0] !== 'columns') {
    throw malformed(what, `its header holds ${JSON.stringify(members)}, not exactly ["columns"]`);
  }
  const columns: unknown = (header as ColumnsHeader).columns;
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) {
    throw malformed(what, 'its columns are not a list of names');
  }
  if (new Set(columns).size !== columns.length) throw malformed(what, 'it names a column twice');
  if (columns.includes('__proto__')) throw malformed(what, 'it names a column __proto__');
  // The encoder writes Object.keys order. A header in another order (an integer-like name after another name) would
  // give rows whose keys an object reorders, so JSON with another key order than the one written: damage.
  const probe: Record<string, null> = {};
  for (const name of columns) probe[name] = null;
  if (Object.keys(probe).some((name, i) => name !== columns[i])) {
    throw malformed(what, 'its columns are not in the order an object keeps them');
  }
  return columns;
}

function rowsOfValues(columns: readonly string[], values: unknown, what: string): Row[] {
  if (!Array.isArray(values)) throw malformed(what, 'its values are not a list');
  const width = columns.length;
  const rows: Row[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const line: unknown = values[i];
    if (!Array.isArray(line) || line.length !== width) {
      throw malformed(what, `its values row ${i} is not a list of ${width} values`);
    }
    const row: Row = {};
    for (let j = 0; j < width; j++) {
      const value: unknown = line[j];
      // Parsed JSON holds only scalars, lists and objects: isScalar refuses exactly the nested ones.
      if (!isScalar(value)) throw malformed(what, `its values row ${i} holds a nested value at column ${j}`);
      row[columns[j] as string] = value;
    }
    rows[i] = row;
  }
  return rows;
}

function plainRows(rows: unknown, what: string): Record<string, unknown>[] {
  if (!Array.isArray(rows)) throw malformed(what, 'it is neither a list of rows nor columnar rows');
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i];
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw malformed(what, `its item ${i} is not a row`);
    }
  }
  return rows as Record<string, unknown>[];
}

function malformed(what: string, reason: string): StateStoreError {
  return new StateStoreError({
    code: 'STORE_UNREADABLE',
    message: `${what} holds malformed rows: ${reason}`,
  });
}
