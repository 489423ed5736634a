import type { FieldValue, SimRecord } from './entity-definition.js';

/** One sort criterion on a canonical field. */
export interface SortSpec {
  readonly field: string;
  readonly desc: boolean;
}

/** Reads a canonical field of a record (`key`, `createdAt`, `updatedAt` or a business field). */
export function fieldValue(record: SimRecord, field: string): FieldValue {
  if (field === 'key') return record.key;
  if (field === 'createdAt') return record.createdAt;
  if (field === 'updatedAt') return record.updatedAt;
  return record.values[field] ?? null;
}

/** Total order on field values: null first, then numbers, booleans, strings (by UTF-16 code units). */
export function compareValues(a: FieldValue, b: FieldValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a ? 1 : -1;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Compares two records by a sort list. */
export function compareRecords(a: SimRecord, b: SimRecord, sort: readonly SortSpec[]): number {
  for (const s of sort) {
    const c = compareValues(fieldValue(a, s.field), fieldValue(b, s.field));
    if (c !== 0) return s.desc ? -c : c;
  }
  return 0;
}

/** Compares a record with a tuple of sort values (a possibly shorter prefix of the sort list). */
export function compareRecordToTuple(
  record: SimRecord,
  sort: readonly SortSpec[],
  tuple: readonly FieldValue[],
): number {
  for (let k = 0; k < tuple.length && k < sort.length; k++) {
    const s = sort[k] as SortSpec;
    const c = compareValues(fieldValue(record, s.field), tuple[k] ?? null);
    if (c !== 0) return s.desc ? -c : c;
  }
  return 0;
}

/** Formats epoch seconds as the simulator's stamp format `YYYY-MM-DDTHH:MM:SSZ` (whole seconds, UTC). */
export function formatStamp(sec: number): string {
  return `${new Date(sec * 1000).toISOString().slice(0, 19)}Z`;
}
