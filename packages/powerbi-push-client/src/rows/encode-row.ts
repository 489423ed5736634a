import { PowerBIValidationError } from '../errors/power-bi-validation-error.js';
import { BATCH_COLUMN, type ResolvedColumn, type ResolvedTable } from '../schema/schema-types.js';
import {
  type CheckValueOptions,
  type CheckedColumn,
  type CheckedValue,
  checkValue,
  checkedColumnsOf,
  literalOf,
} from './check-value.js';

/** Options for {@link encodeRow}. */
export interface EncodeRowOptions {
  /** Value written to the reserved `_batch` column. */
  batchId?: string;
  /** Value rules ({@link CheckValueOptions}): Decimal rounding, zone-less date-times read as UTC. */
  values?: CheckValueOptions;
}

/**
 * Validates one row against its table and returns its JSON text, ready to be joined into a POST rows body. Values
 * are checked by {@link checkValue} (the same rules a caller can apply before batching, so nothing that passed a
 * check is refused here) — except in a row `checkRow` returned for exactly this table's columns, whose values passed
 * those rules already and cannot have changed since (it is frozen) — and written in the form Power BI reads
 * unambiguously: Int64 as exact integer literals (bigint and digit strings included, beyond 2^53), Decimal as exact decimal literals, DateTime as ISO 8601 UTC (`…Z`). Missing or `null`
 * nullable values are omitted (left blank).
 *
 * @throws {PowerBIValidationError} `PBI_ROW_INVALID` naming the row index, the column and the reason.
 */
export function encodeRow(
  table: ResolvedTable,
  row: unknown,
  rowIndex: number,
  options: EncodeRowOptions = {},
): string {
  return encodeRowSized(table, row, rowIndex, options, undefined);
}

/** Where {@link encodeRowSized} gives the UTF-8 size of the text it returned. */
export interface EncodedSize {
  /** UTF-8 bytes of the row's text. */
  bytes: number;
}

/**
 * {@link encodeRow}, also giving the text's UTF-8 size in `size.bytes` when `size` is passed (for request planning).
 * The text of a row `checkRow` returned is measured without flattening it: it may be a chain of slices of its
 * `JSON.stringify` text (blanks taken out, the batch column appended), which the join of the request body copies once;
 * `Buffer.byteLength` of the chain would first copy the whole row into a flat string. Any other row's text is measured
 * with `Buffer.byteLength`.
 */
export function encodeRowSized(
  table: ResolvedTable,
  row: unknown,
  rowIndex: number,
  options: EncodeRowOptions,
  size: EncodedSize | undefined,
): string {
  const checkedAgainst = typeof row === 'object' && row !== null ? checkedColumnsOf(row) : undefined;
  if (checkedAgainst !== undefined && checkedForTable(table, checkedAgainst))
    return encodeChecked(table, checkedAgainst, row as Record<string, unknown>, options.batchId, size);
  const text = encodeUnchecked(table, row, rowIndex, options);
  if (size !== undefined) size.bytes = Buffer.byteLength(text, 'utf8');
  return text;
}

/** {@link encodeRow} of any other row than a checked one: every value is checked here. */
function encodeUnchecked(
  table: ResolvedTable,
  row: unknown,
  rowIndex: number,
  options: EncodeRowOptions,
): string {
  const fail = (reason: string, column?: string): never => {
    throw new PowerBIValidationError({
      code: 'PBI_ROW_INVALID',
      reason,
      table: table.name,
      rowIndex,
      ...(column !== undefined ? { column } : {}),
    });
  };
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    fail(`a row must be an object (got ${typeName(row)})`);
  const record = row as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const column = table.columnsByName.get(key);
    if (!column) {
      // [inferred] the service's handling of unknown keys is not documented (§4): refuse rather than lose data.
      if (record[key] !== undefined)
        fail('unknown column (not in the table schema; names are case-sensitive)', key);
    } else if (column.reserved) {
      fail(`"${BATCH_COLUMN}" is reserved; pass append(rows, { batchId }) instead`, key);
    }
  }

  return writeRow(table, options.batchId, (column) => {
    const value = record[column.name];
    if (value === undefined || value === null) {
      if (!column.nullable) fail(`a value is required (the column is not nullable)`, column.name);
      return undefined;
    }
    const encoded = encodeValue(column, value, options.values);
    if (typeof encoded !== 'string') fail(encoded.reason, column.name);
    return encoded as string;
  });
}

