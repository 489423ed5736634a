import type { StateStore } from '../state-store/state-store.js';
import type { DeadLetterStatus } from '../state-store/types.js';

/** Totals of one stream as {@link readSyncStatus} reports them; `rowsPosted` is unknown without `streamTotals`. */
export interface StreamTotalsRead {
  /** Dead letters by status. */
  deadLetters: Record<DeadLetterStatus, number>;
  /** Rows committed by `rows` batches, when the store can tell. */
  rowsPosted?: number;
}

const FALLBACK_LIMIT = 100_000;

/** The store's `streamTotals`, or dead-letter counts from `listDeadLetters` when it has none. */
export async function streamTotalsOf(store: StateStore, stream: string): Promise<StreamTotalsRead> {
  if (store.streamTotals) {
    const totals = await store.streamTotals(stream);
    return { deadLetters: totals.deadLetters, rowsPosted: totals.rowsPosted };
  }
  const deadLetters: Record<DeadLetterStatus, number> = { open: 0, replayed: 0, discarded: 0 };
  for (const letter of await store.listDeadLetters({ stream, limit: FALLBACK_LIMIT })) {
    deadLetters[letter.status] += 1;
  }
  return { deadLetters };
}
