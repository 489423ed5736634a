import { Decimal, isDecimal } from '@mlc/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  X3_BUILT_IN_ENTITIES,
  X3_EMPTY_DATES,
  defineX3Entity,
  normalizeRecord,
  parseX3Json,
  x3Code,
  x3Date,
  x3Decimal,
  x3Instant,
} from '../../src/index.js';
import { keepExactNumbers } from '@mlc/core';

const order = (overrides: Record<string, unknown>) => ({
  POHNUM: 'PO1',
  CPY: 'FR10',
  POHFCY: 'FR011',
  ORDDAT: '2024-03-01',
  BPSNUM: 'S1',
  CUR: 'EUR',
  CLEFLG: 1,
  TOTORD: 10,
  UPDDATTIM: '2024-03-01T10:00:00Z',
  ...overrides,
});

describe('exact X3 values', () => {
  it('keeps every digit of a long decimal string (Number() posted 12345678901234567000)', () => {
    const parsed = x3Decimal.parse('12345678901234567890.12');
    expect(isDecimal(parsed)).toBe(true);
    expect(String(parsed)).toBe('12345678901234567890.12');
  });

  it('keeps every digit of a long JSON number in an X3 body (the raw text is parsed, not a double)', () => {
    const body =
      '{"$resources":[{"AMT":12345678901234567890.12,"SMALL":120.5,"NAME":"x 12345678901234567890.12"}]}';
    const value = parseX3Json(body, 'http://x3/').value as { $resources: Array<Record<string, unknown>> };
    const [first] = value.$resources;
    expect(first?.AMT).toBe('12345678901234567890.12');
    expect(String(x3Decimal.parse(first?.AMT))).toBe('12345678901234567890.12');
    // Numbers a double holds exactly stay numbers; string contents are never touched.
    expect(first?.SMALL).toBe(120.5);
    expect(first?.NAME).toBe('x 12345678901234567890.12');
  });

  it('leaves bodies without long numbers untouched and quotes only inexact tokens', () => {
    const plain = '{"a":1.5,"b":[1,2,3],"c":"9007199254740993"}';
    expect(keepExactNumbers(plain)).toEqual({ text: plain, quoted: 0 });
    expect(keepExactNumbers('[9007199254740993, 9007199254740992, 1e30, -0.12345678901234567]')).toEqual({
      text: '["9007199254740993", 9007199254740992, 1e30, "-0.12345678901234567"]',
      quoted: 2,
    });
  });

  it('parses x3Date strictly: no roll-over, four-digit years kept', () => {
    expect(x3Date.safeParse('2024-02-30').success).toBe(false);
    expect(x3Date.safeParse('2023-02-29').success).toBe(false);
    expect(x3Date.safeParse('2024-13-01').success).toBe(false);
    expect(x3Date.parse('0099-06-15')).toBe('0099-06-15');
    expect(x3Date.parse('2024-02-29')).toBe('2024-02-29');
    expect(x3Date.parse('2024-02-29T00:00:00Z')).toBe('2024-02-29');
  });

  it('reads the X3 empty-date sentinels as null (one documented policy)', () => {
    expect(X3_EMPTY_DATES).toEqual(['0000-00-00', '1599-12-31', '1753-01-01']);
    for (const empty of [...X3_EMPTY_DATES, '', null, undefined, '1753-01-01T00:00:00Z'])
      expect(x3Date.parse(empty), String(empty)).toBeNull();
  });

  it('quarantines a record with an impossible date with the field and the reason', () => {
    const change = normalizeRecord(
      X3_BUILT_IN_ENTITIES.purchaseOrder,
      'rest',
      order({ ORDDAT: '2024-02-30' }),
    );
    expect(change.ok).toBe(false);
    if (change.ok) return;
    expect(change.error.field).toBe('orderDate');
    expect(change.error.reason).toMatch(/real YYYY-MM-DD date/);
    const empty = normalizeRecord(
      X3_BUILT_IN_ENTITIES.purchaseOrder,
      'rest',
      order({ ORDDAT: '0000-00-00' }),
    );
    expect(empty.ok && empty.record.orderDate).toBeNull();
  });

  it('refuses an impossible update stamp instead of rolling it over (2023-02-29T25:61:61Z)', () => {
    const stock = defineX3Entity({
      name: 'stock',
      schema: z.object({ key: x3Code, updatedAt: x3Instant, qty: x3Decimal }),
      rest: { className: 'S', representation: 'S', keyFields: ['ID'], fields: { qty: 'QTY' } },
    });
    const change = normalizeRecord(stock, 'rest', { ID: 'A', QTY: 1, UPDDATTIM: '2023-02-29T25:61:61Z' });
    expect(change.ok).toBe(false);
    if (!change.ok) expect(change.error.field).toBe('updatedAt');
    const ok = normalizeRecord(stock, 'rest', { ID: 'A', QTY: '1.50', UPDDATTIM: '2024-01-01T00:00:00Z' });
    expect(ok.ok && (ok.record.qty as Decimal).equals(Decimal.parse('1.5') as Decimal)).toBe(true);
  });
});
