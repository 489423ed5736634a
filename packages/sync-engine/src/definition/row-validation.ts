import type { Decimal, DecimalRounding } from '@mlc/core';
import { RecordError } from '../errors/record-error.js';
import { checkRowByTypes } from '../sink/check-row-by-types.js';
import type { RowCheckRequest, SinkTable, SyncSink } from '../sink/sync-sink.js';
import type { Row, RowValue } from '../state-store/types.js';

/**
 * A value a mapping may return: `Date`s and date-time strings become ISO UTC strings, `Decimal`s (from
 * `@mlc/core`, what `x3Decimal` yields) and bigints keep every digit, `undefined` becomes `null`.
 */
export type MappedValue = RowValue | Date | Decimal | bigint | undefined;

/** A row as a mapping returns it. */
export type MappedRow = Record<string, MappedValue>;

/** Options of {@link normalizeRow}. */
export interface NormalizeRowOptions {
  /** Field path prefix of this row (`[2].` for the third row of a record). */
  rowPath?: string;
  /** The sink whose {@link SyncSink.checkRow} rules apply. @default the engine's own rules of the column types ({@link checkRowByTypes}) */
  sink?: Pick<SyncSink, 'checkRow'>;
  /** Round Decimal values with more than 4 fraction digits with this rule instead of refusing them. */
  decimalRounding?: DecimalRounding;
}

/**
 * Checks a mapped row against the table's columns with the sink's own rules and normalises it (only table
 * columns, in table order, in the exact form that is hashed and posted). Throws a {@link RecordError} naming the
 * field and the reason, so the record is quarantined precisely — before batching, so no batch ever fails on it.
 */
export function normalizeRow(
  row: MappedRow,
  table: SinkTable,
  options: NormalizeRowOptions | string = {},
): Row {
  const {
    rowPath = '',
    sink,
    decimalRounding,
  } = typeof options === 'string' ? { rowPath: options } : options;
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    throw new RecordError({
      field: rowPath || undefined,
      reason: `mapping must return an object row, got ${describe(row)}`,
    });
  }
  const columns = table.columns;
  const names = columnNamesOf(table);
  const keys = Object.keys(row);
  // Own table columns holding a value: when every key is one and every column has one, the row already is what a
  // sink's check receives (only table columns, none absent) and is passed as it is, not copied.
  let held = 0;
  for (const name of keys) {
    const value = row[name];
    if (Object.hasOwn(columns, name)) {
      if (value !== undefined) held++;
    } else if (!(name in columns) && value !== undefined) {
      throw new RecordError({
        field: rowPath + name,
        reason: `column "${name}" is not in table ${table.name}`,
      });
    }
  }
  let candidate: Record<string, unknown> = row;
  if (held !== names.length || keys.length !== names.length) {
    candidate = {};
    for (const name of names) candidate[name] = row[name] ?? null;
  }
  const request: RowCheckRequest = { table, row: candidate };
  if (decimalRounding) request.decimalRounding = decimalRounding;
  const checked = sink?.checkRow ? sink.checkRow(request) : checkRowByTypes(request);
  if (!checked.ok) {
    throw new RecordError({
      ...(checked.field !== undefined || rowPath ? { field: rowPath + (checked.field ?? '') } : {}),
      reason: checked.reason,
    });
  }
  return checked.row;
}

/** The column names of a table, listed once per table (a row check runs for every row). */
const COLUMN_NAMES = new WeakMap<SinkTable, readonly string[]>();

function columnNamesOf(table: SinkTable): readonly string[] {
  let names = COLUMN_NAMES.get(table);
  if (!names) {
    names = Object.keys(table.columns);
    COLUMN_NAMES.set(table, names);
  }
  return names;
}

function describe(value: unknown): string {
  if (value instanceof Date) return `Date(${String(value.getTime())})`;
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
