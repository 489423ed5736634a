import { describe, expect, it } from 'vitest';
import {
  X3FilterError,
  buildRestDetailsUrl,
  buildRestQueryUrl,
  formatSDataLiteral,
  sdata,
  sdataDate,
  sdataDateTime,
  sdataWhere,
} from '../../src/index.js';

describe('SData literals', () => {
  it('quotes strings and doubles embedded quotes', () => {
    expect(formatSDataLiteral("O'Neil")).toBe("'O''Neil'");
    expect(formatSDataLiteral("' or 1 eq 1 or '")).toBe("''' or 1 eq 1 or '''");
  });

  it('formats datetimes as @…Z@ and dates as @YYYY-MM-DD@', () => {
    expect(formatSDataLiteral(new Date('2024-03-01T10:20:30Z'))).toBe('@2024-03-01T10:20:30Z@');
    expect(formatSDataLiteral(new Date('2024-03-01T10:20:30.120Z'))).toBe('@2024-03-01T10:20:30.120Z@');
    expect(formatSDataLiteral(sdataDate('2024-02-29'))).toBe('@2024-02-29@');
    expect(formatSDataLiteral(sdataDateTime('2024-03-01T12:00:00+02:00'))).toBe('@2024-03-01T10:00:00Z@');
    // A UTC stamp read from X3 is sent as written, so `eq` compares it with itself.
    expect(formatSDataLiteral(sdataDateTime('2024-03-01T10:00:00.000Z'))).toBe('@2024-03-01T10:00:00.000Z@');
  });

  it('refuses values it cannot send safely', () => {
    expect(() => sdataDate('2024-13-01')).toThrow(X3FilterError);
    expect(() => sdataDateTime('2024-03-01T10:00:00')).toThrow(/zone/);
    expect(() => formatSDataLiteral(Number.NaN)).toThrow(X3FilterError);
    expect(() => formatSDataLiteral(1e21)).toThrow(/exponent/);
    expect(formatSDataLiteral(-12.5)).toBe('-12.5');
    expect(formatSDataLiteral(true)).toBe('true');
  });
});

describe('sdata where builder', () => {
  it('parenthesises every combination', () => {
    const w = sdata.and(
      sdata.eq('BPSNUM', "A'B"),
      sdata.or(sdata.ge('UPDDATTIM', new Date('2024-01-01T00:00:00Z')), sdata.in('CUR', ['EUR', 'USD'])),
      undefined,
      false,
    );
    expect(w.text).toBe(
      "(BPSNUM eq 'A''B') and ((UPDDATTIM ge @2024-01-01T00:00:00Z@) or (CUR in ('EUR', 'USD')))",
    );
    expect(sdata.between('AMT', 1, 2).text).toBe('AMT between 1 and 2');
    expect(sdata.like('BPSNAM', '%Acme%').text).toBe("BPSNAM like '%Acme%'");
  });

  it('rejects field names that are not X3 property names (names are code, not data)', () => {
    expect(() => sdata.eq("BPSNUM eq 'x' or 1", 'a')).toThrow(X3FilterError);
    try {
      sdata.eq('A B', 1);
    } catch (error) {
      expect((error as X3FilterError).field).toBe('A B');
    }
    expect(() => sdata.in('CUR', [])).toThrow(/at least one/);
    expect(() => sdata.and()).toThrow(X3FilterError);
  });

  it('tagged template formats every interpolation as a literal', () => {
    const name = "x' or BPSNUM ne '";
    expect(sdataWhere`left(BPSNAM,4) eq ${name}`.text).toBe("left(BPSNAM,4) eq 'x'' or BPSNUM ne '''");
  });
});

describe('REST URLs', () => {
  const location = {
    baseUrl: 'https://x3.example.com:8124/',
    endpoint: 'SEED',
    className: 'BPSUPPLIER',
    representation: 'BPSUPPLIER',
  };

  it('builds $query URLs with a controlled encoding', () => {
    const url = buildRestQueryUrl(location, {
      count: 50,
      where: sdata.and(sdata.eq('BPSNUM', "O'N&x"), sdata.ge('UPDDATTIM', new Date('2024-01-01T00:00:00Z'))),
      orderBy: [{ field: 'UPDDATTIM' }, { field: 'BPSNUM', direction: 'desc' }],
    });
    expect(url).toBe(
      'https://x3.example.com:8124/api1/x3/erp/SEED/BPSUPPLIER?representation=BPSUPPLIER.$query&count=50' +
        '&where=(BPSNUM%20eq%20%27O%27%27N%26x%27)%20and%20(UPDDATTIM%20ge%20@2024-01-01T00:00:00Z@)' +
        '&orderBy=UPDDATTIM%20asc,BPSNUM%20desc',
    );
    // fetch's URL parser leaves it untouched (what we build is what goes on the wire).
    expect(new URL(url).href).toBe(url);
    expect(new URL(url).searchParams.get('where')).toBe(
      "(BPSNUM eq 'O''N&x') and (UPDDATTIM ge @2024-01-01T00:00:00Z@)",
    );
  });

  it('builds $details URLs with composite keys joined by ~', () => {
    expect(
      buildRestDetailsUrl({ ...location, className: 'GACCOUNT', representation: 'GACCOUNT' }, [
        'PCG',
        '1000',
      ]),
    ).toBe(
      "https://x3.example.com:8124/api1/x3/erp/SEED/GACCOUNT('PCG~1000')?representation=GACCOUNT.$details",
    );
  });

  it('refuses endpoint or class names that would change the path', () => {
    expect(() => buildRestQueryUrl({ ...location, endpoint: '../admin' })).toThrow(/endpoint/);
    expect(() => buildRestQueryUrl({ ...location, className: 'A/B' })).toThrow(/class/);
  });
});