/**
 * `compute(table, columns)` computed once per table and per array of columns rows were checked against (both held
 * weakly): it runs for every row posted, the answer changes only with the table or the columns.
 */
function perTableAndColumns<T>(
  compute: (table: ResolvedTable, columns: readonly CheckedColumn[]) => T,
): (table: ResolvedTable, columns: readonly CheckedColumn[]) => T {
  const cache = new WeakMap<ResolvedTable, WeakMap<readonly CheckedColumn[], { value: T }>>();
  return (table, columns) => {
    let known = cache.get(table);
    if (!known) {
      known = new WeakMap();
      cache.set(table, known);
    }
    let entry = known.get(columns);
    if (entry === undefined) {
      entry = { value: compute(table, columns) };
      known.set(columns, entry);
    }
    return entry.value;
  };
}

/** Whether columns a row was checked against are exactly the table's own (names, types, nullability). */
const checkedForTable = perTableAndColumns((table, columns): boolean => {
  const own = table.columns.filter((c) => !c.reserved);
  return (
    own.length === columns.length &&
    columns.every((c) => {
      const column = table.columnsByName.get(c.name);
      return (
        column !== undefined &&
        !column.reserved &&
        column.dataType === c.dataType &&
        column.nullable === (c.nullable ?? true)
      );
    })
  );
});

/**
 * {@link encodeRow} of a row `checkRow` returned for this table's columns: its values are in their posted form.
 * The same text as {@link writeRow} writes, in one loop without a callback per column (it runs for every row posted),
 * or by `JSON.stringify` when that writes the same text once blank members are taken out ({@link blanksIfStringifiable}).
 */
function encodeChecked(
  table: ResolvedTable,
  checkedAgainst: readonly CheckedColumn[],
  record: Record<string, unknown>,
  batchId: string | undefined,
  size: EncodedSize | undefined,
): string {
  const plan = stringifyPlan(table, checkedAgainst);
  const blanks = plan === undefined ? -1 : blanksIfStringifiable(plan, record);
  if (plan !== undefined && blanks >= 0) {
    const json = JSON.stringify(record);
    const tail = batchId === undefined || !plan.batchColumn ? undefined : batchTail(batchId);
    // `json` is flat (JSON.stringify's own string): measuring it copies nothing.
    if (size !== undefined)
      size.bytes = postedBytes(plan, record, Buffer.byteLength(json, 'utf8'), blanks, tail);
    return postedText(plan, record, json, blanks, tail);
  }
  const text = encodeCheckedLoop(table, record, batchId);
  if (size !== undefined) size.bytes = Buffer.byteLength(text, 'utf8');
  return text;
}

/** {@link encodeChecked} for a table without a {@link StringifyPlan}, or a row with an Int64 or Decimal held as text. */
function encodeCheckedLoop(
  table: ResolvedTable,
  record: Record<string, unknown>,
  batchId: string | undefined,
): string {
  const heads = columnHeads(table);
  const columns = table.columns;
  let out = '{';
  for (let c = 0; c < columns.length; c++) {
    const column = columns[c] as ResolvedColumn;
    let literal: string;
    if (column.reserved) {
      if (batchId === undefined) continue;
      literal = JSON.stringify(batchId);
    } else {
      const value = record[column.name];
      if (value === null || value === undefined) continue;
      literal = literalOf(column.dataType, value as CheckedValue);
    }
    // heads[c] is `"name":`; the members after the first take a comma.
    out += out.length === 1 ? heads[c] + literal : `,${heads[c] as string}${literal}`;
  }
  return `${out}}`;
}

/**
 * When `JSON.stringify` of a checked row writes its posted text: the row's own keys are the table's business columns
 * in table order (checkRow adds them in the order of the columns it checked against; a name that is an array index
 * would be listed first, so such a table has no plan), and the reserved batch column, if any, comes last.
 */
interface StringifyPlan {
  /** The business columns, in table order. */
  readonly names: readonly string[];
  /** Per business column: an Int64 or Decimal column, whose text values are posted as bare number literals. */
  readonly numeric: readonly boolean[];
  /** Whether the table has the reserved batch column (last). */
  readonly batchColumn: boolean;
  /** Per business column, its member when blank with the comma before it: `,"name":null`. */
  readonly commaNullMembers: readonly string[];
  /** Per business column, the UTF-8 bytes of its blank member and one comma (what taking it out removes). */
  readonly blankBytes: readonly number[];
}

