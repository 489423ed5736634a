import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, epochDayOf, isCalendarDate, isDecimal, parseStamp } from '../src/index.js';

describe('Decimal', () => {
  it('keeps every digit of a long X3 decimal (Number() would print 12345678901234567000)', () => {
    const d = Decimal.parse('12345678901234567890.12');
    expect(d?.toString()).toBe('12345678901234567890.12');
    expect(d?.unscaled).toBe(1234567890123456789012n);
    expect(d?.scale).toBe(2);
    expect(d?.precision).toBe(22);
    expect(d?.isExactNumber()).toBe(false);
  });

  it('normalises trailing zeros, negative zero and exponents to one text', () => {
    expect(Decimal.parse('10.500')?.toString()).toBe('10.5');
    expect(Decimal.parse('-0.000')?.toString()).toBe('0');
    expect(Decimal.parse('1e30')?.toString()).toBe('1000000000000000000000000000000');
    expect(Decimal.parse('1.5E-3')?.toString()).toBe('0.0015');
    expect(Decimal.parse(' 7 ')?.toString()).toBe('7');
    expect(Decimal.fromNumber(0.1).toString()).toBe('0.1');
    expect(Decimal.fromNumber(-1e-7).toString()).toBe('-0.0000001');
  });

  it('builds from a number exactly as from its text: digits, scale, precision and exactness', () => {
    for (const n of [0, -0, 1, -1, 100, 0.05, -0.05, 1234.56, 2 ** 53, 1e20, 1e21, 1.5e-7, 5e-324, -2.5e22]) {
      const fromNumber = Decimal.fromNumber(n);
      const fromText = Decimal.parse(String(n)) as Decimal;
      expect([fromNumber.unscaled, fromNumber.scale, fromNumber.precision], String(n)).toEqual([
        fromText.unscaled,
        fromText.scale,
        fromText.precision,
      ]);
      expect(fromNumber.toString(), String(n)).toBe(fromText.toString());
      expect(fromNumber.toNumber(), String(n)).toBe(fromText.toNumber());
      // An exponent form (1e+21) is not the plain text: not "exact" in isExactNumber's sense, whichever way built.
      expect(fromNumber.isExactNumber(), String(n)).toBe(fromText.isExactNumber());
    }
    expect(Decimal.fromNumber(1e21).isExactNumber()).toBe(false);
  });

  it('refuses what is not a decimal, and texts needing more than 1,000 digits', () => {
    for (const bad of ['', '1.', '.5', '+1', '1,5', 'NaN', 'Infinity', '0x10', '1e', '1e99999', '--1'])
      expect(Decimal.parse(bad), bad).toBeUndefined();
    expect(() => Decimal.fromNumber(Number.NaN)).toThrow(RangeError);
  });

  it('counts precision as a decimal column does', () => {
    expect(Decimal.parse('123.456789')?.precision).toBe(9);
    expect(Decimal.parse('0.0001')?.precision).toBe(4);
    expect(Decimal.parse('0')?.precision).toBe(0);
    expect(Decimal.parse('1e30')?.precision).toBe(31);
  });

  it('rounds half-even by default, half-up when asked', () => {
    expect(Decimal.parse('123.456789')?.round(4).toString()).toBe('123.4568');
    expect(Decimal.parse('0.00005')?.round(4).toString()).toBe('0');
    expect(Decimal.parse('0.00015')?.round(4).toString()).toBe('0.0002');
    expect(Decimal.parse('0.00005')?.round(4, 'half-up').toString()).toBe('0.0001');
    expect(Decimal.parse('-2.5')?.round(0).toString()).toBe('-2');
    expect(Decimal.parse('-2.5')?.round(0, 'half-up').toString()).toBe('-3');
  });

  it('compares, serialises and brands', () => {
    const a = Decimal.parse('1.10') as Decimal;
    const b = Decimal.parse('1.1') as Decimal;
    expect(a.equals(b)).toBe(true);
    expect(a.compare(Decimal.parse('1.09') as Decimal)).toBe(1);
    expect(JSON.stringify({ a })).toBe('{"a":"1.1"}');
    expect(+a).toBe(1.1);
    expect(isDecimal(a)).toBe(true);
    expect(isDecimal({ unscaled: 1n, scale: 0 })).toBe(false);
  });

  it('round-trips any decimal text exactly (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.nat(30), (unscaled, scale) => {
        const d = Decimal.of(unscaled, scale);
        expect(Decimal.parse(d.toString())?.equals(d)).toBe(true);
      }),
      { seed: 9, numRuns: 300 },
    );
  });
});

