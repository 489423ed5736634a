import { isRecordError } from '../errors/record-error.js';
import { SyncError, isSyncError } from '../errors/sync-error.js';
import type { PostResult } from '../sink/sync-sink.js';
import type { BatchIntent, RebuildProgress, Row } from '../state-store/types.js';
import { commitIntent, parkForThrottle } from './batch-protocol.js';
import { answeredChunkOf, answerStamp, takeoverPostedAt } from './takeover-posted-at.js';
import { checkRows } from './check-rows.js';
import { abortError, alert, audit, type RunScope, step, throwIfStopping } from './engine-context.js';
import type { InvalidItem } from './prepare-item.js';
import { quarantineItem } from './quarantine-item.js';
import { handleSinkReport } from './sink-alerts.js';
import { verifyBatch } from './verify-batch.js';

/** Restarts from an empty table allowed per rebuild before giving up (each one follows a partial count). */
const MAX_RESTARTS = 2;

/**
 * Rebuilds a `replace` table from the stored snapshot under one intent: clear, then post the snapshot in key
 * order, chunk by chunk, recording durably which chunk is in flight before each POST and how far the table is
 * known complete after it. A crash anywhere resumes here: the in-flight chunk is verified (count → next chunk,
 * 0 → resend it, partial → clear and start over), so the table never stays half built.
 */
export function rebuildTable(scope: RunScope, intent: BatchIntent, resumed: boolean): Promise<number> {
  return scope.ctx.telemetry.span(
    'mlc.sync.rebuild',
    {
      'mlc.sync.stream': scope.stream.name,
      'mlc.sync.batch_id': intent.batchId,
      'mlc.sync.resumed': resumed,
    },
    () =>
      rebuild(scope, intent, resumed).catch((error: unknown) => {
        // A rebuild that stops part-way leaves the table cleared or partly filled until the next run resumes it:
        // that is never silent. A graceful stop or an abort is the operator's own doing and not alerted.
        if (!isSyncError(error, 'SYNC_STOPPED') && !scope.signal.aborted) {
          alert(scope.ctx, {
            code: 'SYNC_REBUILD_INCOMPLETE',
            message: `rebuild of ${scope.stream.table.name} could not finish (${error instanceof Error ? error.message : String(error)}); the table may be incomplete until a later run resumes it`,
            stream: scope.stream.name,
            batchId: intent.batchId,
          });
        }
        throw error;
      }),
  );
}

/**
 * The state of one rebuild while it runs: its durable progress (saved in the intent before and after every step),
 * the restarts so far, and whether an in-flight chunk may still be the previous lease holder's.
 */
class RebuildRun {
  readonly scope: RunScope;
  readonly intent: BatchIntent;
  progress: RebuildProgress;
  /** True until the first in-flight chunk is settled or the table is cleared in this run. */
  fromEarlierRun: boolean;
  #restarts = 0;

  constructor(scope: RunScope, intent: BatchIntent, resumed: boolean) {
    this.scope = scope;
    this.intent = intent;
    this.progress = intent.rebuild ?? { phase: 'clear', chunksPosted: 0, rowsPosted: 0 };
    this.fromEarlierRun = resumed;
  }

  /** Records `next` durably in the intent (under the lease) before anything else happens. */
  async save(next: RebuildProgress): Promise<void> {
    this.progress = next;
    await this.scope.ctx.store.updateBatch(this.intent.batchId, { rebuild: next }, this.scope.lease);
  }

  /** Forgets the in-flight chunk (it certainly did not land): it is posted again. */
  async dropInflight(): Promise<void> {
    const { inflight: _dropped, ...rest } = this.progress;
    await this.save(rest);
  }

  /** Records that a chunk of `rowCount` rows up to `toKey` is in the table. */
  async chunkLanded(toKey: string, rowCount: number): Promise<void> {
    await this.save({
      phase: 'post',
      postedThroughKey: toKey,
      chunksPosted: this.progress.chunksPosted + 1,
      rowsPosted: this.progress.rowsPosted + rowCount,
    });
  }

