import { compareStamps } from './stamp.js';

/**
 * Where a stream has got to: the update stamp exactly as the source returned it, and the key of the last record
 * at that stamp. A run reads `stamp >= cursor.stamp`; records at or below the pair are recognised by the ledger.
 */
export interface StreamCursor {
  /** Raw update stamp as the source returned it. */
  stamp: string;
  /** Record key (ties within one stamp are ordered by key). */
  key: string;
}

/** Orders cursors by stamp ({@link compareStamps}), then key by UTF-16 code units. */
export function compareCursors(a: StreamCursor, b: StreamCursor): number {
  const byStamp = compareStamps(a.stamp, b.stamp);
  if (byStamp !== 0) return byStamp;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
