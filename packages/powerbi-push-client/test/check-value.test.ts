import { Decimal } from '@mlc/core';
import { describe, expect, it } from 'vitest';
import { checkRow, checkValue, encodeRow, literalOf } from '../src/index.js';
import { defineDataset } from '../src/index.js';

describe('checkValue: the one rule set the encoder shares', () => {
  it('keeps long decimals exact (as text when a double cannot hold them)', () => {
    expect(checkValue('Decimal', Decimal.parse('123456789012345678901234.12'))).toEqual({
      ok: true,
      value: '123456789012345678901234.12',
    });
    expect(checkValue('Decimal', '12.50')).toEqual({ ok: true, value: 12.5 });
    expect(checkValue('Decimal', 7n)).toEqual({ ok: true, value: 7 });
    expect(literalOf('Decimal', '123456789012345678901234.12')).toBe('123456789012345678901234.12');
  });

  it('refuses scale and precision beyond the limits unless a rounding rule is declared', () => {
    expect(checkValue('Decimal', 123.456789)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/scale 6 exceeds 4/),
    });
    expect(checkValue('Decimal', 1e30)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/precision 31 exceeds 28/),
    });
    expect(checkValue('Decimal', 123.456789, { decimalRounding: 'half-even' })).toEqual({
      ok: true,
      value: 123.4568,
    });
    expect(checkValue('Decimal', 0.00005, { decimalRounding: 'half-up' })).toEqual({
      ok: true,
      value: 0.0001,
    });
    expect(checkValue('Decimal', 1e30, { decimalRounding: 'half-even' }).ok).toBe(false);
  });

  it('parses DateTime strictly: no roll-over, four-digit years kept, zone-less only when told UTC', () => {
    for (const bad of [
      '2024-02-30',
      '0000-00-00',
      '2023-02-29T25:61:61Z',
      '2024-02-30T00:00:00Z',
      '2023-02-29T00:00:00.000Z',
      '0000-12-31T23:59:59.999Z',
    ])
      expect(checkValue('DateTime', bad).ok, bad).toBe(false);
    expect(checkValue('DateTime', '2024-02-29T23:59:59.999Z')).toEqual({
      ok: true,
      value: '2024-02-29T23:59:59.999Z',
    });
    expect(checkValue('DateTime', '2024-02-29')).toEqual({ ok: true, value: '2024-02-29T00:00:00.000Z' });
    expect(checkValue('DateTime', '0099-06-15')).toEqual({ ok: true, value: '0099-06-15T00:00:00.000Z' });
    expect(checkValue('DateTime', '2024-05-01T10:00:00').ok).toBe(false);
    expect(checkValue('DateTime', '2024-05-01T10:00:00', { assumeUtc: true })).toEqual({
      ok: true,
      value: '2024-05-01T10:00:00.000Z',
    });
    expect(checkValue('DateTime', '2024-05-01T12:00:00+02:00')).toEqual({
      ok: true,
      value: '2024-05-01T10:00:00.000Z',
    });
  });

  it('checks a row: unknown columns, nullability, first column at fault', () => {
    const columns = [
      { name: 'a', dataType: 'String', nullable: false },
      { name: 'b', dataType: 'Decimal' },
    ] as const;
    expect(checkRow(columns, { a: 'x' })).toEqual({ ok: true, row: { a: 'x', b: null } });
    expect(checkRow(columns, { b: 1 })).toMatchObject({ ok: false, column: 'a' });
    expect(checkRow(columns, { a: 'x', c: 1 })).toMatchObject({ ok: false, column: 'c' });
    expect(checkRow(columns, { a: 'x', b: 1.23456 })).toMatchObject({ ok: false, column: 'b' });
    // Keys in the columns' order, in another order, with one more key left undefined: the same answers.
    expect(checkRow(columns, { a: 'x', b: 2 })).toEqual({ ok: true, row: { a: 'x', b: 2 } });
    expect(checkRow(columns, { b: 2, a: 'x' })).toEqual({ ok: true, row: { a: 'x', b: 2 } });
    expect(checkRow(columns, { a: 'x', b: 2, c: undefined })).toEqual({ ok: true, row: { a: 'x', b: 2 } });
    expect(checkRow(columns, { a: 'x', c: 2 })).toMatchObject({ ok: false, column: 'c' });
  });

  it('the encoder accepts every value checkValue let through, in the same form', () => {
    const schema = defineDataset({
      name: 'd',
      tables: { T: { columns: { amount: 'Decimal', at: 'DateTime', n: 'Int64' } } },
    });
    const table = schema.tablesByName.get('T');
    if (!table) throw new Error('no table');
    const values = [Decimal.parse('99999999999999999999.1234'), 123.456789, '0099-06-15', 2n ** 60n] as const;
    const amount = checkValue('Decimal', values[0]);
    const rounded = checkValue('Decimal', values[1], { decimalRounding: 'half-even' });
    const at = checkValue('DateTime', values[2]);
    const n = checkValue('Int64', values[3]);
    if (!amount.ok || !rounded.ok || !at.ok || !n.ok) throw new Error('refused');
    expect(encodeRow(table, { amount: amount.value, at: at.value, n: n.value }, 0)).toBe(
      '{"amount":99999999999999999999.1234,"at":"0099-06-15T00:00:00.000Z","n":1152921504606846976}',
    );
    expect(encodeRow(table, { amount: rounded.value, at: at.value, n: 1 }, 0)).toBe(
      '{"amount":123.4568,"at":"0099-06-15T00:00:00.000Z","n":1}',
    );
  });
});
