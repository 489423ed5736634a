import { parseStamp } from '../cursor/stamp.js';
import type { StreamCursor } from '../cursor/stream-cursor.js';
import { SyncError, isSyncError } from '../errors/sync-error.js';
import type { SyncProgress } from '../events/sync-events.js';
import { ChangeBatcher, preparesLazily } from './change-batcher.js';
import {
  audit,
  throwIfStopping,
  type EngineContext,
  newRunStats,
  type ResolvedStream,
  type RunScope,
  type RunStats,
  sourceFailed,
} from './engine-context.js';
import { type PreparedItem, prepareItem, type ReadItem, readItem } from './prepare-item.js';
import type { SourceItem } from '../source/sync-source.js';
import { type HeldLease, scopeUnderLease, withHeldLease } from './held-lease.js';
import type { ReadAhead } from './read-ahead.js';
import { computeSince, untilOf } from './read-window.js';
import { replayOnVersionChange, streamVersionChanged } from './replay-on-version-change.js';
import { checkSinkBinding, finishSinkReread } from './sink-binding.js';
import { resolveOpenBatches, type SettlingIntent } from './resolve-open-batches.js';
import type { StreamRunResult } from './stream-run-result.js';

/** Records per ledger look-up (one bulk call per chunk). */
const LOOKUP_CHUNK = 1000;

/** Options of one run. */
export interface RunStreamOptions {
  /** Who runs (lease owner). */
  owner: string;
  /** Lease time to live. */
  leaseTtlMs: number;
  /** Lease heartbeat interval. */
  leaseRenewIntervalMs: number;
  /** Hard abort: in-flight requests are cancelled; open intents stay for the next run. */
  signal: AbortSignal;
  /** Graceful stop: no new batch is started once this returns true. */
  stopping(): boolean;
  /** Run id. @default a new one */
  runId?: string;
  /** Counters, owned by the caller so that a failed run's counts can be reported. @default new ones */
  stats?: RunStats;
  /**
   * The run's read, started before the run (see {@link ReadAhead}): its `until` is the run's, and the run reads
   * through it when its window starts where the read-ahead's does. The caller drops it once the run ended.
   */
  readAhead?: ReadAhead;
}

/**
 * One run of one stream: lease → resolve open intents → read `[cursor − lookback, now − safetyLag)` → map →
 * dedupe → batches through the protocol → (replace) rebuild → release.
 */
export async function runStream(
  ctx: EngineContext,
  stream: ResolvedStream,
  options: RunStreamOptions,
): Promise<StreamRunResult> {
  const runId = options.runId ?? ctx.newId('run');
  const startedAt = ctx.clock.now();
  // Fixed once per run (see untilOf); a read started ahead of the run fixed it a little earlier.
  const until = options.readAhead?.until ?? untilOf(stream, startedAt);
  const stats = options.stats ?? newRunStats();
  // Counters of the last `progress` event: one event per change, not one per call site that may report it.
  const progressed: ProgressState = { last: progressKey(stats) };
  const result = await withHeldLease(ctx, stream.name, options, async (held) => {
    return ctx.telemetry.span(
      'mlc.sync.run',
      { 'mlc.sync.stream': stream.name, 'mlc.sync.run_id': runId },
      async () => {
        const progress = () => emitProgress(ctx, stream, runId, stats, startedAt, progressed);
        const scope = scopeUnderLease(ctx, stream, held, {
          signal: options.signal,
          stats,
          runId,
          stopping: options.stopping,
          afterBatch: async () => {
            await held.renewIfDue();
            progress();
          },
        });
        // Open rows intents found at the start, settling while the run goes on (awaited on every way out).
        const opened: OpenedRun = { settling: [] };
        try {
          await openRun(scope, until, opened);
          const batcher = new ChangeBatcher(scope, {
            trackCursor: true,
            deferUnknown: true,
            ...(opened.cursorBefore ? { cursor: opened.cursorBefore } : {}),
          });
          for (const { intent, settled } of opened.settling) batcher.adoptSettling(intent, settled);
          // On a first run there is no lower bound: the first stamp read stands in for it (ETA only).
          progressed.window = windowOf(opened.since, until);
          progressed.stamp = () => batcher.decidedCursor?.stamp;
          const stopped = await readAndDecide(scope, batcher, {
            signal: options.signal,
            since: opened.since,
            until,
            held,
            stopping: options.stopping,
            progressed,
            progress,
            ...(options.readAhead ? { readAhead: options.readAhead } : {}),
          });
          if (opened.fullReread && !stopped) await finishSinkReread(scope);
          return await finishRun(scope, {
            stopped,
            until,
            startedAt,
            cursorBefore: opened.cursorBefore,
            progress,
          });
        } catch (error) {
          // Nothing may go on under the lease once the run ended.
          await settleAll(opened.settling).catch(() => undefined);
          // The caller (createSync) reports the failure: event, alert, audit and log, whatever the phase.
          ctx.telemetry.runFinished(stream.name, ctx.clock.now() - startedAt, 'failed');
          throw error;
        }
      },
    );
  });
  if (result) return result;
  ctx.events.emit('run-skipped', { stream: stream.name, reason: 'lease-held' });
  return skippedResult(stream.name, runId, 'lease-held');
}

