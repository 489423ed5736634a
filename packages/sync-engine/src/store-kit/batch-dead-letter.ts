import type { BatchFailOptions, BatchIntent, DeadLetter } from '../state-store/types.js';

/**
 * The dead letter `failBatch` creates for an open batch (§batch.fail): kind `batch`, status `open`, the batch's
 * rows and ledger writes (copied), `partial` exactly when quarantined.
 */
export function batchDeadLetter(
  batch: Pick<BatchIntent, 'batchId' | 'stream' | 'table' | 'rows' | 'entries'>,
  options: BatchFailOptions,
): DeadLetter {
  return {
    id: options.deadLetterId,
    stream: batch.stream,
    kind: 'batch',
    status: 'open',
    createdAt: options.at,
    reason: options.failure.message,
    batchId: batch.batchId,
    table: batch.table,
    rows: structuredClone(batch.rows),
    entries: structuredClone(batch.entries),
    partial: options.status === 'quarantined',
  };
}
