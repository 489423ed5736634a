import { Decimal } from '@mlc/core';
import { describe, expect, it } from 'vitest';
import { type SinkTable, checkRowByTypes } from '../src/index.js';
import { checkPowerBIRow } from '../src/powerbi.js';

const table: SinkTable = {
  name: 'T',
  columns: { s: 'String', i: 'Int64', d: 'Double', m: 'Decimal', b: 'Boolean', t: 'DateTime' },
};
const row = (values: Record<string, unknown>) => ({
  s: 'x',
  i: 1,
  d: 1.5,
  m: 2,
  b: true,
  t: null,
  ...values,
});

describe('checkRowByTypes: the engine vocabulary, no destination limit', () => {
  it('normalises each type to the one form that is hashed and posted', () => {
    const checked = checkRowByTypes({
      table,
      row: row({
        i: 2n ** 63n - 1n,
        m: Decimal.parse('12345678901234567890.1234567'),
        t: '2024-05-01T10:00:00',
      }),
    });
    expect(checked).toEqual({
      ok: true,
      row: {
        s: 'x',
        i: '9223372036854775807',
        d: 1.5,
        m: '12345678901234567890.1234567',
        b: true,
        t: '2024-05-01T10:00:00.000Z',
      },
    });
    expect(checkRowByTypes({ table, row: row({ t: new Date(0), i: '-12' }) })).toMatchObject({
      ok: true,
      row: { t: '1970-01-01T00:00:00.000Z', i: -12 },
    });
  });

  it('leaves limits to the sink: a 5,000-character string passes here, not in the Power BI rules', () => {
    const long = 'a'.repeat(5000);
    expect(checkRowByTypes({ table, row: row({ s: long }) })).toMatchObject({ ok: true });
    expect(checkPowerBIRow({ table, row: row({ s: long }) })).toEqual({
      ok: false,
      field: 's',
      reason: 'string of 5000 characters exceeds 4000',
    });
    // Int64.MaxValue: a valid signed 64-bit integer, which Power BI refuses.
    expect(checkRowByTypes({ table, row: row({ i: 2n ** 63n - 1n }) })).toMatchObject({ ok: true });
    expect(checkPowerBIRow({ table, row: row({ i: 2n ** 63n - 1n }) })).toMatchObject({
      ok: false,
      field: 'i',
    });
  });

  it('names the field and the reason of a value of the wrong type', () => {
    expect(checkRowByTypes({ table, row: row({ i: 1.5 }) })).toEqual({
      ok: false,
      field: 'i',
      reason: 'expected Int64, got 1.5',
    });
    expect(checkRowByTypes({ table, row: row({ i: 2n ** 63n }) })).toEqual({
      ok: false,
      field: 'i',
      reason: 'Int64 value out of the signed 64-bit range',
    });
    expect(checkRowByTypes({ table, row: row({ d: Number.NaN }) })).toMatchObject({
      field: 'd',
      reason: 'expected Double, got NaN',
    });
    expect(checkRowByTypes({ table, row: row({ t: '2024-02-30' }) })).toMatchObject({
      field: 't',
      reason: 'expected DateTime, got "2024-02-30"',
    });
    expect(checkRowByTypes({ table, row: row({ b: 'yes' }) })).toMatchObject({ field: 'b' });
    expect(checkRowByTypes({ table, row: row({ m: '12,5' }) })).toEqual({
      ok: false,
      field: 'm',
      reason: 'expected a decimal string like "-12.3456", got "12,5"',
    });
    expect(checkRowByTypes({ table, row: row({ s: 12 }) })).toMatchObject({
      field: 's',
      reason: 'expected String, got 12',
    });
  });
});
