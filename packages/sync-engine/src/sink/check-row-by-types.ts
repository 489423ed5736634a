import { type CheckedColumn, checkRow } from '@mlc/powerbi-push-client';
import type { RowCheckRequest, RowCheckResult, SinkTable } from './sync-sink.js';

const COLUMNS = new WeakMap<SinkTable, CheckedColumn[]>();

/**
 * The default row check of a sink: the Power BI push value rules (`checkRow` of `@mlc/powerbi-push-client`) for
 * the table's column types, every column nullable, date-times without a zone read as UTC (Sage X3 stores UTC).
 */
export function checkRowByTypes(request: RowCheckRequest): RowCheckResult {
  let columns = COLUMNS.get(request.table);
  if (!columns) {
    columns = Object.entries(request.table.columns).map(([name, dataType]) => ({ name, dataType }));
    COLUMNS.set(request.table, columns);
  }
  return checkRowAgainst(columns, request);
}

/** {@link checkRowByTypes} against given push columns (a dataset schema's, with their own nullability). */
export function checkRowAgainst(columns: readonly CheckedColumn[], request: RowCheckRequest): RowCheckResult {
  const checked = checkRow(columns, request.row, {
    assumeUtc: true,
    ...(request.decimalRounding ? { decimalRounding: request.decimalRounding } : {}),
  });
  if (checked.ok) return checked;
  return {
    ok: false,
    reason: checked.reason,
    ...(checked.column !== undefined ? { field: checked.column } : {}),
  };
}
