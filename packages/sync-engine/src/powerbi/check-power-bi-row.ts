import { type CheckedColumn, checkRow } from '@mlc/powerbi-push-client';
import type { RowCheckRequest, RowCheckResult, SinkTable } from '../sink/sync-sink.js';
import { powerBIDataTypeOf } from './power-bi-data-type.js';

const COLUMNS = new WeakMap<SinkTable, CheckedColumn[]>();
/** The options of every row check without rounding (one object, not one per row). */
const ASSUME_UTC = Object.freeze({ assumeUtc: true });

/**
 * The Power BI push value rules (`checkRow` of `@mlc/powerbi-push-client`, the one implementation the client's
 * encoder applies too) for a sink table's column types: every column nullable, date-times without a zone read as
 * UTC (Sage X3 stores UTC). What {@link powerBISink} checks rows with when its dataset schema does not name the
 * table; a custom sink that writes to Power BI by other means can use it as its `checkRow`.
 */
export function checkPowerBIRow(request: RowCheckRequest): RowCheckResult {
  let columns = COLUMNS.get(request.table);
  if (!columns) {
    columns = Object.entries(request.table.columns).map(([name, type]) => ({
      name,
      dataType: powerBIDataTypeOf(type),
    }));
    COLUMNS.set(request.table, columns);
  }
  return checkRowAgainst(columns, request);
}

/** {@link checkPowerBIRow} against given push columns (a dataset schema's, with their own nullability). */
export function checkRowAgainst(columns: readonly CheckedColumn[], request: RowCheckRequest): RowCheckResult {
  const checked = checkRow(
    columns,
    request.row,
    request.decimalRounding ? { assumeUtc: true, decimalRounding: request.decimalRounding } : ASSUME_UTC,
  );
  if (checked.ok) return checked;
  return {
    ok: false,
    reason: checked.reason,
    ...(checked.column !== undefined ? { field: checked.column } : {}),
  };
}
