import { outcomeOf } from '@mlc/core';
import { SyncError } from '../errors/sync-error.js';
import type { PostResult } from '../sink/sync-sink.js';
import type { BatchIntent } from '../state-store/types.js';
import { abortError, alert, audit, type RunScope, step } from './engine-context.js';
import { handleSinkReport } from './sink-alerts.js';
import { answeredPostOf, answerStamp, takeoverPostedAt } from './takeover-posted-at.js';
import { verifyBatch } from './verify-batch.js';

/** How a rows batch ended. */
export type BatchSettlement = 'committed' | 'quarantined';

/** Most POST attempts of one batch within one run (resends after verified zero counts). */
const MAX_ATTEMPTS = 5;

/**
 * A rows batch whose POST outcome is unknown, left to settle off the critical path: `settled` verifies it (after
 * the settle time) and commits, resends or quarantines it exactly as an inline settlement would. Its intent stays
 * open (durable) until then, so a crash meanwhile is resolved by the next run's verification.
 */
export interface DeferredSettlement {
  /** The settlement in progress. */
  readonly settled: Promise<BatchSettlement>;
}

/** Options of {@link sendRowsBatch} and {@link settleRowsBatch}. */
export interface SettleOptions {
  /**
   * Return a {@link DeferredSettlement} instead of waiting when the outcome is unknown (verification needs the
   * settle time). The caller then owns the promise: it must await it before the run ends.
   */
  defer?: boolean;
}

/** Where a settlement continues after it was deferred (the loop's counters, as they were). */
interface Resume {
  attempts: number;
  attemptsThisRun: number;
  postedAt: number;
  duplicateRisk: boolean;
}

/**
 * Writes the intent (durable before the POST), posts, and settles the batch: commit on `applied`, verify on an
 * unknown outcome, fail on a certain `not-applied`. Architecture: the exactly-once protocol, steps 2–4.
 */
export async function sendRowsBatch(scope: RunScope, intent: BatchIntent): Promise<BatchSettlement>;
export async function sendRowsBatch(
  scope: RunScope,
  intent: BatchIntent,
  options: SettleOptions,
): Promise<BatchSettlement | DeferredSettlement>;
export async function sendRowsBatch(
  scope: RunScope,
  intent: BatchIntent,
  options: SettleOptions = {},
): Promise<BatchSettlement | DeferredSettlement> {
  const { ctx, lease } = scope;
  await ctx.store.beginBatch(intent, lease);
  await step(scope, 'intent-written', intent.batchId);
  return settleRowsBatch(scope, intent, { posted: false, ...options });
}

/**
 * Settles a rows intent. `posted: true` means a POST may already have happened (an intent found open at start,
 * or after a crash), so the first action is verification, never a resend.
 */
export function settleRowsBatch(
  scope: RunScope,
  intent: BatchIntent,
  options: { posted: boolean },
): Promise<BatchSettlement>;
export function settleRowsBatch(
  scope: RunScope,
  intent: BatchIntent,
  options: { posted: boolean } & SettleOptions,
): Promise<BatchSettlement | DeferredSettlement>;
export function settleRowsBatch(
  scope: RunScope,
  intent: BatchIntent,
  options: { posted: boolean } & SettleOptions,
): Promise<BatchSettlement | DeferredSettlement> {
  return scope.ctx.telemetry.span(
    'mlc.sync.batch',
    {
      'mlc.sync.stream': scope.stream.name,
      'mlc.sync.batch_id': intent.batchId,
      'mlc.sync.rows': intent.rowCount,
      'mlc.sync.resumed': options.posted,
    },
    () => settle(scope, intent, options),
  );
}

/** The settlement loop's counters, carried from one POST or verification to the next. */
interface SettleState extends Resume {
  /** Whether the next step verifies (a POST may have landed) rather than posts. */
  mustVerify: boolean;
}

/**
 * The settlement loop: post while nothing may have landed, verify once something may have, until the batch is
 * committed, failed, quarantined, deferred or left open.
 */
async function settle(
  scope: RunScope,
  intent: BatchIntent,
  options: { posted: boolean; defer?: boolean; resume?: Resume },
): Promise<BatchSettlement | DeferredSettlement> {
  const state = initialSettleState(scope, intent, options);
  for (;;) {
    const done = state.mustVerify
      ? await verifyStep(scope, intent, state)
      : await postStep(scope, intent, state, options.defer === true);
    if (done !== undefined) return done;
  }
}