/** What {@link openRun} found, filled in as it goes (the settling intents are awaited on every way out). */
interface OpenedRun {
  /** Open rows intents settling off the critical path. */
  settling: SettlingIntent[];
  /** Whether every record must be read again (the sink container was created again). */
  fullReread?: boolean;
  /** The committed cursor at the start. */
  cursorBefore?: StreamCursor | undefined;
  /** The read's lower bound (none on a first run or a full re-read without `initialSince`). */
  since?: string | undefined;
}

/**
 * Before reading: the sink binding (a container created again voids the ledger first), the open intents (rows
 * intents settle off the critical path), a stream version's replay, then the window; `run-started`.
 */
async function openRun(scope: RunScope, until: string, opened: OpenedRun): Promise<void> {
  const { ctx, stream, runId } = scope;
  // A sink container created again (dataset deleted) voids the ledger first: then everything is read again.
  const { fullReread } = await checkSinkBinding(scope);
  opened.fullReread = fullReread;
  // Open rows intents (a crash, a lost answer) are verified while the run goes on: only records of those
  // batches wait for them. A replay re-decides dead letters against the ledger, so it waits for them.
  opened.settling = await resolveOpenBatches(scope, { deferRows: !fullReread });
  if (opened.settling.length > 0 && (await streamVersionChanged(scope))) await settleAll(opened.settling);
  await replayOnVersionChange(scope);
  const cursorBefore = await ctx.store.getCursor(stream.name);
  const since = fullReread ? stream.initialSince : computeSince(stream, cursorBefore?.stamp);
  opened.cursorBefore = cursorBefore;
  opened.since = since;
  ctx.events.emit('run-started', {
    stream: stream.name,
    runId,
    until,
    ...(since !== undefined ? { since } : {}),
    ...(cursorBefore ? { cursor: cursorBefore } : {}),
  });
  await audit(ctx, {
    type: 'run-started',
    stream: stream.name,
    message: `run ${runId} reads [${since ?? '-∞'}, ${until})`,
    data: { runId, since, until, cursor: cursorBefore },
  });
}

/** What {@link readAndDecide} needs besides the scope and the batcher. */
interface ReadOptions {
  /** The run's hard abort, for the source's requests. */
  signal: AbortSignal;
  since: string | undefined;
  until: string;
  held: HeldLease;
  stopping(): boolean;
  progressed: ProgressState;
  progress(): void;
  /** A read of this window started ahead of the run, if any (taken when it starts at `since`). */
  readAhead?: ReadAhead;
}

/**
 * Reads `[since, until)` in look-up chunks through the batcher, then finishes it (the last batch, settlements,
 * a `replace` rebuild). Returns whether a graceful stop ended the read: the unflushed rest was never posted and
 * the cursor has not passed it, so the next run reads it again.
 */
async function readAndDecide(scope: RunScope, batcher: ChangeBatcher, read: ReadOptions): Promise<boolean> {
  const { stream, stats } = scope;
  let chunk: ReadItem[] = [];
  // Records are prepared as they are read, or (while the ledger keeps holding their fingerprints) only once
  // the look-up said they changed.
  let lazy = true;
  // A source that throws while validating a record (an X3 client in strict mode validates lazily) fails the
  // run as a source failure, as it would have while reading.
  const prepare = (item: SourceItem<unknown>): PreparedItem => {
    try {
      return prepareItem(stream, item);
    } catch (error) {
      throw sourceFailed(stats, error);
    }
  };
  const flushChunk = async () => {
    const items = chunk;
    chunk = [];
    lazy = preparesLazily(await batcher.processChunk(items));
    if (batcher.full) await batcher.flush();
    read.progress();
  };
  try {
    if (read.stopping()) throwIfStopping(scope);
    // The look-up a source asks for is kept for the chunk that decides those keys (no second look-up).
    const holds = (asked: ReadonlyArray<{ key: string; fingerprint: string }>) => batcher.holds(asked);
    const records = fromSource(
      stats,
      () =>
        read.readAhead?.take(read.since, holds) ??
        stream.source.read({
          until: read.until,
          signal: read.signal,
          holds,
          ...(read.since !== undefined ? { since: read.since } : {}),
        }),
    );
    for await (const item of records) {
      stats.recordsRead += 1;
      if (!read.progressed.window && item.stamp !== undefined)
        read.progressed.window = windowOf(item.stamp, read.until);
      chunk.push(lazy ? readItem(stream, item, prepare) : prepare(item));
      if (chunk.length >= LOOKUP_CHUNK) {
        await flushChunk();
        await read.held.renewIfDue();
        throwIfStopping(scope);
      }
    }
    if (chunk.length > 0) await flushChunk();
    if (stream.reconcileDeletes && stream.mode === 'replace') await reconcileDeletes(scope, batcher);
    await batcher.finish();
    return false;
  } catch (error) {
    // Batches still settling off the critical path finish under this run's lease, whatever happened.
    const drained = await batcher.settleDeferred().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    if (!isSyncError(error, 'SYNC_STOPPED')) throw error;
    // A stop also ends the batches in flight with SYNC_STOPPED: their intents stay open for the next run.
    if (drained !== undefined && !isSyncError(drained, 'SYNC_STOPPED')) throw drained;
    return true;
  }
}