const ARRAY_INDEX_RE = /^(?:0|[1-9]\d*)$/;
// Names JSON writes as they are and no JSON structure can be mistaken for (see postedText).
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what JSON escapes.
const PLAIN_NAME_RE = /^[^"\\,:{}\u0000-\u001f\ud800-\udfff]+$/;

/** The {@link StringifyPlan} of rows checked against `columns` for this table, or undefined when it has none. */
const stringifyPlan = perTableAndColumns((table, columns): StringifyPlan | undefined => {
  const own = table.columns.filter((c) => !c.reserved);
  const reserved = table.columns.length - own.length;
  const usable =
    own.length > 0 &&
    own.length === columns.length &&
    own.every(
      (c, i) => c.name === columns[i]?.name && !ARRAY_INDEX_RE.test(c.name) && PLAIN_NAME_RE.test(c.name),
    ) &&
    (reserved === 0 || (reserved === 1 && table.columns[table.columns.length - 1]?.reserved === true));
  if (!usable) return undefined;
  return {
    names: own.map((c) => c.name),
    numeric: own.map((c) => c.dataType === 'Int64' || c.dataType === 'Decimal'),
    batchColumn: reserved === 1,
    commaNullMembers: own.map((c) => `,"${c.name}":null`),
    blankBytes: own.map((c) => Buffer.byteLength(`,"${c.name}":null`, 'utf8')),
  };
});

/**
 * Whether `JSON.stringify` of a checked row writes what {@link literalOf} would post for each value, once its blank
 * members are taken out: the number of blank (`null`) values, or -1 when a value is an Int64 or Decimal held as text
 * (posted as a bare number). For the rest the two agree: strings quoted and escaped alike (a DateTime's ISO text needs
 * no escaping), finite numbers and booleans as `String()` writes them.
 */
function blanksIfStringifiable(plan: StringifyPlan, record: Record<string, unknown>): number {
  const { names, numeric } = plan;
  // [inferred] only a polluted Object.prototype could give a checked row a toJSON, which JSON.stringify would call.
  if (typeof (record as { toJSON?: unknown }).toJSON === 'function') return -1;
  let blanks = 0;
  for (let c = 0; c < names.length; c++) {
    const value = record[names[c] as string];
    if (value === null) blanks++;
    else if (value === undefined || (numeric[c] === true && typeof value === 'string')) return -1;
  }
  return blanks;
}

/** A batch's member closing each posted row, `"_batch":"<id>"}`, with its comma and its UTF-8 size. */
interface BatchTail {
  readonly batchId: string;
  /** `"_batch":"<id>"}`. */
  readonly text: string;
  /** `,"_batch":"<id>"}`. */
  readonly commaText: string;
  /** UTF-8 bytes of `text`. */
  readonly bytes: number;
}

// The last batch's tail: every row of a request carries the same batch id.
let lastTail: BatchTail | undefined;

function batchTail(batchId: string): BatchTail {
  if (lastTail?.batchId !== batchId) {
    const text = `${JSON.stringify(BATCH_COLUMN)}:${JSON.stringify(batchId)}}`;
    lastTail = { batchId, text, commaText: `,${text}`, bytes: Buffer.byteLength(text, 'utf8') };
  }
  return lastTail;
}

/**
 * The posted text of a checked row from `json` (its `JSON.stringify` text): without its `"name":null` members, which
 * the post leaves out, and with the batch member last when there is one. Built from slices of `json` (no copy of the
 * row: the request body's join writes it once). A member after the first is found as `,"name":null`: outside string
 * values (where every quote is escaped) that text is only ever that member, as the plan's names hold no quote,
 * backslash, comma, colon or brace.
 */
function postedText(
  plan: StringifyPlan,
  record: Record<string, unknown>,
  json: string,
  blanks: number,
  tail: BatchTail | undefined,
): string {
  if (blanks === 0) {
    if (tail === undefined) return json;
    return json.length === 2 ? `{${tail.text}` : json.slice(0, -1) + tail.commaText;
  }
  const { names, commaNullMembers } = plan;
  let out = '{';
  // The text of json not yet copied or cut starts here. A blank first member is cut at once: `{"name":null` is as
  // long as `,"name":null`. The text after it starts with the next member's comma, dropped when nothing precedes it.
  let from = record[names[0] as string] === null ? (commaNullMembers[0] as string).length : 1;
  for (let c = 1; c < names.length; c++) {
    if (record[names[c] as string] !== null) continue;
    const member = commaNullMembers[c] as string;
    const at = json.indexOf(member, from);
    out = withSegment(out, json, from, at);
    from = at + member.length;
  }
  // The rest, without the closing brace.
  out = withSegment(out, json, from, json.length - 1);
  if (tail === undefined) return `${out}}`;
  return out.length === 1 ? out + tail.text : out + tail.commaText;
}

/** `out` followed by `json`'s text from `from` to `to`, without its leading comma when `out` holds no member yet. */
function withSegment(out: string, json: string, from: number, to: number): string {
  if (to <= from) return out;
  if (out.length === 1 && json.charCodeAt(from) === COMMA)
    return to - from === 1 ? out : out + json.slice(from + 1, to);
  return out + json.slice(from, to);
}

const COMMA = ','.charCodeAt(0);

/** UTF-8 bytes of {@link postedText}'s text, from those of `json` (`jsonBytes`). */
function postedBytes(
  plan: StringifyPlan,
  record: Record<string, unknown>,
  jsonBytes: number,
  blanks: number,
  tail: BatchTail | undefined,
): number {
  const { names, blankBytes } = plan;
  const empty = blanks === names.length;
  if (tail !== undefined && empty) return 1 + tail.bytes;
  let bytes = jsonBytes;
  if (blanks > 0) {
    for (let c = 0; c < names.length; c++)
      if (record[names[c] as string] === null) bytes -= blankBytes[c] as number;
    // Each blank member goes with one comma, but a row left with no member had one comma fewer than members.
    if (empty) bytes += 1;
  }
  // The closing brace gives way to the comma and the tail.
  return tail === undefined ? bytes : bytes + tail.bytes;
}

// The `"name":` head of each column of a table, computed once per table.
const COLUMN_HEADS = new WeakMap<ResolvedTable, readonly string[]>();

function columnHeads(table: ResolvedTable): readonly string[] {
  let heads = COLUMN_HEADS.get(table);
  if (!heads) {
    heads = quotedNames(table).map((name) => `${name}:`);
    COLUMN_HEADS.set(table, heads);
  }
  return heads;
}

/**
 * The row's JSON text: `literalFor` gives each business column's literal (undefined leaves it out: blank), the
 * reserved batch column gets `batchId` when there is one.
 */
function writeRow(
  table: ResolvedTable,
  batchId: string | undefined,
  literalFor: (column: ResolvedColumn) => string | undefined,
): string {
  const names = quotedNames(table);
  let out = '';
  for (let c = 0; c < table.columns.length; c++) {
    const column = table.columns[c] as ResolvedColumn;
    const literal = column.reserved
      ? batchId === undefined
        ? undefined
        : JSON.stringify(batchId)
      : literalFor(column);
    if (literal !== undefined) out += `${out === '' ? '' : ','}${names[c]}:${literal}`;
  }
  return `{${out}}`;
}

// The JSON-quoted column names of a table, computed once per table: encodeRow runs for every row posted.
const QUOTED_NAMES = new WeakMap<ResolvedTable, readonly string[]>();

function quotedNames(table: ResolvedTable): readonly string[] {
  let names = QUOTED_NAMES.get(table);
  if (!names) {
    names = table.columns.map((column) => JSON.stringify(column.name));
    QUOTED_NAMES.set(table, names);
  }
  return names;
}

/**
 * Encodes one value as a JSON literal, or explains why it cannot be: {@link checkValue} (the one rule set every
 * pre-check shares) followed by {@link literalOf}.
 */
export function encodeValue(
  column: Pick<ResolvedColumn, 'dataType'>,
  value: unknown,
  options: CheckValueOptions = {},
): string | { reason: string } {
  const checked = checkValue(column.dataType, value, options);
  return checked.ok ? literalOf(column.dataType, checked.value) : { reason: checked.reason };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'Date';
  return typeof value;
}
