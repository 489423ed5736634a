import type { PhaseHint } from '../alerts/classify-failure.js';
import { type EngineContext, type ResolvedStream, newRunStats } from '../engine/engine-context.js';
import { ReadAhead } from '../engine/read-ahead.js';
import { runStream, skippedResult } from '../engine/run-stream.js';
import type { StreamRunResult } from '../engine/stream-run-result.js';
import { isSinkSetupLost } from '../sink/sink-setup-lost.js';
import type { ResolvedSyncOptions } from './resolve-sync-options.js';
import type { RunControl } from './run-control.js';
import type { RunOutcomes } from './run-outcomes.js';
import type { SinkSetup } from './sink-setup.js';
import type { StoreOpener } from './store-opener.js';

/** The parts of a sync instance one run of a stream goes through. */
export interface OneStreamRun {
  /** The engine context. */
  ctx: EngineContext;
  /** The sync's resolved options (lease owner and timing, ids). */
  config: ResolvedSyncOptions;
  /** The runs in flight in this instance. */
  control: RunControl;
  /** Opens the store before the first run. */
  opener: StoreOpener;
  /** Sets the stream's sink up before its first run. */
  sinks: SinkSetup;
  /** Reports how the run ended. */
  outcomes: RunOutcomes;
}

/**
 * Runs one stream once: skipped (not queued) while the sync stops or when the stream is already running in this
 * instance; else opens the store, sets the sink up, runs the stream and reports the outcome (a failure is reported
 * with the phase the run was in, then rethrown).
 */
export async function runOneStream(
  sync: OneStreamRun,
  stream: ResolvedStream,
  signal?: AbortSignal,
): Promise<StreamRunResult> {
  const { ctx, config, control } = sync;
  const name = stream.name;
  if (control.stopping) {
    ctx.events.emit('run-skipped', { stream: name, reason: 'stopping' });
    return skippedResult(name, config.newId('run'), 'stopping');
  }
  if (control.running.has(name)) {
    ctx.events.emit('run-skipped', { stream: name, reason: 'already-running' });
    return skippedResult(name, config.newId('run'), 'already-running');
  }
  const promise = setUpAndRun(sync, stream, config.newId('run'), signal).finally(() =>
    control.running.delete(name),
  );
  control.running.set(name, promise);
  return await promise;
}

/** Opens the store, sets the sink up and runs the stream, reporting how the run ended. */
async function setUpAndRun(
  sync: OneStreamRun,
  stream: ResolvedStream,
  runId: string,
  signal: AbortSignal | undefined,
): Promise<StreamRunResult> {
  const { ctx, config, control, sinks, outcomes } = sync;
  const stats = newRunStats();
  let hint: PhaseHint = 'store';
  let readAhead: ReadAhead | undefined;
  try {
    await sync.opener.open();
    const merged = control.combined(signal);
    // The source's first page is asked for now, while the sink is set up and the lease taken (a source that allows
    // it); the run reads through it, or it is dropped unread.
    readAhead = await ReadAhead.start(ctx, stream, merged);
    await outcomes.resumeStreak(stream.name);
    hint = 'sink-setup';
    await sinks.ensure(stream.sink, merged);
    hint = 'run';
    const result = await runStream(ctx, stream, {
      owner: config.owner,
      leaseTtlMs: config.leaseTtlMs,
      leaseRenewIntervalMs: config.leaseRenewIntervalMs,
      signal: merged,
      stopping: () => control.stopping,
      runId,
      stats,
      ...(readAhead ? { readAhead } : {}),
    });
    await outcomes.succeeded(result, stats);
    return result;
  } catch (error) {
    // The sink's container was deleted: set it up again next run (it then has a new identity, and each
    // stream posts its records again).
    if (isSinkSetupLost(error)) sync.sinks.forget(stream.sink);
    await outcomes.failed(stream.name, runId, error, hint, stats, {
      source: stream.source,
      sink: stream.sink,
    });
    throw error;
  } finally {
    await readAhead?.drop();
  }
}
