import type { Row } from '../state-store/types.js';
import { type MappedRow, type NormalizeRowOptions, normalizeRow } from '../definition/row-validation.js';
import type { ResolvedStream } from './engine-context.js';

/**
 * The rows of one record checked with the stream's sink rules and rounding (`normalizeRow`), in the exact form
 * that is hashed, stored and posted. The one check the run, a replay and a rebuild all apply. Throws the
 * `RecordError` of the first row at fault, its field prefixed with the row index when the record has several.
 */
export function checkRows(stream: ResolvedStream, rows: readonly MappedRow[], many = rows.length > 1): Row[] {
  const options: NormalizeRowOptions = { rowPath: '', sink: stream.sink };
  if (stream.decimalRounding) options.decimalRounding = stream.decimalRounding;
  const out: Row[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    if (many) options.rowPath = `[${i}].`;
    out[i] = normalizeRow(rows[i] as MappedRow, stream.businessTable, options);
  }
  return out;
}
