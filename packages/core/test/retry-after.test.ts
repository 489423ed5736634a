import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../src/index.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('3', { now })).toBe(3000);
    expect(parseRetryAfter(' 0 ', { now })).toBe(0);
    expect(parseRetryAfter('1.5', { now })).toBe(1500);
  });

  it('reads an HTTP-date relative to now', () => {
    expect(parseRetryAfter('Wed, 01 May 2024 12:00:10 GMT', { now })).toBe(10_000);
  });

  it('never returns a negative delay for a date in the past', () => {
    expect(parseRetryAfter('Wed, 01 May 2024 11:00:00 GMT', { now })).toBe(0);
  });

  it('caps long waits', () => {
    expect(parseRetryAfter('3600', { now, maxMs: 60_000 })).toBe(60_000);
    expect(parseRetryAfter('Thu, 02 May 2024 12:00:00 GMT', { now })).toBe(120_000);
  });

  it('ignores garbage and absence', () => {
    for (const value of [null, undefined, '', 'soon', '-5', '1e3', '12abc', '5 seconds']) {
      expect(parseRetryAfter(value, { now })).toBeUndefined();
    }
  });
});
