import {
  assertBatchFound,
  assertCursorForward,
  assertFence,
  compareCursors,
  compareKeys,
  cursorSortKey,
  decodeLedgerKey,
  encodeLedgerKey,
} from '@mlc/sync-engine/store-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStateStoreError, type StreamCursor } from '../src/index.js';

const sign = (n: number) => Math.sign(n);
const bytes = (s: string) => Buffer.from(s, 'utf8');

const stamps = [
  '2024-01-01T10:00:00Z',
  '2024-01-01T11:00:00+01:00', // the same instant, another spelling
  '2024-01-01T10:00:00.000Z',
  '2024-01-01T10:00:00.0001Z', // beyond the millisecond
  '2024-01-01T10:00:00.000999Z',
  '2024-01-01T05:00:00-06:00', // a later instant whose text sorts lower
  '1969-12-31T23:59:59.999Z', // before the epoch
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999999999Z',
  'not a stamp',
  'not a stamp\u0000x',
  'not a stamp\u0000',
  '',
  '😀',
  '\uFFFD',
];
const keys = ['', 'a', 'a\u0000', 'a\u0000\u0001', 'b', 'é', '\uE000', '\uFFFD', '😀', 'a😀', 'a\uFFFD'];

describe('store-kit: cursorSortKey', () => {
  it('orders like compareCursors, in UTF-16, code points and UTF-8 bytes, for every pair of a tricky set', () => {
    const cursors: StreamCursor[] = stamps.flatMap((stamp) => keys.map((key) => ({ stamp, key })));
    for (const a of cursors) {
      for (const b of cursors) {
        const expected = sign(compareCursors(a, b));
        const ka = cursorSortKey(a);
        const kb = cursorSortKey(b);
        const what = `${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
        expect(sign(compareKeys(ka, kb)), `UTF-16: ${what}`).toBe(expected);
        expect(sign(Buffer.compare(bytes(ka), bytes(kb))), `UTF-8: ${what}`).toBe(expected);
      }
    }
  });

  it('orders like compareCursors for arbitrary strings (property)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 8 });
    const stamp = fc.oneof(
      text,
      fc
        .date({
          min: new Date('1900-01-01T00:00:00Z'),
          max: new Date('2200-01-01T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString()),
    );
    const cursor = fc.record({ stamp, key: text });
    fc.assert(
      fc.property(cursor, cursor, (a, b) => {
        const expected = sign(compareCursors(a, b));
        const ka = cursorSortKey(a);
        const kb = cursorSortKey(b);
        return (
          sign(compareKeys(ka, kb)) === expected && sign(Buffer.compare(bytes(ka), bytes(kb))) === expected
        );
      }),
      { numRuns: 2000 },
    );
  });
});

describe('store-kit: keys', () => {
  it('encodeLedgerKey keeps UTF-16 order in UTF-8 byte order and round-trips', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 6 }),
        fc.string({ unit: 'grapheme', maxLength: 6 }),
        (a, b) => {
          const ea = encodeLedgerKey(a);
          const eb = encodeLedgerKey(b);
          return (
            decodeLedgerKey(ea) === a &&
            sign(Buffer.compare(bytes(ea), bytes(eb))) === sign(compareKeys(a, b))
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('store-kit: invariant checks', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return isStateStoreError(error) ? error.code : 'other';
    }
    return 'none';
  };

  it('assertFence accepts only the current, unreleased token of the same stream', () => {
    expect(code(() => assertFence({ name: 's', token: 3 }, 's', { token: 3 }))).toBe('none');
    expect(code(() => assertFence({ name: 's', token: 2 }, 's', { token: 3 }))).toBe('STORE_STALE_FENCE');
    expect(code(() => assertFence({ name: 's', token: 3 }, 's', undefined))).toBe('STORE_STALE_FENCE');
    expect(code(() => assertFence({ name: 'o', token: 3 }, 's', { token: 3 }))).toBe('STORE_STALE_FENCE');
  });

  it('assertCursorForward refuses only a cursor behind the stored one', () => {
    const at = (stamp: string, key = 'k') => ({ stamp, key });
    expect(
      code(() => assertCursorForward('b', 's', at('2024-01-01T00:00:00Z'), at('2024-01-02T00:00:00Z'))),
    ).toBe('STORE_CURSOR_BACKWARDS');
    expect(
      code(() => assertCursorForward('b', 's', at('2024-01-02T00:00:00Z'), at('2024-01-02T00:00:00Z'))),
    ).toBe('none');
    expect(code(() => assertCursorForward('b', 's', undefined, at('2024-01-02T00:00:00Z')))).toBe('none');
    expect(code(() => assertCursorForward('b', 's', at('2020-01-01T00:00:00Z'), undefined))).toBe('none');
  });

  it('assertBatchFound returns the batch or throws STORE_BATCH_NOT_FOUND', () => {
    expect(assertBatchFound('b', { stream: 's' })).toEqual({ stream: 's' });
    expect(code(() => assertBatchFound('b', undefined))).toBe('STORE_BATCH_NOT_FOUND');
    expect(code(() => assertBatchFound('b', null))).toBe('STORE_BATCH_NOT_FOUND');
  });
});
