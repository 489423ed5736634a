import type { SimTable } from '../model.js';
import type { SchemaProblem } from './dataset-schema.js';
import { coerceValue, type StoredValue } from './row-values.js';

const MAX_REPORTED = 20;

/**
 * Checks every row against the table's columns and normalises the values. A request is applied all or
 * nothing [inferred]. Unknown columns are refused ([inferred]; reference §4 lists it as unknown, the issue asks
 * for a 400); missing columns and `null` are stored as blank [inferred].
 */
export function validateRows(
  table: SimTable,
  rows: readonly unknown[],
  maxStringLength: number,
  targetPrefix = 'rows',
): { ok: true; rows: Array<Record<string, StoredValue>> } | { ok: false; problems: SchemaProblem[] } {
  const problems: SchemaProblem[] = [];
  const out: Array<Record<string, StoredValue>> = [];
  for (let i = 0; i < rows.length && problems.length < MAX_REPORTED; i++) {
    const row = rows[i];
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      problems.push({ message: `Row ${i} must be a JSON object.`, target: `${targetPrefix}[${i}]` });
      continue;
    }
    const values: Record<string, StoredValue> = {};
    for (const c of table.columns) values[c.name] = null;
    for (const [key, raw] of Object.entries(row)) {
      const column = table.column(key);
      if (!column) {
        problems.push({
          message: `Column '${key}' does not exist in table '${table.name}' (row ${i}).`,
          target: `${targetPrefix}[${i}].${key}`,
        });
        continue;
      }
      const r = coerceValue(column.dataType, raw, maxStringLength);
      if (!r.ok) {
        problems.push({
          message: `${r.reason} for column '${key}' of table '${table.name}' (row ${i}).`,
          target: `${targetPrefix}[${i}].${key}`,
        });
        continue;
      }
      values[key] = r.value;
    }
    out.push(values);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows: out };
}