/** Where a settlement starts: the resumed counters, or the intent's (a takeover's `postedAt` moved on). */
function initialSettleState(
  scope: RunScope,
  intent: BatchIntent,
  options: { posted: boolean; resume?: Resume },
): SettleState {
  const { resume } = options;
  // `attempts` is the batch's lifetime count (stored, audited); the cap applies per run, so a batch that could
  // not land today is tried again on the next run instead of being stuck forever.
  const attempts = resume?.attempts ?? intent.attempts;
  const attemptsThisRun = resume?.attemptsThisRun ?? 0;
  let postedAt = resume?.postedAt ?? intent.postedAt ?? intent.createdAt;
  if (options.posted && !resume)
    postedAt = takeoverPostedAt(scope, intent.batchId, postedAt, answeredPostOf(intent));
  const mustVerify = options.posted || resume !== undefined;
  const duplicateRisk = resume?.duplicateRisk ?? false;
  return { attempts, attemptsThisRun, postedAt, duplicateRisk, mustVerify };
}

/**
 * One POST of the batch (the attempt recorded durably first). Returns how the batch ended, a deferred settlement,
 * or undefined to go on: after a long throttle (post again) or an unknown outcome (verify next).
 */
async function postStep(
  scope: RunScope,
  intent: BatchIntent,
  state: SettleState,
  defer: boolean,
): Promise<BatchSettlement | DeferredSettlement | undefined> {
  const { ctx, lease } = scope;
  if (state.attemptsThisRun >= MAX_ATTEMPTS) {
    throw leftOpen(
      scope,
      intent,
      `still not landed after ${state.attemptsThisRun} attempts in this run; left open for the next run`,
    );
  }
  state.postedAt = ctx.clock.now();
  state.attempts += 1;
  state.attemptsThisRun += 1;
  // Durable before the POST: a crash from here on is resolved by verification.
  await ctx.store.updateBatch(intent.batchId, { postedAt: state.postedAt, attempts: state.attempts }, lease);
  const result = await post(scope, intent);
  if (result.outcome === 'applied') {
    return commitRows(scope, intent, { verified: false, duplicateRisk: state.duplicateRisk });
  }
  if (result.outcome === 'not-applied' && result.retryAfterMs !== undefined) {
    // A long throttle: nothing landed, so the intent stays valid; wait, then post the same rows again. Never a
    // dead letter, never a failed attempt.
    await parkForThrottle(scope, intent.batchId, result.retryAfterMs);
    state.attemptsThisRun -= 1;
    return undefined;
  }
  if (result.outcome === 'not-applied') return failRows(scope, intent, result.error);
  // The answer came back: this POST is no longer in flight, so a takeover need not wait a request timeout, and one
  // on this machine may count the settle time from this answer (takeover-posted-at.ts).
  await ctx.store.updateBatch(
    intent.batchId,
    { ...answerStamp(ctx.clock), answeredAttempt: state.attempts },
    lease,
  );
  state.mustVerify = true;
  if (defer) {
    // Only this batch waits for the settle time; the caller goes on with the next, independent ones.
    const { attempts, attemptsThisRun, postedAt, duplicateRisk } = state;
    const rest = { attempts, attemptsThisRun, postedAt, duplicateRisk };
    return { settled: settle(scope, intent, { posted: true, resume: rest }) as Promise<BatchSettlement> };
  }
  return undefined;
}

/**
 * One verification of the batch by its row count. Returns how the batch ended, or undefined to post again
 * (counted zero twice after the settle time, or unverifiable under the `resend` policy).
 */