  /** Starts over from an empty table (alerted), at most {@link MAX_RESTARTS} times. */
  async restart(reason: string): Promise<void> {
    const { ctx, stream } = this.scope;
    this.#restarts += 1;
    if (this.#restarts > MAX_RESTARTS) {
      throw new SyncError({
        code: 'SYNC_BATCH_QUARANTINED',
        stream: stream.name,
        batchId: this.intent.batchId,
        message: `rebuild of ${stream.table.name} keeps failing (${reason}); intent left open`,
      });
    }
    alert(ctx, {
      code: 'SYNC_REBUILD_RESTARTED',
      message: `rebuild restarts from an empty table: ${reason}`,
      stream: stream.name,
      batchId: this.intent.batchId,
    });
    await this.save({ phase: 'clear', chunksPosted: 0, rowsPosted: 0 });
  }
}

/**
 * The rebuild loop, one step per turn: settle a chunk left in flight, clear the table, or post the next chunk of the
 * snapshot; then commit the intent once the snapshot is all in.
 */
async function rebuild(scope: RunScope, intent: BatchIntent, resumed: boolean): Promise<number> {
  const run = new RebuildRun(scope, intent, resumed);
  await announceStart(run, resumed);
  for (;;) {
    const { progress } = run;
    if (progress.phase === 'post' && progress.inflight) {
      await settleInflightChunk(run, progress.inflight);
      continue;
    }
    if (progress.phase === 'clear') {
      await clearTable(run);
      continue;
    }
    // A graceful stop leaves the rebuild intent open between chunks; the next run resumes it.
    throwIfStopping(scope);
    const chunk = await nextChunk(scope, progress.postedThroughKey);
    if (!chunk) break;
    await postChunk(run, chunk);
  }
  return finish(run);
}

async function announceStart(run: RebuildRun, resumed: boolean): Promise<void> {
  const { ctx, stream } = run.scope;
  ctx.events.emit('rebuild-started', { stream: stream.name, batchId: run.intent.batchId, resumed });
  await audit(ctx, {
    type: 'rebuild-started',
    stream: stream.name,
    batchId: run.intent.batchId,
    message: `${resumed ? 'resuming' : 'starting'} rebuild of ${stream.table.name}`,
    data: { phase: run.progress.phase, chunksPosted: run.progress.chunksPosted },
  });
}

/**
 * A chunk in flight from before a crash (or from an unknown POST): finds out whether it landed. Counted → the next
 * chunk; none → post it again; partial or uncountable → start over; not settled or unreadable → resume next run.
 */
async function settleInflightChunk(
  run: RebuildRun,
  inflight: NonNullable<RebuildProgress['inflight']>,
): Promise<void> {
  const { scope } = run;
  const verdict = await verifyBatch(scope, {
    table: scope.stream.table.name,
    batchId: inflight.batchId,
    expected: inflight.rowCount,
    // A chunk from an earlier run may still be in flight from the previous lease holder.
    postedAt: run.fromEarlierRun
      ? takeoverPostedAt(scope, inflight.batchId, inflight.postedAt, answeredChunkOf(inflight))
      : inflight.postedAt,
  });
  run.fromEarlierRun = false;
  switch (verdict.decision) {
    case 'commit':
      await run.chunkLanded(inflight.toKey, inflight.rowCount);
      return;
    case 'resend':
      await run.dropInflight();
      return;
    case 'pending':
      throw new SyncError({
        code: 'SYNC_VERIFICATION_PENDING',
        kind: 'transient',
        retryable: true,
        stream: scope.stream.name,
        batchId: inflight.batchId,
        message: `rebuild chunk ${inflight.batchId}: row count not settled; rebuild resumes on the next run`,
      });
    case 'unreadable':
      // No count read: unknown is not zero, and not "partial" either. Leave the rebuild open; the run's
      // failure is alerted once.
      throw new SyncError({
        code: 'SYNC_COUNT_UNREADABLE',
        kind: 'transient',
        retryable: true,
        stream: scope.stream.name,
        batchId: inflight.batchId,
        message: `rebuild chunk ${inflight.batchId}: row count unreadable; rebuild resumes on the next run`,
        cause: verdict.error,
      });
    default:
      // Partial or uncountable: the table is a rebuildable copy, so start over rather than guess.
      await run.restart(
        verdict.decision === 'unsupported'
          ? 'chunk outcome unknown and uncountable'
          : `chunk ${inflight.batchId} partly applied`,
      );
  }
}

