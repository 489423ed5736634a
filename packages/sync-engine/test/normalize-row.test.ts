import { describe, expect, it } from 'vitest';
import { type RowCheckRequest, type SinkTable, isRecordError, normalizeRow } from '../src/index.js';

const table: SinkTable = { name: 'T', columns: { a: 'String', n: 'Int64', t: 'DateTime' } };

/** A sink check that records what it was given and accepts it. */
function recordingSink() {
  const seen: RowCheckRequest[] = [];
  return {
    seen,
    checkRow(request: RowCheckRequest) {
      seen.push(request);
      return { ok: true as const, row: { ...request.row } as Record<string, string | number | null> };
    },
  };
}

function errorOf(fn: () => unknown): { field?: string; reason: string } {
  try {
    fn();
  } catch (error) {
    if (isRecordError(error))
      return { ...(error.field !== undefined ? { field: error.field } : {}), reason: error.reason };
    throw error;
  }
  throw new Error('did not throw');
}

describe('normalizeRow', () => {
  it('gives the sink only table columns, absent or undefined ones as null', () => {
    for (const row of [
      { a: 'x' },
      { a: 'x', n: undefined, t: null },
      { t: null, a: 'x', extra: undefined },
    ]) {
      const sink = recordingSink();
      normalizeRow(row, table, { sink });
      expect(sink.seen[0]?.row).toEqual({ a: 'x', n: null, t: null });
      expect(Object.keys(sink.seen[0]?.row ?? {}).sort()).toEqual(['a', 'n', 't']);
    }
  });

  it('passes a row that holds exactly the table columns as it is, rounding rule included', () => {
    const sink = recordingSink();
    const row = { n: 1, a: 'x', t: null };
    normalizeRow(row, table, { sink, decimalRounding: 'half-even' });
    expect(sink.seen[0]?.row).toEqual(row);
    expect(sink.seen[0]?.decimalRounding).toBe('half-even');
  });

  it('refuses a key that is not a column, naming it with the row path', () => {
    const sink = recordingSink();
    expect(
      errorOf(() => normalizeRow({ a: 'x', n: 1, t: null, b: 2 }, table, { sink, rowPath: '[1].' })),
    ).toEqual({
      field: '[1].b',
      reason: 'column "b" is not in table T',
    });
    expect(sink.seen).toHaveLength(0);
  });

  it('names the field the sink refused, with the row path', () => {
    expect(errorOf(() => normalizeRow({ a: 'x', n: 'many', t: null }, table, { rowPath: '[0].' }))).toEqual({
      field: '[0].n',
      reason: 'expected Int64, got "many"',
    });
  });
});
