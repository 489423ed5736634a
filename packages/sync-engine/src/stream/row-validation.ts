import { parseStamp, formatInstant } from '../cursor/stamp.js';
import { RecordError } from '../errors/record-error.js';
import type { SinkTable } from '../sink/sync-sink.js';
import type { Row, RowValue } from '../store/types.js';

/** A value a mapping may return; `Date`s become ISO UTC strings, `undefined` becomes `null`. */
export type MappedValue = RowValue | Date | undefined;

/** A row as a mapping returns it. */
export type MappedRow = Record<string, MappedValue>;

/** Longest string Power BI push datasets accept [documented] powerbi.md limits table (4,000 characters). */
export const MAX_STRING_LENGTH = 4000;

/**
 * Checks a mapped row against the table's columns and normalises it (only table columns, in table order).
 * Throws a {@link RecordError} naming the field and the reason, so the record is quarantined precisely.
 */
export function normalizeRow(row: MappedRow, table: SinkTable, rowPath = ''): Row {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    throw new RecordError({
      field: rowPath || undefined,
      reason: `mapping must return an object row, got ${describe(row)}`,
    });
  }
  for (const name of Object.keys(row)) {
    if (!(name in table.columns) && row[name] !== undefined) {
      throw new RecordError({
        field: rowPath + name,
        reason: `column "${name}" is not in table ${table.name}`,
      });
    }
  }
  const out: Row = {};
  for (const [name, type] of Object.entries(table.columns)) {
    const value = row[name];
    const field = rowPath + name;
    if (value === undefined || value === null) {
      out[name] = null;
      continue;
    }
    switch (type) {
      case 'String':
        if (typeof value !== 'string') throw bad(field, 'a string', value);
        if (value.length > MAX_STRING_LENGTH) {
          throw new RecordError({
            field,
            reason: `string of ${value.length} characters exceeds ${MAX_STRING_LENGTH}`,
          });
        }
        out[name] = value;
        break;
      case 'Int64':
        if (typeof value !== 'number' || !Number.isSafeInteger(value))
          throw bad(field, 'a safe integer', value);
        out[name] = value;
        break;
      case 'Double':
      case 'Decimal':
        if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(field, 'a finite number', value);
        out[name] = value;
        break;
      case 'Boolean':
        if (typeof value !== 'boolean') throw bad(field, 'a boolean', value);
        out[name] = value;
        break;
      case 'DateTime': {
        if (value instanceof Date) {
          if (!Number.isFinite(value.getTime())) throw bad(field, 'a valid date', value);
          out[name] = value.toISOString();
          break;
        }
        const parsed = typeof value === 'string' ? parseStamp(value) : undefined;
        if (!parsed) throw bad(field, 'an ISO-8601 date-time', value);
        // Normalised to UTC so the same instant hashes the same however the source spelled it.
        out[name] = formatInstant(parsed.epochMs);
        break;
      }
    }
  }
  return out;
}

function bad(field: string, expected: string, value: unknown): RecordError {
  return new RecordError({ field, reason: `expected ${expected}, got ${describe(value)}` });
}

function describe(value: unknown): string {
  if (value instanceof Date) return `Date(${String(value.getTime())})`;
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