/**
 * Clears the table — only once every snapshot row is known to pass the sink's checks: a record the sink would
 * refuse is quarantined first, so a rebuild never clears a table it cannot fill again.
 */
async function clearTable(run: RebuildRun): Promise<void> {
  const { scope, intent } = run;
  const { stream } = scope;
  run.fromEarlierRun = false;
  await quarantinePoisonRows(scope, intent);
  // A stale worker must not empty a table the new lease holder is rebuilding.
  await scope.fence({ timeoutMs: stream.sink.requestTimeoutMs ?? 0 });
  await stream.sink.clear({ table: stream.table.name, signal: scope.signal });
  await run.save({ phase: 'post', chunksPosted: 0, rowsPosted: 0 });
  await step(scope, 'rebuild-cleared', intent.batchId);
}

/**
 * Posts the next chunk of the snapshot (in key order, bounded by the batch size), recorded as in flight first. An
 * unknown or partial outcome stays in flight: the next turn of the loop verifies it.
 */
async function postChunk(run: RebuildRun, chunk: { rows: Row[]; toKey: string }): Promise<void> {
  const { scope, progress } = run;
  const { stream } = scope;
  if (chunk.rows.length === 0) {
    // Keys that map to no rows: nothing to post, just move past them.
    await run.save({ ...progress, postedThroughKey: chunk.toKey });
    return;
  }
  const chunkId = `${run.intent.batchId}.${progress.chunksPosted + 1}`;
  const postedAt = scope.ctx.clock.now();
  const inflight = { batchId: chunkId, toKey: chunk.toKey, rowCount: chunk.rows.length, postedAt };
  await run.save({ ...progress, inflight });
  const result = await sendChunk(scope, chunkId, chunk.rows);
  if (result.outcome === 'applied') {
    await run.chunkLanded(chunk.toKey, chunk.rows.length);
    await step(scope, 'rebuild-chunk-posted', chunkId);
    return;
  }
  if (result.outcome === 'not-applied' && result.retryAfterMs !== undefined) {
    // Throttled beyond the client's cap: the chunk never landed. Forget it as in flight, wait, post it again.
    await run.dropInflight();
    await parkForThrottle(scope, chunkId, result.retryAfterMs);
    return;
  }
  if (result.outcome === 'not-applied') {
    throw new SyncError({
      code: 'SYNC_BATCH_FAILED',
      stream: stream.name,
      batchId: chunkId,
      message: `rebuild chunk ${chunkId} was not applied; the rebuild resumes on the next run`,
      cause: result.error,
    });
  }
  // The answer came back, outcome unknown: this POST is no longer in flight, so a takeover need not wait a request
  // timeout for it (takeover-posted-at.ts). The next turn of the loop verifies it.
  await run.save({ ...progress, inflight: { ...inflight, ...answerStamp(scope.ctx.clock) } });
}