/** After the read: metrics, the result, `run-finished` and its audit entry. */
async function finishRun(
  scope: RunScope,
  end: {
    stopped: boolean;
    until: string;
    startedAt: number;
    cursorBefore: StreamCursor | undefined;
    progress(): void;
  },
): Promise<StreamRunResult> {
  const { ctx, stream, stats, runId } = scope;
  ctx.telemetry.recordsRead(stream.name, stats.recordsRead);
  if (ctx.telemetry.wantsLedgerSize(stream.name, stats.batches > 0))
    ctx.telemetry.ledgerSize(stream.name, await ctx.store.countLedger(stream.name));
  const cursorAfter = await ctx.store.getCursor(stream.name);
  const runResult: StreamRunResult = {
    stream: stream.name,
    runId,
    status: end.stopped
      ? 'stopped'
      : stats.recordsQuarantined > 0
        ? 'completed-with-quarantine'
        : 'completed',
    ...countersOf(stats),
    until: end.until,
    elapsedMs: ctx.clock.now() - end.startedAt,
    ...(end.cursorBefore ? { cursorBefore: end.cursorBefore } : {}),
    ...(cursorAfter ? { cursorAfter } : {}),
  };
  end.progress();
  ctx.events.emit('run-finished', { stream: stream.name, runId, result: runResult });
  await audit(ctx, {
    type: 'run-finished',
    stream: stream.name,
    message: `run ${runId} ${runResult.status}: ${stats.recordsRead} read, ${stats.rowsPosted} rows posted, ${stats.recordsQuarantined} quarantined`,
    data: { runId, ...countersOf(stats), cursorAfter },
  });
  ctx.telemetry.runFinished(stream.name, runResult.elapsedMs, runResult.status);
  return runResult;
}

