import { SyncError } from '../errors/sync-error.js';
import { type EngineContext, type ResolvedStream, newRunStats } from '../engine/engine-context.js';
import { type LeaseTiming, scopeUnderLease, withHeldLease } from '../engine/held-lease.js';
import { type ReplayResult, replayDeadLetters } from '../engine/replay-dead-letters.js';

/** What {@link replayStreams} needs from the sync. */
export interface ReplayStreamsOptions {
  /** Lease owner and timing. */
  timing: LeaseTiming;
  /** Sets the stream's sink up (if not yet) before anything is posted. */
  ensureSink(stream: ResolvedStream): Promise<void>;
  /** Aborts the replay (a hard stop). */
  signal: AbortSignal;
  /** Whether the sync is stopping. */
  stopping(): boolean;
  /** A new id (replay run ids). */
  newId(prefix: string): string;
  /** Only these dead letters. @default every open one */
  ids?: readonly string[];
  /** Replay batches that may be partly in the sink. */
  force: boolean;
}

/**
 * Replays the open dead letters of `streams`, one stream at a time, each under its stream lease (so never beside a
 * run of that stream on any worker): `SYNC_STREAM_BUSY` when a stream is running elsewhere.
 */
export async function replayStreams(
  ctx: EngineContext,
  streams: readonly ResolvedStream[],
  options: ReplayStreamsOptions,
): Promise<ReplayResult> {
  const total: ReplayResult = { replayed: [], refused: [], rowsPosted: 0 };
  for (const stream of streams) {
    const letters = await ctx.store.listDeadLetters({
      stream: stream.name,
      status: ['open'],
      limit: 100_000,
      ...(options.ids ? { ids: [...options.ids] } : {}),
    });
    if (letters.length === 0) continue;
    await options.ensureSink(stream);
    const result = await withHeldLease(ctx, stream.name, options.timing, async (held) => {
      const scope = scopeUnderLease(ctx, stream, held, {
        signal: options.signal,
        stats: newRunStats(),
        runId: options.newId('replay'),
        stopping: options.stopping,
      });
      return replayDeadLetters(scope, letters, { force: options.force });
    });
    if (!result) {
      throw new SyncError({
        code: 'SYNC_STREAM_BUSY',
        stream: stream.name,
        message: `stream ${stream.name} is running elsewhere; replay later`,
      });
    }
    total.replayed.push(...result.replayed);
    total.refused.push(...result.refused);
    total.rowsPosted += result.rowsPosted;
  }
  return total;
}
