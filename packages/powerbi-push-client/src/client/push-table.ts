import { PowerBIValidationError } from '../errors/power-bi-validation-error.js';
import {
  type DaxComparable,
  countGroupedByQuery,
  countRowsQuery,
  countWhereQuery,
  readCount,
} from '../dax/dax-queries.js';
import type { ResolvedTable } from '../schema/schema-types.js';
import { type AppendOptions, type AppendResult, appendRows } from './append-rows.js';
import { type ClientContext, tablePath } from './client-context.js';
import { executeQuery } from './execute-query.js';

/** Options carrying only an abort signal. */
export interface SignalOptions {
  /** Aborts the call. */
  signal?: AbortSignal;
}

/** One table of a push dataset: append rows, count them back, clear it. */
export interface PushTable<Row extends object = Record<string, unknown>> {
  /** Dataset id. */
  readonly datasetId: string;
  /** Table name. */
  readonly name: string;
  /**
   * Validates `rows` (throwing `PBI_ROW_INVALID` before any request), splits them into requests of ≤ 10,000 rows and
   * ≤ 16 MB, paces them per dataset and reports each request as `applied`, `not-applied` or `unknown`. With
   * `batchId`, every row gets the hidden `_batch` column. Failures after validation are reported, not thrown.
   */
  append(rows: readonly Row[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * Counts rows whose `column` equals `value` via executeQueries (DAX). Appended rows can take a moment to become
   * visible ([inferred]; ingestion is not synchronous). Resolves only with a count the service wrote: an answer
   * without an explicit integer count cell rejects, it is never read as 0.
   * @throws {PowerBIQueryUnavailableError} `PBI_QUERY_UNAVAILABLE` when the tenant disallows executeQueries.
   * @throws {PowerBIQueryAnswerError} `PBI_QUERY_ANSWER_UNREADABLE` when the answer holds no count (retryable).
   */
  countWhere(column: string, value: DaxComparable, options?: SignalOptions): Promise<number>;
  /** Counts rows per distinct value of `column` (blank values under the key `''`). */
  countGroupedBy(column: string, options?: SignalOptions): Promise<Map<string, number>>;
  /** Counts all rows of the table. */
  countRows(options?: SignalOptions): Promise<number>;
  /** Deletes every row of the table ([documented] reference §2.6: there is no per-row delete). */
  clear(options?: SignalOptions): Promise<void>;
  /** Tells the pacer how many rows the table holds (it tracks appends and clears itself; use this at start-up). */
  setKnownRowCount(rows: number): void;
}

/** Creates the {@link PushTable} of one table. */
export function createPushTable<Row extends object>(
  context: ClientContext,
  datasetId: string,
  table: ResolvedTable,
): PushTable<Row> {
  const checkColumn = (column: string) => {
    if (!table.columnsByName.has(column)) {
      throw new PowerBIValidationError({
        code: 'PBI_OPTIONS_INVALID',
        reason: 'not a column of the table (names are case-sensitive)',
        table: table.name,
        column: String(column),
      });
    }
  };
  return {
    datasetId,
    name: table.name,
    append: (rows, options) => appendRows(context, datasetId, table, rows, options),
    async countWhere(column, value, options = {}) {
      checkColumn(column);
      const query = countWhereQuery(table.name, column, value);
      const rows = await executeQuery(context, datasetId, query, options.signal);
      return readCount(rows[0], query);
    },
    async countGroupedBy(column, options = {}) {
      checkColumn(column);
      const query = countGroupedByQuery(table.name, column);
      const rows = await executeQuery(context, datasetId, query, options.signal);
      const counts = new Map<string, number>();
      for (const row of rows) {
        // The group key is the one member that is not the "[n]" count ([documented] S14 result naming `Table[Column]`).
        const keyName = Object.keys(row).find((key) => key !== '[n]' && key !== 'n');
        const raw = keyName === undefined ? null : row[keyName];
        const key = raw === null || raw === undefined ? '' : String(raw);
        counts.set(key, (counts.get(key) ?? 0) + readCount(row, query));
      }
      return counts;
    },
    async countRows(options = {}) {
      const query = countRowsQuery(table.name);
      const rows = await executeQuery(context, datasetId, query, options.signal);
      return readCount(rows[0], query);
    },
    async clear(options = {}) {
      await context.http.request({
        method: 'DELETE',
        path: `${tablePath(datasetId, table.name)}/rows`,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      context.pacer(datasetId).setTableRows(table.name, 0);
      context.options.logger.info({ datasetId, table: table.name }, 'power bi table cleared');
    },
    setKnownRowCount(rows) {
      context.pacer(datasetId).setTableRows(table.name, rows);
    },
  };
}
