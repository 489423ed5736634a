import { parseStamp } from '../cursor/stamp.js';
import type { StreamCursor } from '../cursor/stream-cursor.js';
import { encodeLedgerKey } from '../sql-codecs/ledger-key.js';

/** Orders two keys by UTF-16 code units (JavaScript's `<`), the contract's key order (§order.utf16). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Instants are epoch ms within ±8.64e15 (the Date range, plus at most a day of offset): shifted to be positive
// (exactly, in BigInt) and written as fixed-width hex they sort as numbers.
const INSTANT_SHIFT = 9_000_000_000_000_000n;
const INSTANT_WIDTH = 15;

/** Escapes U+0000 so that the terminator `\0\0` sorts below any content (the tuple order survives joining). */
function terminated(text: string): string {
  return `${encodeLedgerKey(text).replaceAll('\u0000', '\u0000\u0001')}\u0000\u0000`;
}

/**
 * A string whose order is the order of `compareCursors` — in UTF-16 code units, in code points and in UTF-8
 * bytes alike — so a key-value store can keep cursors (or cursor-ordered items) in a byte-ordered index (a
 * Redis sorted set with `ZRANGEBYLEX`, a DynamoDB sort key) and compare them there with a compare-and-set.
 * Layout: a parseable stamp's instant and sub-millisecond digits in fixed width, then the raw stamp, then the
 * key; unparseable stamps sort after parseable ones, by raw text, as `compareStamps` does. Equal cursors give
 * equal strings. Not meant to be decoded: store the cursor itself next to it.
 */
export function cursorSortKey(cursor: StreamCursor): string {
  const parsed = parseStamp(cursor.stamp);
  const head = parsed
    ? `0${(BigInt(parsed.epochMs) + INSTANT_SHIFT).toString(16).padStart(INSTANT_WIDTH, '0')}${String(parsed.subMsNanos).padStart(6, '0')}`
    : '1';
  return `${head}${terminated(cursor.stamp)}${encodeLedgerKey(cursor.key)}`;
}
