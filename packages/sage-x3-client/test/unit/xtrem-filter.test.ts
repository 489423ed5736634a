import { describe, expect, it } from 'vitest';
import { X3FilterError, formatXtremFilter } from '../../src/index.js';

describe('Xtrem filter strings', () => {
  it('writes unquoted keys and single-quoted, escaped strings', () => {
    expect(formatXtremFilter({ _updateStamp: { _gte: '2024-01-01T00:00:00Z', _lt: "x'y\\z" } })).toBe(
      "{_updateStamp: {_gte: '2024-01-01T00:00:00Z', _lt: 'x\\'y\\\\z'}}",
    );
    expect(formatXtremFilter({ _updateStamp: 1, _id: -1 })).toBe('{_updateStamp: 1, _id: -1}');
    expect(formatXtremFilter({ code: { _in: ['A', 'B'] }, isActive: true, x: null })).toBe(
      "{code: {_in: ['A', 'B']}, isActive: true, x: null}",
    );
  });

  it('refuses keys that are not identifiers', () => {
    expect(() => formatXtremFilter({ "a'b": 1 })).toThrow(X3FilterError);
    expect(() => formatXtremFilter({ a: Number.POSITIVE_INFINITY })).toThrow(X3FilterError);
  });
});
