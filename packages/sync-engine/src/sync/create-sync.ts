import { discardDeadLetters } from './discard-dead-letters.js';
import { newEngineContext } from './new-engine-context.js';
import { openTokenStore } from './open-token-store.js';
import { readInstanceStatus } from './read-instance-status.js';
import { replayStreams } from './replay-streams.js';
import { reportCredentialExpiring } from './report-credential-expiring.js';
import { type SyncOptions, resolveSyncOptions } from './resolve-sync-options.js';
import { RunControl } from './run-control.js';
import { runOneStream } from './run-one-stream.js';
import { runStreamsInTurn } from './run-streams-in-turn.js';
import { RunOutcomes } from './run-outcomes.js';
import { SinkSetup } from './sink-setup.js';
import { StoreOpener } from './store-opener.js';
import { streamLookup } from './stream-lookup.js';
import { StreamSchedules } from './stream-schedules.js';
import type { Sync } from './sync.js';

/**
 * Creates a sync over a state store, a sink and streams.
 *
 * @example
 * const sync = createSync({ store: new MemoryStateStore(), sink, streams: [myStream] });
 * await sync.run();
 */
export function createSync(options: SyncOptions): Sync {
  const config = resolveSyncOptions(options);
  const { store, clock, logger } = config;
  const ctx = newEngineContext(config);
  const control = new RunControl();
  const opener = new StoreOpener(store);
  const schedules = new StreamSchedules(config.streams, clock);
  const outcomes = new RunOutcomes(ctx, {
    ...config.alerts,
    intervalOf: (name) => schedules.intervalOf(name),
  });
  const sinks = new SinkSetup({
    store,
    clock,
    logger,
    owner: config.owner,
    tablesOf: (sink) => config.streams.filter((s) => s.sink === sink).map((s) => s.table),
  });
  const getStream = streamLookup(config.streams);
  const parts = { ctx, config, control, opener, sinks, outcomes, schedules };
  const runOne = async (name: string, signal?: AbortSignal) => runOneStream(parts, getStream(name), signal);
  /** Opens the store (once) before `work`. */
  const withStore = async <T>(work: () => Promise<T>): Promise<T> => {
    await opener.open();
    return work();
  };

  const sync: Sync = {
    streams: config.streams.map((s) => s.name),
    ready: async () => {
      await opener.open();
      for (const sink of new Set(config.streams.map((s) => s.sink))) await sinks.ensure(sink);
    },
    run: (runOptions = {}) => runStreamsInTurn(config.streams, (name) => runOne(name, runOptions.signal)),
    runStream: (name, runOptions = {}) => runOne(name, runOptions.signal),
    isRunning: (name) => (name === undefined ? control.running.size > 0 : control.running.has(name)),
    start: () => {
      if (schedules.started) return;
      control.reset();
      schedules.start(config.streams, { run: runOne, notBefore: (name) => outcomes.notBefore(name) });
    },
    stop: async (stopOptions = {}) => {
      control.stopping = true;
      schedules.stop();
      await control.drain(clock, stopOptions.timeoutMs ?? config.stopTimeoutMs);
      await schedules.ended();
      control.reset();
    },
    replay: async (replayOptions = {}) => {
      await opener.open();
      const streams = replayOptions.stream ? [getStream(replayOptions.stream)] : config.streams;
      return replayStreams(ctx, streams, {
        timing: config,
        ensureSink: (stream) => sinks.ensure(stream.sink, control.hardSignal),
        signal: control.hardSignal,
        stopping: () => control.stopping,
        newId: config.newId,
        ...(replayOptions.ids ? { ids: replayOptions.ids } : {}),
        force: replayOptions.force ?? false,
      });
    },
    discard: (ids, discardOptions = {}) =>
      withStore(() => discardDeadLetters(ctx, config, ids, discardOptions.reason)),
    on: (event, listener) => ctx.events.on(event, listener),
    status: (statusOptions = {}) => withStore(() => readInstanceStatus(parts, statusOptions)),
    deadLetters: (query) => withStore(() => store.listDeadLetters(query)),
    auditLog: (query) => withStore(() => store.queryAudit(query)),
    tokenStore: (slot = 'x3.refreshToken') => openTokenStore(store, opener, config.secretKey, slot),
    credentialExpiring: (notice) => withStore(() => reportCredentialExpiring(ctx, notice)),
    close: async () => {
      await sync.stop();
      await store.close();
      opener.forget();
    },
    [Symbol.asyncDispose]: () => sync.close(),
  };
  return sync;
}
