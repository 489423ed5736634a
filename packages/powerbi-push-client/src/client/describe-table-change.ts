import { type ApiTable, toApiTable } from '../schema/to-api-dataset.js';
import type { ResolvedTable } from '../schema/schema-types.js';

/** Why `table` differs from the service's copy, or undefined when it does not. */
export function describeTableChange(table: ResolvedTable, current: ApiTable): string | undefined {
  if (!Array.isArray(current.columns)) return 'definition re-sent: the service does not list columns';
  const wanted = toApiTable(table);
  const have = new Map(current.columns.map((column) => [column.name, column]));
  const added = wanted.columns.filter((column) => !have.has(column.name)).map((column) => column.name);
  const removed = current.columns
    .filter((column) => !table.columnsByName.has(column.name))
    .map((column) => column.name);
  // [documented] §4: the service accepts several spellings of a type (Int64/int64, bool/Boolean), so compare loosely.
  const retyped = wanted.columns
    .filter((column) => {
      const old = have.get(column.name);
      return old !== undefined && normalizeType(old.dataType) !== normalizeType(column.dataType);
    })
    .map((column) => column.name);
  const parts: string[] = [];
  if (added.length > 0) parts.push(`added ${added.join(', ')}`);
  if (removed.length > 0) parts.push(`removed ${removed.join(', ')}`);
  if (retyped.length > 0) parts.push(`changed type of ${retyped.join(', ')}`);
  if (Array.isArray(current.measures) || (wanted.measures?.length ?? 0) > 0) {
    const key = (measures: ApiTable['measures']) =>
      JSON.stringify((measures ?? []).map((m) => [m.name, m.expression]).sort());
    if (key(current.measures) !== key(wanted.measures)) parts.push('measures changed');
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** A column type in one spelling (the service accepts several). */
function normalizeType(type: string | undefined): string {
  const lower = (type ?? '').toLowerCase();
  if (lower === 'bool') return 'boolean';
  if (lower === 'int' || lower === 'int64') return 'int64';
  return lower;
}