async function verifyStep(
  scope: RunScope,
  intent: BatchIntent,
  state: SettleState,
): Promise<BatchSettlement | undefined> {
  const { ctx, stream } = scope;
  const verdict = await verifyBatch(scope, {
    table: intent.table,
    batchId: intent.batchId,
    expected: intent.rowCount,
    postedAt: state.postedAt,
  });
  switch (verdict.decision) {
    case 'commit':
      return commitVerified(scope, intent, verdict.counted, state.duplicateRisk);
    case 'resend':
      await audit(ctx, {
        type: 'batch-resent',
        stream: stream.name,
        batchId: intent.batchId,
        message: `counted 0 of ${intent.rowCount} rows twice after the settle time: resending the same rows`,
        data: { expected: intent.rowCount, attempts: state.attempts },
      });
      state.mustVerify = false;
      return undefined;
    case 'quarantine':
      return quarantineRows(scope, intent, verdict.counted);
    case 'pending':
      throw leftOpen(scope, intent, 'row count not settled; intent left open for the next run');
    case 'unreadable':
      return countUnreadable(scope, intent, verdict);
    case 'unsupported': {
      const outcome = await unverifiable(scope, intent, state.attemptsThisRun, state.duplicateRisk);
      if (outcome !== 'resend') return outcome;
      state.duplicateRisk = true;
      state.mustVerify = false;
      return undefined;
    }
  }
}

/** The `SYNC_VERIFICATION_PENDING` error of a batch whose intent stays open for the next run. */
function leftOpen(scope: RunScope, intent: BatchIntent, why: string): SyncError {
  return new SyncError({
    code: 'SYNC_VERIFICATION_PENDING',
    kind: 'transient',
    retryable: true,
    stream: scope.stream.name,
    batchId: intent.batchId,
    message: `batch ${intent.batchId}: ${why}`,
  });
}

/** Commits a batch its row count proved landed (audited `batch-verified`). */
async function commitVerified(
  scope: RunScope,
  intent: BatchIntent,
  counted: number,
  duplicateRisk: boolean,
): Promise<BatchSettlement> {
  await audit(scope.ctx, {
    type: 'batch-verified',
    stream: scope.stream.name,
    batchId: intent.batchId,
    message: `counted ${counted} of ${intent.rowCount} rows: commit`,
    data: { counted, expected: intent.rowCount },
  });
  return commitRows(scope, intent, { verified: true, duplicateRisk });
}

/**
 * No count could be read: the outcome is unknown, so the rows are never resent on it. Audited, then the run fails
 * with `SYNC_COUNT_UNREADABLE` and the intent stays open. No alert here: the run's failure is alerted once (with
 * its batch id).
 */
async function countUnreadable(
  scope: RunScope,
  intent: BatchIntent,
  verdict: { reads: number; error: unknown },
): Promise<never> {
  const reason = verdict.error instanceof Error ? verdict.error.message : String(verdict.error);
  await audit(scope.ctx, {
    type: 'verification-unreadable',
    stream: scope.stream.name,
    batchId: intent.batchId,
    message: `no count could be read after ${verdict.reads} reads (${reason}); intent left open, nothing resent`,
    data: { reads: verdict.reads, expected: intent.rowCount },
  });
  throw new SyncError({
    code: 'SYNC_COUNT_UNREADABLE',
    kind: 'transient',
    retryable: true,
    stream: scope.stream.name,
    batchId: intent.batchId,
    message: `batch ${intent.batchId}: the sink's row count could not be read (${reason}); outcome unknown, nothing resent, intent left open for the next run`,
    cause: verdict.error,
  });
}

/**
 * The outcome is unknown and the sink cannot count rows: the stream's `whenUnsupported` policy decides. `halt`
 * fails the run (intent left open; no alert here: the run's failure is alerted once per change of state), `skip`
 * commits unverified with an alert (keeping `duplicateRisk`), `resend` audits the duplicate risk and asks the caller to post again
 * (`'resend'`), unless the run already used its attempts: then it commits, unverified.
 */
