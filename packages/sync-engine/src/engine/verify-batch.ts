import { type RunScope, step } from './engine-context.js';

/** What a verification concluded. */
export type VerifyDecision =
  | { decision: 'commit'; counted: number }
  | { decision: 'resend'; counted: 0 }
  | { decision: 'quarantine'; counted: number }
  | { decision: 'pending'; counted: number }
  | { decision: 'unsupported' };

/**
 * Counts the rows carrying `_batch = batchId` until the answer can be trusted (architecture: the exactly-once
 * protocol, step 4):
 * - a full count commits at once (rows never disappear);
 * - a lower count is trusted only after `settleMs` since the POST and two equal reads `recheckMs` apart,
 *   because push ingestion is not synchronous [inferred] powerbi.md executeQueries; then 0 → resend,
 *   anything else → quarantine (whether one POST is all-or-nothing is not documented, so we never guess);
 * - a count above the batch size quarantines;
 * - after `maxReads` without a trusted answer the intent stays open (`pending`).
 */
export async function verifyBatch(
  scope: RunScope,
  request: { table: string; batchId: string; expected: number; postedAt: number },
): Promise<VerifyDecision> {
  const { ctx, stream, signal } = scope;
  const { settleMs, recheckMs, maxReads } = stream.verification;
  let previous: number | undefined;
  for (let read = 0; read < maxReads; read++) {
    const sincepost = ctx.clock.now() - request.postedAt;
    if (previous === undefined && sincepost < settleMs) await ctx.clock.sleep(settleMs - sincepost, signal);
    await step(scope, 'verify-count', request.batchId);
    const counted = await stream.sink.countBatch({ table: request.table, batchId: request.batchId, signal });
    if (counted === 'unsupported') return { decision: 'unsupported' };
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
  return { decision: 'pending', counted: previous ?? -1 };
}
