import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  BATCH_COLUMN,
  type ColumnSpec,
  POWER_BI_LIMITS,
  PowerBIValidationError,
  type RowOfTable,
  defineDataset,
  toApiCreateDataset,
} from '../src/index.js';

function columns(count: number): Record<string, ColumnSpec> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`c${i}`, 'String' as const]));
}

function schemaError(run: () => unknown): PowerBIValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PowerBIValidationError);
    const typed = error as PowerBIValidationError;
    expect(typed.code).toBe('PBI_SCHEMA_INVALID');
    expect(typed.kind).toBe('validation');
    expect(typed.retryable).toBe(false);
    return typed;
  }
  throw new Error('expected a schema error');
}

describe('defineDataset', () => {
  const sales = defineDataset({
    name: 'Sales',
    tables: {
      Orders: {
        columns: {
          id: 'Int64',
          amount: 'Decimal',
          postedAt: 'DateTime',
          paid: 'Boolean',
          ratio: 'Double',
          note: { type: 'String', nullable: true },
        },
        measures: [{ name: 'Total', expression: "SUM('Orders'[amount])" }],
      },
      Customers: { columns: { id: 'Int64', name: 'String' } },
    },
    relationships: [
      { name: 'OrderCustomer', fromTable: 'Orders', fromColumn: 'id', toTable: 'Customers', toColumn: 'id' },
    ],
  });

  it('infers a row type per table: required columns, optional nullable ones', () => {
    type OrderRow = RowOfTable<typeof sales, 'Orders'>;
    expectTypeOf<OrderRow>().toEqualTypeOf<{
      id: number | bigint | string;
      amount: number | bigint | string;
      postedAt: Date | string;
      paid: boolean;
      ratio: number;
      note?: string | null;
    }>();
    expectTypeOf<RowOfTable<typeof sales, 'Customers'>>().toEqualTypeOf<{
      id: number | bigint | string;
      name: string;
    }>();
  });

  it('adds the hidden String _batch column last and builds the documented create body', () => {
    const orders = sales.tablesByName.get('Orders');
    expect(orders?.columns.at(-1)).toMatchObject({
      name: BATCH_COLUMN,
      dataType: 'String',
      isHidden: true,
      reserved: true,
    });
    const body = toApiCreateDataset(sales);
    expect(body).toMatchObject({ name: 'Sales', defaultMode: 'Push' });
    expect(body.tables[0]?.columns.map((c) => c.name)).toEqual([
      'id',
      'amount',
      'postedAt',
      'paid',
      'ratio',
      'note',
      '_batch',
    ]);
    expect(body.tables[0]?.measures).toEqual([{ name: 'Total', expression: "SUM('Orders'[amount])" }]);
    expect(body.relationships).toHaveLength(1);
    // Only documented properties: the service rejects unknown ones.
    expect(Object.keys(body.tables[0]?.columns[5] ?? {})).toEqual(['name', 'dataType']);
  });

  it('refuses a 76th column, counting the reserved _batch column', () => {
    expect(
      schemaError(() =>
        defineDataset({ name: 'D', tables: { T: { columns: columns(76) } }, batchColumn: false }),
      ).message,
    ).toMatch(/76 columns exceed the limit of 75/);
    const withBatch = schemaError(() =>
      defineDataset({ name: 'D', tables: { T: { columns: columns(75) } } }),
    );
    expect(withBatch.table).toBe('T');
    expect(withBatch.reason).toMatch(/76 columns .* reserved "_batch"/);
    expect(() => defineDataset({ name: 'D', tables: { T: { columns: columns(74) } } })).not.toThrow();
    expect(() =>
      defineDataset({ name: 'D', tables: { T: { columns: columns(75) } }, batchColumn: false }),
    ).not.toThrow();
  });

  it('refuses 76 tables and 76 relationships', () => {
    const tables = Object.fromEntries(
      Array.from({ length: 76 }, (_, i) => [`T${i}`, { columns: { a: 'Int64' as const } }]),
    );
    expect(schemaError(() => defineDataset({ name: 'D', tables })).reason).toMatch(
      /76 tables exceed the limit of 75/,
    );
    const relationships = Array.from({ length: 76 }, (_, i) => ({
      name: `R${i}`,
      fromTable: 'A',
      fromColumn: 'x',
      toTable: 'B',
      toColumn: 'x',
    }));
    expect(
      schemaError(() =>
        defineDataset({
          name: 'D',
          tables: { A: { columns: { x: 'Int64' } }, B: { columns: { x: 'Int64' } } },
          relationships,
        }),
      ).reason,
    ).toMatch(/76 relationships exceed the limit of 75/);
  });

  it.each([
    ['Orders.2024', '"."'],
    ['Sales/Region', '"/"'],
    ['Total(EUR)', '"("'],
    ['x'.repeat(101), '101 characters'],
    ['', 'non-empty'],
  ])('refuses the table name %j', (name, why) => {
    const error = schemaError(() =>
      defineDataset({ name: 'D', tables: { [name]: { columns: { a: 'Int64' } } } }),
    );
    expect(error.reason).toContain(why);
  });

  it('accepts the documented table-name characters', () => {
    expect(() =>
      defineDataset({
        name: 'D',
        tables: { 'GL Entries #1 - 2024 @HQ ^_~ Ünïcode': { columns: { a: 'Int64' } } },
      }),
    ).not.toThrow();
  });

  it('refuses a user column named _batch, duplicates, control characters and unknown types', () => {
    expect(
      schemaError(() => defineDataset({ name: 'D', tables: { T: { columns: { _batch: 'String' } } } }))
        .column,
    ).toBe('_batch');
    expect(
      schemaError(() => defineDataset({ name: 'D', tables: { T: { columns: { A: 'String', a: 'Int64' } } } }))
        .reason,
    ).toMatch(/collides/);
    expect(
      schemaError(() => defineDataset({ name: 'D', tables: { T: { columns: { 'a\u0001': 'String' } } } }))
        .reason,
    ).toMatch(/control character/);
    const bad = schemaError(() =>
      defineDataset({ name: 'D', tables: { T: { columns: { a: 'Currency' as unknown as 'String' } } } }),
    );
    expect(bad).toMatchObject({ table: 'T', column: 'a' });
    expect(bad.reason).toMatch(/unknown data type "Currency"/);
  });

  it('checks relationships against tables and columns', () => {
    const error = schemaError(() =>
      defineDataset({
        name: 'D',
        tables: { A: { columns: { x: 'Int64' } }, B: { columns: { y: 'Int64' } } },
        relationships: [{ name: 'R', fromTable: 'A', fromColumn: 'x', toTable: 'B', toColumn: 'x' }],
      }),
    );
    expect(error.reason).toMatch(/toColumn "x" is not a column/);
  });

  it('exports the documented limits', () => {
    expect(POWER_BI_LIMITS).toMatchObject({
      maxRowsPerRequest: 10_000,
      maxPostsPerMinute: 120,
      maxPostsPerHourLargeTable: 120,
      largeTableRowThreshold: 250_000,
      maxRowsPerHour: 1_000_000,
      maxPendingPosts: 5,
      maxTables: 75,
      maxColumns: 75,
      maxRelationships: 75,
      maxStringLength: 4_000,
    });
  });
});
