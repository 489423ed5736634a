import { PowerBIQueryAnswerError } from '../errors/power-bi-query-error.js';
import { PowerBIValidationError } from '../errors/power-bi-validation-error.js';

/** A value `countWhere` can compare a column with. */
export type DaxComparable = string | number | bigint | boolean | null;

/** `'Table Name'`, with `'` doubled (DAX quoting rules). */
export function daxTable(table: string): string {
  return `'${table.replaceAll("'", "''")}'`;
}

/** `'Table'[Column]`, with `]` doubled inside the brackets. */
export function daxColumn(table: string, column: string): string {
  return `${daxTable(table)}[${column.replaceAll(']', ']]')}]`;
}

/** A DAX literal: strings with `"` doubled, finite numbers, bigints, `TRUE()`/`FALSE()`, `BLANK()` for null. */
export function daxLiteral(value: DaxComparable): string {
  if (value === null) return 'BLANK()';
  if (typeof value === 'string') return `"${value.replaceAll('"', '""')}"`;
  if (typeof value === 'boolean') return value ? 'TRUE()' : 'FALSE()';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isFinite(value)) return JSON.stringify(value);
  throw new PowerBIValidationError({
    code: 'PBI_OPTIONS_INVALID',
    reason: `cannot compare with ${String(value)}: use a string, finite number, bigint, boolean or null`,
  });
}

/**
 * Counts the rows of `table` whose `column` equals `value`. `+ 0` turns the BLANK that COUNTROWS returns for no
 * rows into 0. Standard DAX, and one of the forms the testkit simulator evaluates.
 */
export function countWhereQuery(table: string, column: string, value: DaxComparable): string {
  return `EVALUATE ROW("n", COUNTROWS(FILTER(${daxTable(table)}, ${daxColumn(table, column)} = ${daxLiteral(value)})) + 0)`;
}

/** Counts all rows of `table`. */
export function countRowsQuery(table: string): string {
  return `EVALUATE ROW("n", COUNTROWS(${daxTable(table)}) + 0)`;
}

/** Counts the rows of `table` per distinct value of `column`. */
export function countGroupedByQuery(table: string, column: string): string {
  return `EVALUATE SUMMARIZECOLUMNS(${daxColumn(table, column)}, "n", COUNTROWS(${daxTable(table)}))`;
}

/**
 * Reads the `n` count cell of a result row: Power BI names it `[n]` ([documented] S14 sample shapes). Only an
 * explicit non-negative integer is a count: an absent row or cell, `null`, a string or a fraction means the
 * answer was not what was asked, so what the service counted is unknown — never 0 (a 0 read where nothing was
 * read would make a verifier resend rows that landed).
 *
 * @throws {PowerBIQueryAnswerError} `PBI_QUERY_ANSWER_UNREADABLE` when there is no such cell.
 */
export function readCount(row: Record<string, unknown> | undefined, query: string): number {
  const raw = row === undefined ? undefined : '[n]' in row ? row['[n]'] : row.n;
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) return raw;
  const why =
    row === undefined
      ? 'no row in the table'
      : raw === undefined
        ? 'no [n] count cell in the row'
        : `the count cell is ${raw === null ? 'null' : `not a non-negative integer (${typeof raw})`}`;
  throw new PowerBIQueryAnswerError({ message: `executeQueries answer unreadable: ${why}`, query });
}
