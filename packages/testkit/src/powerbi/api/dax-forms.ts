/** Quotes a table name for DAX: `'Name'` with `'` doubled. */
function table(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

/** Quotes a column reference: `'Table'[Column]` with `]` doubled. */
function column(tableName: string, columnName: string): string {
  return `${table(tableName)}[${columnName.replace(/]/g, ']]')}]`;
}

/** A DAX string literal with `"` doubled. */
function text(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/**
 * Builders of the exact DAX strings the simulator's executeQueries understands (see README). Clients may emit
 * the same text by hand; these builders are the reference spelling.
 */
export const DAX_FORMS = {
  /** `EVALUATE ROW("n", COUNTROWS(FILTER('T', 'T'[c] = "v")) + 0)` → one row `{ "[n]": count }` (0 when none). */
  countWhere(tableName: string, columnName: string, value: string | number | bigint | boolean): string {
    const literal =
      typeof value === 'string'
        ? text(value)
        : typeof value === 'boolean'
          ? value
            ? 'TRUE()'
            : 'FALSE()'
          : String(value);
    return `EVALUATE ROW("n", COUNTROWS(FILTER(${table(tableName)}, ${column(tableName, columnName)} = ${literal})) + 0)`;
  },
  /** `EVALUATE ROW("n", COUNTROWS('T') + 0)` → one row `{ "[n]": count }`. */
  countAll(tableName: string): string {
    return `EVALUATE ROW("n", COUNTROWS(${table(tableName)}) + 0)`;
  },
  /** `EVALUATE SUMMARIZECOLUMNS('T'[c], "n", COUNTROWS('T'))` → rows `{ "T[c]": value, "[n]": count }`. */
  countGroupedBy(tableName: string, columnName: string): string {
    return `EVALUATE SUMMARIZECOLUMNS(${column(tableName, columnName)}, "n", COUNTROWS(${table(tableName)}))`;
  },
  /** `EVALUATE TOPN(10, 'T')` → up to n rows `{ "T[c]": value, … }`. */
  topN(tableName: string, n: number): string {
    return `EVALUATE TOPN(${Math.max(0, Math.trunc(n))}, ${table(tableName)})`;
  },
} as const;
