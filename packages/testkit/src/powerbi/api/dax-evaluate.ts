import type { SimDataset, SimTable } from '../model.js';
import type { ColumnDefinition } from './dataset-schema.js';
import type { DaxLiteral, DaxName, DaxQuery } from './dax.js';
import { coerceValue, type StoredValue } from './row-values.js';

/** The rows of one result table, or a DAX error message. */
export type DaxResult =
  | { ok: true; rows: Array<Record<string, StoredValue>>; truncated: boolean }
  | { ok: false; error: string };

class DaxFailure extends Error {}

// DAX object names are case-insensitive ([inferred] tabular engine semantics).
function findTable(ds: SimDataset, ref: DaxName): SimTable {
  const t = ds.tables.find((x) => x.name.toLowerCase() === ref.name.toLowerCase());
  if (!t) throw new DaxFailure(`Query (${ref.line}, ${ref.col}) Cannot find table '${ref.name}'.`);
  return t;
}

function findColumn(table: SimTable, ref: DaxName): ColumnDefinition {
  const c = table.columns.find((x) => x.name.toLowerCase() === ref.name.toLowerCase());
  if (!c) {
    throw new DaxFailure(
      `Query (${ref.line}, ${ref.col}) Column '${ref.name}' in table '${table.name}' cannot be found or may not be used in this expression.`,
    );
  }
  return c;
}

function typeName(column: ColumnDefinition): string {
  return column.dataType === 'String' ? 'Text' : column.dataType === 'Int64' ? 'Integer' : column.dataType;
}

/**
 * Builds the predicate for `column = literal` with DAX semantics [inferred]: text compares
 * case-insensitively; BLANK equals blank, "" and 0; comparing text with a number is a type error.
 */
function equalsPredicate(
  column: ColumnDefinition,
  literal: DaxLiteral,
  ref: DaxName,
): (v: StoredValue) => boolean {
  const mismatch = (litType: string) =>
    new DaxFailure(
      `Query (${ref.line}, ${ref.col}) DAX comparison operations do not support comparing values of type ${typeName(column)} with values of type ${litType}. Consider using the VALUE or FORMAT function to convert one of the values.`,
    );
  if (literal.type === 'blank') return (v) => v === null || v === '' || v === 0 || v === false;
  switch (column.dataType) {
    case 'String': {
      if (literal.type !== 'string') throw mismatch(literal.type === 'number' ? 'Integer' : 'True/False');
      const wanted = literal.value.toLowerCase();
      return (v) => (v === null ? wanted === '' : String(v).toLowerCase() === wanted);
    }
    case 'Int64':
    case 'Double':
    case 'Decimal': {
      if (literal.type !== 'number') throw mismatch(literal.type === 'string' ? 'Text' : 'True/False');
      if (column.dataType === 'Int64' && /^-?\d+$/.test(literal.value)) {
        const wanted = BigInt(literal.value);
        return (v) => (v === null ? wanted === 0n : BigInt(v as number | string) === wanted);
      }
      const wanted = Number(literal.value);
      return (v) => (v === null ? wanted === 0 : Number(v) === wanted);
    }
    case 'Boolean':
      if (literal.type !== 'boolean') throw mismatch(literal.type === 'string' ? 'Text' : 'Integer');
      return (v) => (v === null ? literal.value === false : v === literal.value);
    case 'DateTime': {
      if (literal.type !== 'string') throw mismatch('Integer');
      // Text compared with a DateTime column is converted implicitly by DAX [inferred].
      const parsed = coerceValue('DateTime', literal.value, Number.MAX_SAFE_INTEGER);
      if (!parsed.ok) throw mismatch('Text');
      return (v) => v === parsed.value;
    }
  }
}

function visibleRows(table: SimTable, now: number): Array<Record<string, StoredValue>> {
  const out: Array<Record<string, StoredValue>> = [];
  for (const r of table.rows) if (r.visibleAt <= now) out.push(r.values);
  return out;
}

function qualified(table: SimTable, column: ColumnDefinition): string {
  return `${table.name}[${column.name}]`;
}

/** Evaluates a parsed query against a dataset's rows visible at `now`. */
export function evaluateDax(ds: SimDataset, query: DaxQuery, now: number, maxRows: number): DaxResult {
  try {
    const table = findTable(ds, query.table);
    const rows = visibleRows(table, now);
    switch (query.kind) {
      case 'count': {
        let n = rows.length;
        if (query.filter) {
          const column = findColumn(table, query.filter.column);
          const pred = equalsPredicate(column, query.filter.literal, query.filter.column);
          n = 0;
          for (const r of rows) if (pred(r[column.name] ?? null)) n++;
        }
        // COUNTROWS of an empty table is BLANK in DAX; `+ 0` turns it into 0 [inferred DAX semantics].
        const value = n === 0 && !query.plusZero ? null : n;
        return { ok: true, rows: [{ [`[${query.label}]`]: value }], truncated: false };
      }
      case 'groupCount': {
        const column = findColumn(table, query.column);
        const groups = new Map<string, { value: StoredValue; n: number }>();
        for (const r of rows) {
          const v = r[column.name] ?? null;
          // Text groups case-insensitively, showing the first spelling seen [inferred DAX collation].
          const key =
            v === null ? '\u0000blank' : typeof v === 'string' ? `s:${v.toLowerCase()}` : `v:${String(v)}`;
          const g = groups.get(key);
          if (g) g.n++;
          else groups.set(key, { value: v, n: 1 });
        }
        const key = qualified(table, column);
        return {
          ok: true,
          rows: [...groups.values()].map((g) => ({ [key]: g.value, [`[${query.label}]`]: g.n })),
          truncated: false,
        };
      }
      case 'topN':
      case 'table': {
        const limit = query.kind === 'topN' ? Math.min(query.n, rows.length) : rows.length;
        const take = Math.min(limit, maxRows);
        const out = rows.slice(0, take).map((r) => {
          const o: Record<string, StoredValue> = {};
          for (const c of table.columns) o[qualified(table, c)] = r[c.name] ?? null;
          return o;
        });
        return { ok: true, rows: out, truncated: take < limit };
      }
    }
  } catch (err) {
    if (err instanceof DaxFailure) return { ok: false, error: err.message };
    throw err;
  }
}