/** Waits for every settling intent; throws the first failure once all settled. */
async function settleAll(settling: readonly SettlingIntent[]): Promise<void> {
  const outcomes = await Promise.allSettled(settling.map((s) => s.settled));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Iterates a source read, recording whatever it throws as the run's source failure (for alerts). */
async function* fromSource<T>(stats: RunStats, open: () => AsyncIterable<T>): AsyncGenerator<T> {
  let iterator: AsyncIterator<T>;
  try {
    iterator = open()[Symbol.asyncIterator]();
  } catch (error) {
    throw sourceFailed(stats, error);
  }
  let done = false;
  try {
    for (;;) {
      let next: IteratorResult<T>;
      try {
        next = await iterator.next();
      } catch (error) {
        done = true;
        throw sourceFailed(stats, error);
      }
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!done) await iterator.return?.();
  }
}

/** A result for a run that did not start. */
export function skippedResult(
  stream: string,
  runId: string,
  reason: 'already-running' | 'lease-held' | 'stopping',
): StreamRunResult {
  return {
    stream,
    runId,
    status: 'skipped',
    skippedReason: reason,
    ...countersOf(newRunStats()),
    elapsedMs: 0,
  };
}

/** The counters of a run, as results and audit entries report them. */
export function countersOf(stats: RunStats) {
  return {
    recordsRead: stats.recordsRead,
    recordsUnchanged: stats.recordsUnchanged,
    recordsQuarantined: stats.recordsQuarantined,
    rowsPosted: stats.rowsPosted,
    batches: stats.batches,
    intentsResolved: stats.intentsResolved,
    rebuilt: stats.rebuilt,
    throttledMs: stats.throttledMs,
    settleWaitMs: stats.settleWaitMs,
  };
}

function windowOf(since: string | undefined, until: string): { from: number; to: number } | undefined {
  const from = since !== undefined ? parseStamp(since)?.epochMs : undefined;
  const to = parseStamp(until)?.epochMs;
  return from !== undefined && to !== undefined && to > from ? { from, to } : undefined;
}

function progressKey(stats: RunStats): string {
  return [
    stats.recordsRead,
    stats.recordsUnchanged,
    stats.recordsQuarantined,
    stats.rowsPosted,
    stats.batches,
    stats.throttledMs,
  ].join(',');
}

/** What a run's progress events are computed from besides its counters. */
interface ProgressState {
  /** Counters of the last event. */
  last: string;
  /** The `[since, until)` window being read, once known. */
  window?: { from: number; to: number } | undefined;
  /** The stamp read up to (decided cursor). */
  stamp?: () => string | undefined;
}

/** Emits `progress` when the counters changed since the last event of the run (`progressed.last`). */
function emitProgress(
  ctx: EngineContext,
  stream: ResolvedStream,
  runId: string,
  stats: RunStats,
  startedAt: number,
  progressed: ProgressState,
): void {
  const key = progressKey(stats);
  if (key === progressed.last) return;
  progressed.last = key;
  const window = progressed.window;
  const stamp = progressed.stamp?.();
  const elapsedMs = ctx.clock.now() - startedAt;
  const progress: SyncProgress = {
    stream: stream.name,
    runId,
    recordsRead: stats.recordsRead,
    recordsUnchanged: stats.recordsUnchanged,
    recordsQuarantined: stats.recordsQuarantined,
    rowsPosted: stats.rowsPosted,
    batches: stats.batches,
    throttledMs: stats.throttledMs,
    elapsedMs,
  };
  const at = stamp !== undefined ? parseStamp(stamp)?.epochMs : undefined;
  if (window && at !== undefined) {
    const fraction = Math.min(1, Math.max(0, (at - window.from) / (window.to - window.from)));
    progress.fraction = fraction;
    if (fraction > 0) progress.etaMs = Math.round((elapsedMs * (1 - fraction)) / fraction);
  }
  ctx.events.emit('progress', progress);
}

/**
 * Replace mode: keys in the snapshot that the source no longer lists are removed (merge of two sorted lists).
 *
 * A ledger key is judged gone when the source has moved past it, which is only right if every later source key
 * is greater; that is known only once the whole list has been read. So the source's list is read to its end (also
 * past the last ledger key) with its order checked here too, and no delete is staged before then: a source that
 * fails or turns out unordered part-way fails the run with nothing deleted. Memory holds the keys to delete (the
 * deletions since the last run), never the table.
 */
async function reconcileDeletes(scope: RunScope, batcher: ChangeBatcher): Promise<void> {
  const { ctx, stream, signal } = scope;
  const keysOf = stream.source.keys;
  if (!keysOf) {
    throw new SyncError({
      code: 'SYNC_CONFIG_INVALID',
      stream: stream.name,
      message: `stream ${stream.name}: reconcileDeletes needs a source with keys()`,
    });
  }
  await batcher.flush();
  const sourceKeys = keysOf.call(stream.source, { signal })[Symbol.asyncIterator]();
  let previous: string | undefined;
  const pull = async (): Promise<IteratorResult<string>> => {
    const result = await sourceKeys.next().catch((error: unknown) => {
      throw sourceFailed(scope.stats, error);
    });
    if (!result.done) {
      if (previous !== undefined && !(previous < result.value)) {
        throw new SyncError({
          code: 'SYNC_SOURCE_KEYS_UNORDERED',
          kind: 'validation',
          stream: stream.name,
          message: `stream ${stream.name}: source keys() listed '${result.value}' after '${previous}'; keys must be strictly ascending in UTF-16 order, so no delete was applied`,
        });
      }
      previous = result.value;
    }
    return result;
  };
  let next = await pull();
  let afterKey: string | undefined;
  const gone: string[] = [];
  try {
    for (;;) {
      const page = await ctx.store.scanLedger(stream.name, {
        limit: 1000,
        ...(afterKey !== undefined ? { afterKey } : {}),
      });
      if (page.length === 0) break;
      // Listing a large table's keys can outlast the lease TTL: keep it while the merge goes on.
      await scope.keepLease();
      for (const entry of page) {
        while (!next.done && next.value < entry.key) next = await pull();
        if (next.done || next.value !== entry.key) gone.push(entry.key);
      }
      afterKey = page.at(-1)?.key;
    }
    // The rest of the list holds no ledger key, but its order is what proves the judgements above.
    for (let pulled = 0; !next.done; pulled++) {
      if (pulled % 1000 === 999) await scope.keepLease();
      next = await pull();
    }
  } catch (error) {
    await sourceKeys.return?.();
    throw error;
  }
  if (gone.length > 0) await batcher.stageDeletes(gone);
}