/** Any valid instant from year 1 to year 9999, for the property tests of parseStamp. */
const anyDateTime = fc.date({
  min: new Date('0001-01-01T00:00:00Z'),
  max: new Date('9999-12-31T23:59:59Z'),
  noInvalidDate: true,
});

describe('parseStamp (strict)', () => {
  it('never rolls impossible fields over', () => {
    for (const bad of [
      '2024-02-30',
      '2023-02-29T00:00:00Z',
      '2023-02-29T25:61:61Z',
      '2024-13-01',
      '2024-00-10',
      '0000-00-00',
      '2024-01-01T24:00:00Z',
      '2024-01-01T10:00:00+25:00',
      'not a date',
    ])
      expect(parseStamp(bad), bad).toBeUndefined();
  });

  it('keeps four-digit years as written (0099 is the year 99, not 1999)', () => {
    expect(parseStamp('0099-06-15')?.epochMs).toBe(new Date('0099-06-15T00:00:00Z').getTime());
    expect(new Date(parseStamp('0001-01-01T00:00:00Z')?.epochMs ?? 0).toISOString()).toBe(
      '0001-01-01T00:00:00.000Z',
    );
    expect(new Date(parseStamp('9999-12-31T23:59:59.999Z')?.epochMs ?? 0).toISOString()).toBe(
      '9999-12-31T23:59:59.999Z',
    );
  });

  it('reads zone-less stamps as UTC, applies offsets and keeps sub-millisecond digits', () => {
    expect(parseStamp('2024-02-29T12:00:00')?.epochMs).toBe(Date.UTC(2024, 1, 29, 12));
    expect(parseStamp('2024-02-29 12:00:00+02:00')?.epochMs).toBe(Date.UTC(2024, 1, 29, 10));
    expect(parseStamp('2024-02-29T12:00:00.1234567Z')).toEqual({
      epochMs: Date.UTC(2024, 1, 29, 12, 0, 0, 123),
      subMsNanos: 456_700,
    });
  });

  it('reads 1 to 12 fraction digits as milliseconds and nanoseconds, digits past the ninth ignored (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,12}$/), fc.constantFrom('.', ','), (digits, mark) => {
        const nine = digits.padEnd(9, '0').slice(0, 9);
        expect(parseStamp(`2024-02-29T12:00:00${mark}${digits}Z`)).toEqual({
          epochMs: Date.UTC(2024, 1, 29, 12) + Number(nine.slice(0, 3)),
          subMsNanos: Number(nine.slice(3)),
        });
      }),
      { seed: 11, numRuns: 500 },
    );
  });

  it('agrees with Date.parse on every valid date-time (property)', () => {
    fc.assert(
      fc.property(anyDateTime, (date) => {
        expect(parseStamp(date.toISOString())?.epochMs).toBe(date.getTime());
      }),
      { seed: 9, numRuns: 500 },
    );
  });

  it('reads the seconds form X3 sends (YYYY-MM-DDTHH:MM:SSZ) as the general form does (property)', () => {
    fc.assert(
      fc.property(anyDateTime, (date) => {
        const seconds = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
        const parsed = parseStamp(seconds);
        expect(parsed).toEqual(parseStamp(seconds.replace('Z', '+00:00')));
        expect(parsed?.epochMs).toBe(Math.floor(date.getTime() / 1000) * 1000);
      }),
      { seed: 9, numRuns: 500 },
    );
    for (const bad of ['2024-01-01T23:59:60Z', '2024-04-31T00:00:00Z', '2024-01-01T00:60:00Z'])
      expect(parseStamp(bad), bad).toBeUndefined();
    // Lower-case T and Z are not the quick form, and are read as before (the expression ignores case).
    expect(parseStamp('2024-01-01t00:00:00z')?.epochMs).toBe(Date.UTC(2024, 0, 1));
  });
});

describe('calendar dates', () => {
  it('knows leap years and month lengths', () => {
    expect(isCalendarDate(2024, 2, 29)).toBe(true);
    expect(isCalendarDate(1900, 2, 29)).toBe(false);
    expect(isCalendarDate(2000, 2, 29)).toBe(true);
    expect(isCalendarDate(2024, 4, 31)).toBe(false);
    expect(epochDayOf(1970, 1, 1)).toBe(0);
    expect(epochDayOf(2024, 3, 1)).toBe(Date.UTC(2024, 2, 1) / 86_400_000);
  });
});
