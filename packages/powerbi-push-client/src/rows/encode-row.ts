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
  const checkedAgainst = checkedColumnsOf(record);
  if (checkedAgainst !== undefined && checkedForTable(table, checkedAgainst))
    return encodeChecked(table, record, options.batchId);
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

/** Whether columns a row was checked against are exactly the table's own (names, types, nullability). */
const CHECKED_FOR = new WeakMap<ResolvedTable, WeakMap<readonly CheckedColumn[], boolean>>();

function checkedForTable(table: ResolvedTable, columns: readonly CheckedColumn[]): boolean {
  let known = CHECKED_FOR.get(table);
  if (!known) {
    known = new WeakMap();
    CHECKED_FOR.set(table, known);
  }
  let same = known.get(columns);
  if (same === undefined) {
    const own = table.columns.filter((c) => !c.reserved);
    same =
      own.length === columns.length &&
      columns.every((c) => {
        const column = table.columnsByName.get(c.name);
        return (
          column !== undefined &&
          !column.reserved &&
          column.dataType === c.dataType &&
          column.nullable === (c.nullable ?? true)
        );
      });
    known.set(columns, same);
  }
  return same;
}

/**
 * {@link encodeRow} of a row `checkRow` returned for this table's columns: its values are in their posted form.
 * The same text as {@link writeRow} writes, in one loop without a callback per column (it runs for every row posted).
 */
function encodeChecked(
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