async function unverifiable(
  scope: RunScope,
  intent: BatchIntent,
  attemptsThisRun: number,
  duplicateRisk: boolean,
): Promise<BatchSettlement | 'resend'> {
  const { ctx, stream } = scope;
  const policy = stream.verification.whenUnsupported;
  if (policy === 'halt') {
    await audit(ctx, {
      type: 'verification-unavailable',
      stream: stream.name,
      batchId: intent.batchId,
      message: 'outcome unknown and the sink cannot count rows; policy halt: intent left open',
    });
    throw new SyncError({
      code: 'SYNC_VERIFICATION_UNAVAILABLE',
      stream: stream.name,
      batchId: intent.batchId,
      message: `batch ${intent.batchId}: outcome unknown and the sink cannot count rows (policy halt)`,
    });
  }
  if (policy === 'skip') {
    await audit(ctx, {
      type: 'skipped-unverified',
      stream: stream.name,
      batchId: intent.batchId,
      message:
        'outcome unknown and unverifiable; policy skip: committed without resending (rows may be missing)',
      data: { expected: intent.rowCount },
    });
    alert(ctx, {
      code: 'SYNC_SKIPPED_UNVERIFIED',
      message: `batch ${intent.batchId}: committed unverified; up to ${intent.rowCount} rows may be missing`,
      stream: stream.name,
      batchId: intent.batchId,
    });
    return commitRows(scope, intent, { verified: false, duplicateRisk });
  }
  await audit(ctx, {
    type: 'duplicate-risk',
    stream: stream.name,
    batchId: intent.batchId,
    message: 'outcome unknown and unverifiable; policy resend: resending (rows may be duplicated)',
    data: { expected: intent.rowCount },
  });
  // A resend that also ends unknown must not loop on verification: post once more at most.
  if (attemptsThisRun >= MAX_ATTEMPTS)
    return commitRows(scope, intent, { verified: false, duplicateRisk: true });
  return 'resend';
}

/**
 * Parks the stream for a sink throttle beyond the client's in-request cap: says so at once (`throttled` with the
 * resume time, audit, log), then waits until then — the lease heartbeat keeps the stream meanwhile; a stop aborts
 * the wait and leaves the intent open (the next run verifies it: nothing was posted).
 */
export async function parkForThrottle(scope: RunScope, batchId: string, retryAfterMs: number): Promise<void> {
  const { ctx, stream, signal } = scope;
  const resumeAt = ctx.clock.now() + retryAfterMs;
  const resumeIso = new Date(resumeAt).toISOString();
  ctx.events.emit('throttled', { stream: stream.name, ms: retryAfterMs, resumeAt });
  ctx.logger.warn(
    { stream: stream.name, batchId, retryAfterMs, resumeAt: resumeIso },
    `stream ${stream.name} throttled by the sink: parked until ${resumeIso}`,
  );
  await audit(ctx, {
    type: 'throttled',
    stream: stream.name,
    batchId,
    message: `sink throttled for ${Math.round(retryAfterMs / 1000)} s: stream parked until ${resumeIso}, the batch is posted again then`,
    data: { retryAfterMs, resumeAt },
  });
  scope.stats.throttledMs += retryAfterMs;
  ctx.telemetry.throttled(stream.name, retryAfterMs);
  await ctx.clock.sleep(retryAfterMs, signal);
}

async function post(scope: RunScope, intent: BatchIntent): Promise<PostResult> {
  const { ctx, stream, signal } = scope;
  await step(scope, 'before-post', intent.batchId);
  let result: PostResult;
  try {
    result = await stream.sink.post({
      table: intent.table,
      rows: intent.rows,
      batchId: intent.batchId,
      signal,
      // Fencing: every HTTP request carrying rows first checks that this worker still holds the lease.
      beforeSend: scope.fence,
    });
  } catch (error) {
    // A throw after the request may have left is as good as a timeout (outcome unknown), unless the error knows
    // better: core's one answer.
    if (signal.aborted) throw error;
    result = { outcome: outcomeOf(error), error };
  }
  // Aborted (stop timeout, or the lease lost — a refused fence check aborts too): whatever the sink says, the
  // intent stays open and the next holder verifies it. A client may report an aborted request as not applied, but
  // failing the batch for a stop would be wrong.
  if (signal.aborted && result.outcome !== 'applied') throw abortError(signal);
  if (result.throttledMs) {
    scope.stats.throttledMs += result.throttledMs;
    ctx.telemetry.throttled(stream.name, result.throttledMs);
    ctx.events.emit('throttled', { stream: stream.name, ms: result.throttledMs });
  }
  ctx.events.emit('batch-posted', {
    stream: stream.name,
    batchId: intent.batchId,
    table: intent.table,
    rows: intent.rowCount,
    outcome: result.outcome,
  });
  await step(scope, 'post-returned', intent.batchId);
  handleSinkReport(scope, result, intent.batchId);
  return result;
}

