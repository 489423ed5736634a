// The checks every StateStore makes, written once: the memory, SQLite and PostgreSQL stores call them, and a
// custom store should too. Each throws the StateStoreError the contract names (docs/state-store-contract.md) and
// changes nothing; calling them in the order of §errors.precedence is the caller's part: found → fence → open →
// cursor → dead-letter id.
import { compareCursors, type StreamCursor } from '../cursor/stream-cursor.js';
import { StateStoreError } from '../state-store/state-store-error.js';
import type { BatchStatus, Fence } from '../state-store/types.js';

/**
 * Throws `STORE_STALE_FENCE` unless `fence` may write `stream` (§fence): its name is the stream and its token is
 * the token of `current`, the lease of that name as stored — `undefined` when there is none or it was released.
 * `current.token` must be the newest token ever issued for the name.
 */
export function assertFence(fence: Fence, stream: string, current: { token: number } | undefined): void {
  if (fence.name !== stream || current === undefined || current.token !== fence.token) {
    throw new StateStoreError({
      code: 'STORE_STALE_FENCE',
      message: `stale fencing token ${fence.token} for ${fence.name} (stream ${stream})`,
    });
  }
}

/** Throws `STORE_INVALID_ARGUMENT` unless a new intent is `open` (§batch.begin). */
export function assertIntentOpen(intent: { batchId: string; status: BatchStatus }): void {
  if (intent.status !== 'open') {
    throw new StateStoreError({
      code: 'STORE_INVALID_ARGUMENT',
      message: `batch ${intent.batchId}: intent must be open`,
    });
  }
}

/** Throws `STORE_BATCH_EXISTS` when a batch with this id exists, in any status (§batch.begin). */
export function assertBatchAbsent(batchId: string, exists: boolean): void {
  if (exists)
    throw new StateStoreError({ code: 'STORE_BATCH_EXISTS', message: `batch ${batchId} already exists` });
}

/** Returns the batch, or throws `STORE_BATCH_NOT_FOUND` (checked before the fence: §errors.precedence). */
export function assertBatchFound<B>(batchId: string, batch: B | undefined | null): B {
  if (batch === undefined || batch === null)
    throw new StateStoreError({ code: 'STORE_BATCH_NOT_FOUND', message: `batch ${batchId} not found` });
  return batch;
}

/** Throws `STORE_BATCH_NOT_OPEN` for a settled batch (checked after the fence: §batch.settled). */
export function assertBatchOpen(batchId: string, status: BatchStatus): void {
  if (status !== 'open')
    throw new StateStoreError({ code: 'STORE_BATCH_NOT_OPEN', message: `batch ${batchId} is ${status}` });
}

/**
 * Throws `STORE_CURSOR_BACKWARDS` when `next` (the batch's cursor) is behind `current` (the stored one); no
 * cursor on either side is never backwards (§cursor.order).
 */
export function assertCursorForward(
  batchId: string,
  stream: string,
  next: StreamCursor | undefined,
  current: StreamCursor | undefined,
): void {
  if (next && current && compareCursors(next, current) < 0) {
    throw new StateStoreError({
      code: 'STORE_CURSOR_BACKWARDS',
      message: `batch ${batchId}: cursor would move backwards for stream ${stream}`,
    });
  }
}

/** Throws `STORE_INVALID_ARGUMENT` when `failBatch`'s dead-letter id exists (§batch.fail). */
export function assertDeadLetterAbsent(deadLetterId: string, exists: boolean): void {
  if (exists)
    throw new StateStoreError({
      code: 'STORE_INVALID_ARGUMENT',
      message: `dead letter ${deadLetterId} exists`,
    });
}

/** The `STORE_LEASE_LOST` error of a renewal of a lease that is no longer current (§lease.renew). */
export function leaseLost(name: string): StateStoreError {
  return new StateStoreError({ code: 'STORE_LEASE_LOST', message: `lease ${name} is no longer held` });
}
