import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PowerBIValidationError, checkRow, defineDataset, encodeRow, planRequests } from '../src/index.js';
import { planByteRequests } from '../src/rows/plan-requests.js';

const schema = defineDataset({
  name: 'Rows',
  tables: {
    T: {
      columns: {
        id: 'Int64',
        amount: 'Decimal',
        ratio: 'Double',
        at: 'DateTime',
        ok: 'Boolean',
        text: { type: 'String', nullable: true },
      },
    },
  },
});
const table = schema.tablesByName.get('T')!;
const valid = { id: 1, amount: 1.5, ratio: 0.25, at: '2024-03-01T10:00:00+02:00', ok: true };

/**
 * Requests with their bodies as bytes (a text body encoded as UTF-8), for comparing both plans; the bytes are spelled
 * one character per byte (latin1), which compares exactly and fast.
 */
function bytesOf(
  plan: ReadonlyArray<{ body: string | Uint8Array; startIndex: number; rowCount: number; bytes: number }>,
) {
  return plan.map(({ body, ...rest }) => ({ ...rest, body: Buffer.from(body).toString('latin1') }));
}

function rowError(row: unknown, index = 7): PowerBIValidationError {
  try {
    encodeRow(table, row, index);
  } catch (error) {
    expect(error).toBeInstanceOf(PowerBIValidationError);
    const typed = error as PowerBIValidationError;
    expect(typed).toMatchObject({ code: 'PBI_ROW_INVALID', table: 'T', rowIndex: index });
    return typed;
  }
  throw new Error('expected a row error');
}

