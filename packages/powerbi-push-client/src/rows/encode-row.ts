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
  const checkedAgainst = typeof row === 'object' && row !== null ? checkedColumnsOf(row) : undefined;
  if (checkedAgainst !== undefined && checkedForTable(table, checkedAgainst))
    return encodeChecked(table, checkedAgainst, row as Record<string, unknown>, options.batchId);
  return encodeUnchecked(table, row, rowIndex, options);
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
): string {
  const plan = stringifyPlan(table, checkedAgainst);
  const blanks = plan === undefined ? -1 : blanksIfStringifiable(plan, record);
  if (plan !== undefined && blanks >= 0) {
    let json = JSON.stringify(record);
    if (blanks > 0) json = withoutBlanks(plan, record, json);
    if (batchId === undefined || !plan.batchColumn) return json;
    return json.length === 2
      ? `{${plan.batchHead}${JSON.stringify(batchId)}}`
      : `${json.slice(0, -1)},${plan.batchHead}${JSON.stringify(batchId)}}`;
  }
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
  /** `"_batch":`. */
  readonly batchHead: string;
  /** Per business column, its member when blank: `"name":null`. */
  readonly nullMembers: readonly string[];
}

const ARRAY_INDEX_RE = /^(?:0|[1-9]\d*)$/;
// Names JSON writes as they are and no JSON structure can be mistaken for (see withoutBlanks).
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
    batchHead: `${JSON.stringify(BATCH_COLUMN)}:`,
    nullMembers: own.map((c) => `"${c.name}":null`),
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

/**
 * `json` (`JSON.stringify` of the checked row) without its `"name":null` members, which the post leaves out. A member
 * after the first is found as `,"name":null`: outside string values (where every quote is escaped) that text is only
 * ever that member, as the plan's names hold no quote, backslash, comma, colon or brace.
 */
function withoutBlanks(plan: StringifyPlan, record: Record<string, unknown>, json: string): string {
  const { names, nullMembers } = plan;
  let out = json;
  for (let c = 1; c < names.length; c++) {
    if (record[names[c] as string] !== null) continue;
    const member = nullMembers[c] as string;
    const at = out.indexOf(`,${member}`);
    out = out.slice(0, at) + out.slice(at + member.length + 1);
  }
  if (record[names[0] as string] === null) {
    // The first member opens the object (taken out last, so the others kept their commas): `{"name":null,` or, alone,
    // `{"name":null}`.
    const member = nullMembers[0] as string;
    out = out.length === member.length + 2 ? '{}' : `{${out.slice(member.length + 2)}`;
  }
  return out;
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
