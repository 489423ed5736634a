import { SyncError } from '../errors/sync-error.js';
import { isSinkSetupLost } from '../sink/sink-setup-lost.js';
import { type RunScope, step } from './engine-context.js';

/** What a verification concluded. */
export type VerifyDecision =
  | { decision: 'commit'; counted: number }
  | { decision: 'resend'; counted: 0 }
  | { decision: 'quarantine'; counted: number }
  | { decision: 'pending'; counted: number }
  | { decision: 'unreadable'; reads: number; error: unknown }
  | { decision: 'unsupported' };

/** Consecutive count reads without an answer before verification gives up for this run. */
export const MAX_UNREADABLE_READS = 5;
/** Longest wait between two count reads that got no answer. */
const MAX_UNREADABLE_BACKOFF_MS = 60_000;

/**
 * Counts the rows carrying `_batch = batchId` until the answer can be trusted (architecture: the exactly-once
 * protocol, step 4):
 * - a full count commits at once (rows never disappear), so one read comes before the settle time;
 * - a lower count is trusted only after `settleMs` since the POST and two equal reads `recheckMs` apart,
 *   because push ingestion is not synchronous [inferred] powerbi.md executeQueries; then 0 → resend,
 *   anything else → quarantine (whether one POST is all-or-nothing is not documented, so we never guess);
 * - a count above the batch size quarantines;
 * - a read that got no count — the sink threw, or returned anything but a non-negative integer — is *unknown*,
 *   never 0: it is retried with a doubling wait from `recheckMs` (at most 60 s) and breaks any agreement between
 *   reads; after {@link MAX_UNREADABLE_READS} such reads in a row (or when `maxReads` runs out on one) the result
 *   is `unreadable` and the caller leaves the intent open with an alert — it never resends;
 * - after `maxReads` without a trusted answer the intent stays open (`pending`).
 */
export async function verifyBatch(
  scope: RunScope,
  request: { table: string; batchId: string; expected: number; postedAt: number },
): Promise<VerifyDecision> {
  const { ctx, stream, signal } = scope;
  const { settleMs, recheckMs, maxReads } = stream.verification;
  let previous: number | undefined;
  let unreadable = 0;
  let lastError: unknown;
  let reads = 0;
  if (ctx.clock.now() - request.postedAt < settleMs) {
    // A full count (or one above the batch size) is conclusive at any time, since rows never disappear: read once
    // before waiting out the settle time. Anything else says nothing yet and is read again after it.
    await step(scope, 'verify-count', request.batchId);
    const early = await readCount(scope, request);
    if (early === 'unsupported') return { decision: 'unsupported' };
    if (typeof early === 'number' && early >= request.expected) {
      const decision = early === request.expected ? 'commit' : 'quarantine';
      ctx.events.emit('batch-verified', {
        stream: stream.name,
        batchId: request.batchId,
        counted: early,
        expected: request.expected,
        decision,
      });
      return { decision, counted: early };
    }
  }
  for (let read = 0; read < maxReads; read++) {
    reads += 1;
    const sincepost = ctx.clock.now() - request.postedAt;
    if (previous === undefined && sincepost < settleMs) await ctx.clock.sleep(settleMs - sincepost, signal);
    await step(scope, 'verify-count', request.batchId);
    const answer = await readCount(scope, request);
    if (answer === 'unsupported') return { decision: 'unsupported' };
    if (typeof answer !== 'number') {
      unreadable += 1;
      lastError = answer.error;
      previous = undefined;
      ctx.logger.warn(
        { stream: stream.name, batchId: request.batchId, err: answer.error, unreadable },
        'batch count unreadable: outcome still unknown, not resending',
      );
      if (unreadable >= MAX_UNREADABLE_READS || read === maxReads - 1) break;
      const backoff = Math.min(recheckMs * 2 ** (unreadable - 1), MAX_UNREADABLE_BACKOFF_MS);
      await ctx.clock.sleep(Math.max(backoff, recheckMs), signal);
      continue;
    }
    unreadable = 0;
    const counted = answer;
    const settled = ctx.clock.now() - request.postedAt >= settleMs;
    let decision: 'commit' | 'resend' | 'quarantine' | 'wait' = 'wait';
    if (counted === request.expected) decision = 'commit';
    else if (counted > request.expected) decision = 'quarantine';
    else if (settled && previous === counted) decision = counted === 0 ? 'resend' : 'quarantine';
    ctx.events.emit('batch-verified', {
      stream: stream.name,
      batchId: request.batchId,
      counted,
      expected: request.expected,
      decision,
    });
    if (decision === 'commit') return { decision, counted };
    if (decision === 'quarantine') return { decision, counted };
    if (decision === 'resend') return { decision, counted: 0 };
    previous = settled ? counted : undefined;
    await ctx.clock.sleep(recheckMs, signal);
  }
  if (unreadable > 0) return { decision: 'unreadable', reads: reads, error: lastError };
  return { decision: 'pending', counted: previous ?? -1 };
}

/**
 * One count read: the sink's count, `'unsupported'`, or `{ error }` when no count was read. Only a non-negative
 * safe integer is a count; an aborted run rethrows.
 */
async function readCount(
  scope: RunScope,
  request: { table: string; batchId: string; expected: number },
): Promise<number | 'unsupported' | { error: unknown }> {
  const { stream, signal } = scope;
  let counted: unknown;
  try {
    counted = await stream.sink.countBatch({ table: request.table, batchId: request.batchId, signal });
  } catch (error) {
    // The dataset is gone: no count will come; the run fails and the sink is set up again.
    if (signal.aborted || isSinkSetupLost(error)) throw error;
    return { error };
  }
  if (counted === 'unsupported') return 'unsupported';
  if (typeof counted === 'number' && Number.isSafeInteger(counted) && counted >= 0) return counted;
  return {
    error: new SyncError({
      code: 'SYNC_COUNT_UNREADABLE',
      kind: 'server',
      stream: stream.name,
      batchId: request.batchId,
      message: `the sink's count for batch ${request.batchId} is not a non-negative integer (${typeof counted})`,
    }),
  };
}