describe('encodeRow', () => {
  it('writes DateTime as ISO UTC, omits blank nullable values and tags the batch', () => {
    const json = JSON.parse(encodeRow(table, valid, 0, { batchId: 'b-1' }));
    expect(json).toEqual({
      id: 1,
      amount: 1.5,
      ratio: 0.25,
      at: '2024-03-01T08:00:00.000Z',
      ok: true,
      _batch: 'b-1',
    });
    expect(
      JSON.parse(encodeRow(table, { ...valid, at: new Date(Date.UTC(2024, 0, 2)), text: null }, 0)),
    ).not.toHaveProperty('text');
  });

  it('keeps Int64 exact beyond 2^53 via bigint and digit strings, and refuses Int64.MaxValue/MinValue', () => {
    expect(encodeRow(table, { ...valid, id: 9_007_199_254_740_993n }, 0)).toContain('"id":9007199254740993');
    expect(encodeRow(table, { ...valid, id: '-9223372036854775807' }, 0)).toContain(
      '"id":-9223372036854775807',
    );
    expect(rowError({ ...valid, id: 2n ** 63n - 1n }).column).toBe('id');
    expect(rowError({ ...valid, id: '-9223372036854775808' }).reason).toMatch(/out of range/);
    expect(rowError({ ...valid, id: 2 ** 60 }).reason).toMatch(/lost precision/);
    expect(rowError({ ...valid, id: 1.5 }).reason).toMatch(/integer/);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_VALUE])(
    'refuses the Double %s naming row and column',
    (ratio) => {
      const error = rowError({ ...valid, ratio }, 41);
      expect(error.column).toBe('ratio');
      expect(error.message).toMatch(/^Row 41, column "ratio" of table "T": /);
    },
  );

  it('enforces Decimal scale 4 and precision 28, exactly for strings', () => {
    expect(encodeRow(table, { ...valid, amount: '12345678901234567890.1234' }, 0)).toContain(
      '"amount":12345678901234567890.1234',
    );
    expect(encodeRow(table, { ...valid, amount: '1.50000' }, 0)).toContain('"amount":1.5');
    expect(encodeRow(table, { ...valid, amount: 1e-4 }, 0)).toContain('"amount":0.0001');
    expect(rowError({ ...valid, amount: 1.23456 }).reason).toMatch(/scale 5 exceeds 4/);
    expect(rowError({ ...valid, amount: 1e-7 }).reason).toMatch(/scale 7/);
    expect(rowError({ ...valid, amount: '123456789012345678901234567.89' }).reason).toMatch(/precision 29/);
    expect(rowError({ ...valid, amount: '1,5' }).reason).toMatch(/decimal string/);
    // decimal(28,4): 24 digits before the point at most, even when the value itself has fewer fraction digits.
    expect(encodeRow(table, { ...valid, amount: '123456789012345678901234.5' }, 0)).toContain(
      '"amount":123456789012345678901234.5',
    );
    expect(rowError({ ...valid, amount: '1234567890123456789012345.5' }).reason).toMatch(
      /25 integer digits; precision 28 with scale 4 holds at most 24/,
    );
  });

  it('refuses a 4,001-character string and accepts 4,000', () => {
    expect(() => encodeRow(table, { ...valid, text: 'x'.repeat(4000) }, 0)).not.toThrow();
    const error = rowError({ ...valid, text: 'x'.repeat(4001) }, 3);
    expect(error).toMatchObject({ column: 'text', rowIndex: 3 });
    expect(error.reason).toMatch(/4001 characters exceeds 4000/);
  });

  it('refuses ambiguous date-times, missing values, unknown columns and a user-supplied _batch', () => {
    expect(rowError({ ...valid, at: '2024-03-01T10:00:00' }).reason).toMatch(/with a zone/);
    expect(rowError({ ...valid, ok: undefined }).reason).toMatch(/required/);
    expect(rowError({ ...valid, Amount: 3 }).column).toBe('Amount');
    expect(rowError({ ...valid, _batch: 'x' }).column).toBe('_batch');
    expect(rowError('not a row').reason).toMatch(/must be an object/);
  });

  it('refuses impossible calendar fields instead of letting Date.parse roll them over', () => {
    for (const at of [
      '2024-02-30',
      '2023-02-29T00:00:00Z',
      '2024-04-31T10:00:00.000Z',
      '2024-01-01T24:00:00Z',
    ]) {
      expect(rowError({ ...valid, at }).reason).toMatch(/invalid date/);
    }
    expect(encodeRow(table, { ...valid, at: '2024-02-29' }, 0)).toContain('"at":"2024-02-29T00:00:00.000Z"');
    expect(encodeRow(table, { ...valid, at: '2000-02-29T23:59:59.999Z' }, 0)).toContain(
      '"at":"2000-02-29T23:59:59.999Z"',
    );
  });

  it('property: encodes Decimal numbers and DateTime strings exactly as the general path does', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e12, max: 1e12, noNaN: true }).map((n) => Math.round(n * 100) / 100),
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (amount, date) => {
          const iso = date.toISOString();
          const row = JSON.parse(encodeRow(table, { ...valid, amount, at: iso }, 0));
          expect(row.at).toBe(new Date(Date.parse(iso)).toISOString());
          const expected = encodeRow(table, { ...valid, amount: String(amount), at: date }, 0);
          expect(JSON.parse(expected).amount).toBe(row.amount);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('planRequests', () => {
  it('splits at 10,000 rows', () => {
    const rows = Array.from({ length: 25_001 }, (_, i) => ({ ...valid, id: i }));
    const plan = planRequests(table, rows);
    expect(plan.map((p) => [p.startIndex, p.rowCount])).toEqual([
      [0, 10_000],
      [10_000, 10_000],
      [20_000, 5_001],
    ]);
    expect(JSON.parse(plan[2]!.body).rows[0].id).toBe(20_000);
    // A body of 10,000 rows outgrows the byte body's first buffers several times.
    expect(bytesOf(planByteRequests(table, rows, { batchId: 'b_1' }))).toEqual(
      bytesOf(planRequests(table, rows, { batchId: 'b_1' })),
    );
  });

  it('splits by serialised bytes and measures UTF-8, not characters', () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ ...valid, id: i, text: 'é'.repeat(3000) }));
    const plan = planRequests(table, rows, { maxBytes: 20_000 });
    for (const request of plan) {
      expect(Buffer.byteLength(request.body)).toBe(request.bytes);
      expect(request.bytes).toBeLessThanOrEqual(20_000);
    }
    expect(bytesOf(planByteRequests(table, rows, { maxBytes: 20_000 }))).toEqual(bytesOf(plan));
    expect(plan.length).toBeGreaterThan(3);
  });

  it('validates every row before returning anything', () => {
    const rows = [valid, valid, { ...valid, ratio: Number.NaN }];
    expect(() => planRequests(table, rows)).toThrow(/Row 2, column "ratio"/);
  });

  it('property: requests cover every row once, in order, within both limits, each filled before the next', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.integer(),
            text: fc.oneof(fc.string({ maxLength: 60 }), fc.string({ maxLength: 200, unit: 'grapheme' })),
          }),
          { maxLength: 200 },
        ),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1024, max: 4096 }),
        (input, maxRows, maxBytes) => {
          const rows = input.map((r) => ({ ...valid, ...r }));
          const plan = planRequests(table, rows, { maxRows, maxBytes });
          expect(bytesOf(planByteRequests(table, rows, { maxRows, maxBytes }))).toEqual(bytesOf(plan));
          const ids = plan.flatMap((p) => JSON.parse(p.body).rows.map((r: { id: number }) => r.id));
          expect(ids).toEqual(rows.map((r) => r.id));
          let next = 0;
          for (const p of plan) {
            expect(p.startIndex).toBe(next);
            // The body is exactly the envelope around its rows' texts, one flat join.
            const texts = rows
              .slice(next, next + p.rowCount)
              .map((row, i) => encodeRow(table, row, next + i));
            expect(p.body).toBe(`{"rows":[${texts.join(',')}]}`);
            next += p.rowCount;
            expect(p.rowCount).toBeLessThanOrEqual(maxRows);
            expect(Buffer.byteLength(p.body)).toBe(p.bytes);
            expect(p.bytes).toBeLessThanOrEqual(maxBytes);
            // Greedy: a request ends only when its next row would break a limit.
            if (next < rows.length) {
              const [alone] = planRequests(table, [rows[next]]);
              const nextRowBytes = alone!.bytes - '{"rows":[]}'.length;
              expect(p.rowCount === maxRows || p.bytes + 1 + nextRowBytes > maxBytes).toBe(true);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('rows checkRow returned (one check per row on the sync path)', () => {
  const nullable = table.columns
    .filter((c) => !c.reserved)
    .map((c) => ({ name: c.name, dataType: c.dataType, nullable: true }));
  const loose = defineDataset({
    name: 'Loose',
    tables: {
      T: { columns: Object.fromEntries(nullable.map((c) => [c.name, { type: c.dataType, nullable: true }])) },
    },
  }).tablesByName.get('T')!;
  const checkedLoose = (input: unknown) => {
    const result = checkRow(nullable, input, { assumeUtc: true, decimalRounding: 'half-even' });
    if (!result.ok) throw new Error(result.reason);
    return result.row;
  };

  const own = table.columns.filter((c) => !c.reserved);
  const checked = (row: unknown, columns: Parameters<typeof checkRow>[0] = own) => {
    const result = checkRow(columns, row, { assumeUtc: true });
    if (!result.ok) throw new Error(result.reason);
    return result.row;
  };

  it('encode to the same text as the rows they came from, and cannot be changed after the check', () => {
    const rows = [
      valid,
      { ...valid, text: 'x"y', amount: '12345678901234567890.1234', at: '2024-03-01T10:00:00' },
      { ...valid, id: '9007199254740993', text: null },
    ];
    for (const row of rows) {
      const plain = checkRow(own, row, { assumeUtc: true });
      if (!plain.ok) throw new Error(plain.reason);
      const copy = { ...plain.row };
      const branded = checked(row);
      expect(Object.isFrozen(branded)).toBe(true);
      expect(() => {
        (branded as Record<string, unknown>).id = 'not a number';
      }).toThrow(TypeError);
      expect(encodeRow(table, branded, 0, { batchId: 'b' })).toBe(
        encodeRow(table, copy, 0, { batchId: 'b' }),
      );
    }
    const [request] = planRequests(table, [checked(valid)], { batchId: 'b' });
    expect(request?.body).toBe(planRequests(table, [{ ...checked(valid) }], { batchId: 'b' })[0]?.body);
  });

  it('property: encode to the same text as an unchecked copy, blank and text-held numbers included', () => {
    const cell = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });
    const row = fc.record({
      id: cell(fc.oneof(fc.integer(), fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }))),
      amount: cell(
        fc.oneof(
          fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }),
          fc.constantFrom('12345678901234567890.1234', '-0.5', '1e3'),
        ),
      ),
      ratio: cell(fc.double({ noNaN: true, noDefaultInfinity: true })),
      at: cell(fc.constantFrom('2024-03-01T10:00:00Z', '2024-03-01', '2024-03-01T10:00:00.123+02:00')),
      ok: cell(fc.boolean()),
      text: cell(fc.string({ unit: 'binary', maxLength: 8 })),
    });
    const nullable = own.map((c) => ({ ...c, nullable: true }));
    const loose = defineDataset({
      name: 'Loose',
      tables: {
        T: {
          columns: Object.fromEntries(nullable.map((c) => [c.name, { type: c.dataType, nullable: true }])),
        },
      },
    }).tablesByName.get('T')!;
    fc.assert(
      fc.property(row, fc.option(fc.string({ maxLength: 6 }), { nil: undefined }), (input, batchId) => {
        const result = checkRow(nullable, input, { assumeUtc: true, decimalRounding: 'half-even' });
        if (!result.ok) return;
        const options = batchId === undefined ? {} : { batchId };
        expect(encodeRow(loose, result.row, 0, options)).toBe(
          encodeRow(loose, { ...result.row }, 0, options),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("the check's mark stays with the row itself: not in its JSON or keys, not in a copy, not inherited", () => {
    const row = checkedLoose({ ...valid, text: 'x' });
    expect(Object.keys(row)).toEqual(nullable.map((c) => c.name));
    expect(JSON.stringify(row)).toBe(JSON.stringify({ ...row }));
    // A spread copy is not frozen, so it is checked again: a changed value is refused, not written as it is.
    expect(() => encodeRow(loose, { ...row, id: 'abc' }, 2)).toThrow(PowerBIValidationError);
    // An object whose prototype is a checked row has no own members: it is encoded as any other row (its inherited
    // values read one by one), not as the checked row's JSON text (`{}`).
    const heir = Object.create(row) as object;
    expect(encodeRow(loose, heir, 0, { batchId: 'b' })).toBe(
      encodeRow(loose, { ...row }, 0, { batchId: 'b' }),
    );
  });

  it('property: planned from checked rows, bodies and sizes are those of unchecked copies', () => {
    // Checked rows are measured without flattening their text (encodeRowSized): the sizes must still be exact, with
    // blank members anywhere (the first, all of them), multi-byte text.
    const cell = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 3 });
    const row = fc.record({
      id: cell(fc.integer()),
      amount: cell(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 })),
      ratio: cell(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 })),
      at: cell(fc.constantFrom('2024-03-01T10:00:00Z', '2024-03-01T10:00:00.123+02:00')),
      ok: cell(fc.boolean()),
      text: cell(
        fc.oneof(
          fc.string({ maxLength: 10 }),
          fc.string({ unit: 'grapheme', maxLength: 10 }),
          fc.constant('é€’'.repeat(1000)),
        ),
      ),
    });
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 150 }),
        fc.option(fc.string({ maxLength: 6 }), { nil: undefined }),
        fc.option(fc.integer({ min: 9_000, max: 200_000 }), { nil: undefined }),
        (inputs, batchId, maxBytes) => {
          const rows = inputs.map(checkedLoose);
          const limits = { ...(batchId === undefined ? {} : { batchId }), ...(maxBytes ? { maxBytes } : {}) };
          const plan = planRequests(loose, rows, limits);
          expect(plan).toEqual(
            planRequests(
              loose,
              rows.map((r) => ({ ...r })),
              limits,
            ),
          );
          for (const request of plan) expect(Buffer.byteLength(request.body)).toBe(request.bytes);
          // What append() sends: the same requests, each body as the UTF-8 bytes of its text.
          expect(bytesOf(planByteRequests(loose, rows, limits))).toEqual(bytesOf(plan));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('checked against other columns than the table has, they are checked again', () => {
    const asText = own.map((c) => (c.name === 'id' ? { ...c, dataType: 'String' as const } : c));
    const row = checked({ ...valid, id: 'abc' }, asText);
    expect(() => encodeRow(table, row, 3)).toThrow(PowerBIValidationError);
    const fewer = checked({ id: 1, amount: 1, ratio: 1, at: valid.at, ok: true }, own.slice(0, 5));
    expect(encodeRow(table, fewer, 0)).toBe(encodeRow(table, { ...fewer }, 0));
    const nullable = own.map((c) => ({ ...c, nullable: true }));
    expect(() => encodeRow(table, checked({ ...valid, id: null }, nullable), 4)).toThrow(
      PowerBIValidationError,
    );
  });
});