/** Commits an intent (rows, state or snapshot) and updates counters. */
export async function commitIntent(
  scope: RunScope,
  intent: BatchIntent,
  details: { verified: boolean; duplicateRisk?: boolean },
): Promise<void> {
  const { ctx, stream, lease } = scope;
  await ctx.store.commitBatch(intent.batchId, lease, { at: ctx.clock.now() });
  await step(scope, 'committed', intent.batchId);
  scope.stats.batches += 1;
  if (intent.kind === 'rows') scope.stats.rowsPosted += intent.rowCount;
  ctx.telemetry.batchCommitted(stream.name, intent.kind);
  ctx.telemetry.rowsPosted(stream.name, intent.kind === 'rows' ? intent.rowCount : 0);
  ctx.events.emit('batch-committed', {
    stream: stream.name,
    batchId: intent.batchId,
    kind: intent.kind,
    rows: intent.kind === 'rows' ? intent.rowCount : 0,
    verified: details.verified,
  });
  if (intent.kind === 'rows') {
    await audit(ctx, {
      type: 'batch-committed',
      stream: stream.name,
      batchId: intent.batchId,
      message: `committed ${intent.rowCount} rows to ${intent.table}${details.verified ? ' (verified)' : ''}`,
      data: {
        rows: intent.rowCount,
        keys: intent.entries.length,
        verified: details.verified,
        duplicateRisk: details.duplicateRisk ?? false,
        replayOf: intent.replayOf ?? [],
      },
    });
  }
  await scope.afterBatch();
}

async function commitRows(
  scope: RunScope,
  intent: BatchIntent,
  details: { verified: boolean; duplicateRisk: boolean },
): Promise<BatchSettlement> {
  await commitIntent(scope, intent, details);
  return 'committed';
}

async function failRows(scope: RunScope, intent: BatchIntent, cause: unknown): Promise<never> {
  const { ctx, stream, lease } = scope;
  const deadLetterId = `dl_${intent.batchId}`;
  const message = cause instanceof Error ? cause.message : 'the sink did not apply the batch';
  await ctx.store.failBatch(
    intent.batchId,
    {
      status: 'failed',
      deadLetterId,
      at: ctx.clock.now(),
      failure: { code: 'SYNC_BATCH_FAILED', message, expected: intent.rowCount },
    },
    lease,
  );
  ctx.telemetry.quarantined(stream.name, 'batch');
  ctx.events.emit('batch-failed', {
    stream: stream.name,
    batchId: intent.batchId,
    error: cause,
    deadLetterId,
  });
  await audit(ctx, {
    type: 'batch-failed',
    stream: stream.name,
    batchId: intent.batchId,
    message: `batch not applied: ${message}`,
    data: { deadLetterId, rows: intent.rowCount },
  });
  // No alert here: the run fails with this error, and the run's failure is alerted once (with its batch id).
  throw new SyncError({
    code: 'SYNC_BATCH_FAILED',
    stream: stream.name,
    batchId: intent.batchId,
    message: `batch ${intent.batchId} was not applied by the sink: ${message}`,
    cause,
  });
}

async function quarantineRows(
  scope: RunScope,
  intent: BatchIntent,
  counted: number,
): Promise<BatchSettlement> {
  const { ctx, stream, lease } = scope;
  const deadLetterId = `dl_${intent.batchId}`;
  const message = `counted ${counted} rows of ${intent.rowCount} for batch ${intent.batchId}: partly applied, needs a human`;
  await ctx.store.failBatch(
    intent.batchId,
    {
      status: 'quarantined',
      deadLetterId,
      at: ctx.clock.now(),
      failure: { code: 'SYNC_BATCH_QUARANTINED', message, counted, expected: intent.rowCount },
    },
    lease,
  );
  scope.stats.batches += 1;
  ctx.telemetry.quarantined(stream.name, 'batch');
  ctx.events.emit('batch-quarantined', {
    stream: stream.name,
    batchId: intent.batchId,
    counted,
    expected: intent.rowCount,
    deadLetterId,
  });
  await audit(ctx, {
    type: 'batch-quarantined',
    stream: stream.name,
    batchId: intent.batchId,
    message,
    data: { counted, expected: intent.rowCount, deadLetterId },
  });
  alert(ctx, { code: 'SYNC_BATCH_QUARANTINED', message, stream: stream.name, batchId: intent.batchId });
  await scope.afterBatch();
  return 'quarantined';
}