/** One POST of a chunk to the sink, with its events, throttle time and the sink's own report. */
async function sendChunk(scope: RunScope, chunkId: string, rows: Row[]): Promise<PostResult> {
  const { ctx, stream, signal } = scope;
  await step(scope, 'before-post', chunkId);
  let result: PostResult;
  try {
    result = await stream.sink.post({
      table: stream.table.name,
      rows,
      batchId: chunkId,
      signal,
      beforeSend: scope.fence,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    result = { outcome: 'unknown', error };
  }
  if (signal.aborted && result.outcome !== 'applied') throw abortError(signal);
  ctx.events.emit('batch-posted', {
    stream: stream.name,
    batchId: chunkId,
    table: stream.table.name,
    rows: rows.length,
    outcome: result.outcome,
  });
  if (result.throttledMs) {
    scope.stats.throttledMs += result.throttledMs;
    ctx.events.emit('throttled', { stream: stream.name, ms: result.throttledMs });
  }
  await step(scope, 'post-returned', chunkId);
  handleSinkReport(scope, result, chunkId);
  return result;
}

/** The snapshot is all in: commits the rebuild intent and reports the rows. */
async function finish(run: RebuildRun): Promise<number> {
  const { scope, intent, progress } = run;
  const { ctx, stream } = scope;
  const rows = progress.rowsPosted;
  scope.stats.rowsPosted += rows;
  scope.stats.rebuilt = true;
  await commitIntent(scope, intent, { verified: false });
  ctx.events.emit('rebuild-finished', { stream: stream.name, batchId: intent.batchId, rows });
  await audit(ctx, {
    type: 'rebuild-finished',
    stream: stream.name,
    batchId: intent.batchId,
    message: `rebuilt ${stream.table.name} with ${rows} rows`,
    data: { rows, chunks: progress.chunksPosted },
  });
  return rows;
}

async function nextChunk(
  scope: RunScope,
  afterKey: string | undefined,
): Promise<{ rows: Row[]; toKey: string } | undefined> {
  const { ctx, stream } = scope;
  const entries = await ctx.store.scanLedger(stream.name, {
    ...(afterKey !== undefined ? { afterKey } : {}),
    limit: stream.batchSize,
  });
  const rows: Row[] = [];
  let toKey: string | undefined;
  for (const entry of entries) {
    const entryRows = entry.rows ?? [];
    if (rows.length + entryRows.length > stream.batchSize && toKey !== undefined) break;
    rows.push(...entryRows);
    toKey = entry.key;
  }
  return toKey === undefined ? undefined : { rows, toKey };
}

/**
 * Re-checks every snapshot row with the sink's rules of today before the table is cleared. A record whose rows
 * are refused (a snapshot written under older rules, a sink grown stricter) is quarantined as a record dead letter
 * and taken out of the snapshot (its ledger entry deleted, so the record lands again once fixed and re-read or
 * replayed), and the operator is alerted. Memory holds one ledger page and the refused records.
 */
async function quarantinePoisonRows(scope: RunScope, rebuildIntent: BatchIntent): Promise<void> {
  const { ctx, stream, lease } = scope;
  const poison: Array<InvalidItem & { key: string }> = [];
  let afterKey: string | undefined;
  for (;;) {
    const entries = await ctx.store.scanLedger(stream.name, {
      limit: 1000,
      ...(afterKey !== undefined ? { afterKey } : {}),
    });
    if (entries.length === 0) break;
    await scope.keepLease();
    for (const entry of entries) {
      const rows = entry.rows ?? [];
      try {
        checkRows(stream, rows);
      } catch (error) {
        if (!isRecordError(error)) throw error;
        poison.push({
          ok: false,
          stage: 'map',
          key: entry.key,
          ...(entry.stamp !== undefined ? { stamp: entry.stamp } : {}),
          ...(error.field !== undefined ? { field: error.field } : {}),
          reason: `refused by the sink before the rebuild: ${error.reason}`,
        });
      }
    }
    afterKey = entries.at(-1)?.key;
  }
  if (poison.length === 0) return;
  for (const item of poison) await quarantineItem(scope, item);
  const intent: BatchIntent = {
    batchId: ctx.newId('b'),
    stream: stream.name,
    table: stream.table.name,
    kind: 'state',
    mode: stream.mode,
    rows: [],
    entries: poison.map((item) => ({ key: item.key, hash: '', version: 0, delete: true })),
    rowCount: 0,
    createdAt: ctx.clock.now(),
    attempts: 0,
    status: 'open',
  };
  await ctx.store.beginBatch(intent, lease);
  await commitIntent(scope, intent, { verified: false });
  alert(ctx, {
    code: 'SYNC_REBUILD_ROWS_QUARANTINED',
    message: `${poison.length} record(s) of ${stream.table.name} would be refused by the sink; quarantined before the rebuild, which goes on without them`,
    stream: stream.name,
    batchId: rebuildIntent.batchId,
  });
}
