import type { PhaseHint } from '../alerts/classify-failure.js';
import { SyncError } from '../errors/sync-error.js';
import {
  type EngineContext,
  type ResolvedStream,
  alert,
  audit,
  newRunStats,
} from '../engine/engine-context.js';
import type { ReplayResult } from '../engine/replay-dead-letters.js';
import { runStream, skippedResult } from '../engine/run-stream.js';
import type { StreamRunResult } from '../engine/stream-run-result.js';
import { SyncEventEmitter } from '../events/sync-event-emitter.js';
import type { SyncEventListener, SyncEventName } from '../events/sync-events.js';
import { SyncTelemetry } from '../observability/sync-telemetry.js';
import { compileSchedule } from '../scheduler/next-run-at.js';
import { SecretBox } from '../secrets/secret-box.js';
import { type SecretTokenStore, createSecretTokenStore } from '../secrets/secret-token-store.js';
import { isSinkSetupLost } from '../sink/sink-setup-lost.js';
import { readSyncStatus } from '../status/read-sync-status.js';
import type { SyncStatus } from '../status/sync-status.js';
import { StateStoreError } from '../state-store/state-store-error.js';
import {
  type AuditEntry,
  type AuditQuery,
  type DeadLetter,
  type DeadLetterQuery,
  STATE_STORE_SCHEMA_VERSION,
} from '../state-store/types.js';
import { discardDeadLetters } from './discard-dead-letters.js';
import { replayStreams } from './replay-streams.js';
import { type SyncOptions, resolveSyncOptions } from './resolve-sync-options.js';
import { RunOutcomes } from './run-outcomes.js';
import { SinkSetup } from './sink-setup.js';

/** Options of {@link Sync.replay}. */
export interface ReplayOptions {
  /** Only this stream. @default all streams */
  stream?: string;
  /** Only these dead letters. @default every open one */
  ids?: string[];
  /** Replay batches that may be partly in the sink (their rows are re-posted as they are). @default false */
  force?: boolean;
}

/** A credential-expiry notice (e.g. from the X3 OAuth2 strategy's `onRefreshTokenExpiring`). */
export interface CredentialExpiring {
  /** Which credential, e.g. `x3-refresh-token`. */
  credential: string;
  /** Epoch ms of expiry. */
  expiresAt: number;
  /** Time left. */
  remainingMs: number;
}

/** A running sync: the composition API for host apps. */
export interface Sync {
  /** Stream names. */
  readonly streams: readonly string[];
  /** Opens the store (checks its schema version) and ensures sink tables. Called by every run. */
  ready(): Promise<void>;
  /** Runs every stream once, one after the other; a failing stream does not stop the others. */
  run(options?: {
    signal?: AbortSignal;
  }): Promise<Array<StreamRunResult | { stream: string; error: unknown }>>;
  /** Runs one stream once (skipped, not queued, when it is already running here or under another lease). */
  runStream(name: string, options?: { signal?: AbortSignal }): Promise<StreamRunResult>;
  /** Whether a run of `stream` (or of any stream) is in flight in this instance (health checks). */
  isRunning(stream?: string): boolean;
  /** Starts the schedules of streams whose schedule is not `manual`. */
  start(): void;
  /**
   * Stops schedules and in-flight runs gracefully: a batch already posting finishes (committed or left as an
   * open intent that the next run verifies), no new batch starts. After `timeoutMs` in-flight requests are
   * aborted; their intents stay open. Nothing is lost or duplicated either way.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /** Replays dead letters (after a fix); audited. */
  replay(options?: ReplayOptions): Promise<ReplayResult>;
  /**
   * Discards open dead letters (a human decided they need no replay): marked `discarded` under their stream's
   * lease, one `discarded` audit entry per letter with `reason`. Returns the ids discarded; ids that are unknown or
   * not open are left alone. `SYNC_STREAM_BUSY` when a stream is running elsewhere.
   */
  discard(ids: readonly string[], options?: { reason?: string }): Promise<string[]>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends SyncEventName>(event: K, listener: SyncEventListener<K>): () => void;
  /**
   * The operator's view (cursor and lag, last run, next run, open intents, dead letters, ledger size, rows
   * posted, credential expiry, active alerts) from the store alone: no source or sink call. Adds what only this
   * instance knows: whether a stream is running here and the backoff of its next scheduled run.
   */
  status(options?: { credentialWarningDays?: number }): Promise<SyncStatus>;
  /** Lists dead letters. */
  deadLetters(query?: DeadLetterQuery): Promise<DeadLetter[]>;
  /** Reads the audit log. */
  auditLog(query?: AuditQuery): Promise<AuditEntry[]>;
  /** A token store for the X3 OAuth2 strategy, encrypted with `secretKey`. @param slot @default 'x3.refreshToken' */
  tokenStore(slot?: string): SecretTokenStore;
  /** Reports an expiring credential: event, alert and audit entry. */
  credentialExpiring(notice: CredentialExpiring): Promise<void>;
  /**
   * Stops (see {@link Sync.stop}) and closes the store, releasing its connections: after `stop()` then
   * `close()` the sync holds no timer, socket or pool, so a service's process ends by itself.
   */
  close(): Promise<void>;
  /** `await using sync = createSync(...)` closes it at the end of the scope (same as {@link Sync.close}). */
  [Symbol.asyncDispose](): Promise<void>;
}

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
  const events = new SyncEventEmitter(logger);
  const ctx: EngineContext = {
    store,
    clock,
    logger,
    events,
    telemetry: new SyncTelemetry(),
    hooks: config.hooks,
    newId: config.newId,
  };
  const byName = new Map(config.streams.map((s) => [s.name, s]));
  const running = new Map<string, Promise<StreamRunResult>>();
  let opened: Promise<void> | undefined;
  let stopping = false;
  let hard = new AbortController();
  let scheduler: AbortController | undefined;
  const loops: Promise<void>[] = [];
  const schedules = new Map(config.streams.map((s) => [s.name, compileSchedule(s.schedule, s.name)]));
  const outcomes = new RunOutcomes(ctx, {
    ...config.alerts,
    intervalOf: (name) => {
      // The stream's schedule interval around now (the first backoff step); undefined for manual streams.
      const next = schedules.get(name);
      const first = next?.(clock.now());
      const second = first === undefined ? undefined : next?.(first);
      return first === undefined || second === undefined ? undefined : second - first;
    },
  });
  const sinks = new SinkSetup({
    store,
    clock,
    logger,
    owner: config.owner,
    tablesOf: (sink) => config.streams.filter((s) => s.sink === sink).map((s) => s.table),
  });

  /** Opens the store once (again after a failure) and checks its schema version. */
  const openStore = () => {
    opened ??= (async () => {
      await store.open();
      const version = await store.schemaVersion();
      if (version !== STATE_STORE_SCHEMA_VERSION) {
        throw new StateStoreError({
          code: version > STATE_STORE_SCHEMA_VERSION ? 'STORE_SCHEMA_NEWER' : 'STORE_UNREADABLE',
          message: `state store reports schema version ${version}; this engine needs ${STATE_STORE_SCHEMA_VERSION}`,
        });
      }
    })().catch((error: unknown) => {
      opened = undefined;
      throw error;
    });
    return opened;
  };

  const getStream = (name: string): ResolvedStream => {
    const stream = byName.get(name);
    if (!stream)
      throw new SyncError({ code: 'SYNC_STREAM_UNKNOWN', message: `unknown stream ${name}`, stream: name });
    return stream;
  };

  const combinedSignal = (signal?: AbortSignal) =>
    signal ? AbortSignal.any([signal, hard.signal]) : hard.signal;

  const runOne = async (name: string, signal?: AbortSignal): Promise<StreamRunResult> => {
    const stream = getStream(name);
    if (stopping) {
      events.emit('run-skipped', { stream: name, reason: 'stopping' });
      return skippedResult(name, config.newId('run'), 'stopping');
    }
    if (running.has(name)) {
      events.emit('run-skipped', { stream: name, reason: 'already-running' });
      return skippedResult(name, config.newId('run'), 'already-running');
    }
    const runId = config.newId('run');
    const stats = newRunStats();
    const promise = (async () => {
      let hint: PhaseHint = 'store';
      try {
        await openStore();
        hint = 'sink-setup';
        const merged = combinedSignal(signal);
        await sinks.ensure(stream.sink, merged);
        hint = 'run';
        const result = await runStream(ctx, stream, {
          owner: config.owner,
          leaseTtlMs: config.leaseTtlMs,
          leaseRenewIntervalMs: config.leaseRenewIntervalMs,
          signal: merged,
          stopping: () => stopping,
          runId,
          stats,
        });
        await outcomes.succeeded(result, stats);
        return result;
      } catch (error) {
        // The sink's container was deleted: set it up again next run (it then has a new identity, and each
        // stream posts its records again).
        if (isSinkSetupLost(error)) sinks.forget(stream.sink);
        await outcomes.failed(name, runId, error, hint, stats, { source: stream.source, sink: stream.sink });
        throw error;
      }
    })().finally(() => running.delete(name));
    running.set(name, promise);
    return await promise;
  };

  const scheduleLoop = async (stream: ResolvedStream, signal: AbortSignal) => {
    const next = schedules.get(stream.name);
    if (!next) return;
    while (!signal.aborted) {
      // While a configuration or credential failure backs off, the next run is the first tick at or after the
      // backoff's end (so runs stay on the schedule's grid).
      const notBefore = outcomes.notBefore(stream.name);
      const at = next(Math.max(clock.now(), notBefore === undefined ? 0 : notBefore - 1));
      if (at === undefined) return;
      try {
        await clock.sleep(Math.max(0, at - clock.now()), signal);
      } catch {
        return; // stopped
      }
      // Awaiting the run before computing the next time is what keeps runs of one stream from overlapping;
      // ticks missed while a long run was going on are skipped, not queued. Failures were reported by runOne.
      await runOne(stream.name).catch(() => undefined);
    }
  };

  const sync: Sync = {
    streams: config.streams.map((s) => s.name),
    ready: async () => {
      await openStore();
      for (const sink of new Set(config.streams.map((s) => s.sink))) await sinks.ensure(sink);
    },
    run: async (runOptions = {}) => {
      const results: Array<StreamRunResult | { stream: string; error: unknown }> = [];
      for (const stream of config.streams) {
        try {
          results.push(await runOne(stream.name, runOptions.signal));
        } catch (error) {
          results.push({ stream: stream.name, error });
        }
      }
      return results;
    },
    runStream: (name, runOptions = {}) => runOne(name, runOptions.signal),
    isRunning: (name) => (name === undefined ? running.size > 0 : running.has(name)),
    start: () => {
      if (scheduler) return;
      stopping = false;
      hard = new AbortController();
      scheduler = new AbortController();
      for (const stream of config.streams) loops.push(scheduleLoop(stream, scheduler.signal));
    },
    stop: async (stopOptions = {}) => {
      stopping = true;
      scheduler?.abort();
      scheduler = undefined;
      const inFlight = [...running.values()].map((p) =>
        p.then(
          () => undefined,
          () => undefined,
        ),
      );
      if (inFlight.length > 0) {
        const timeout = new AbortController();
        const timedOut = clock.sleep(stopOptions.timeoutMs ?? config.stopTimeoutMs, timeout.signal).then(
          () => true,
          () => false,
        );
        const finished = Promise.all(inFlight).then(() => false);
        if (await Promise.race([finished, timedOut])) {
          hard.abort(
            new SyncError({
              code: 'SYNC_STOPPED',
              message: 'sync stopped; open intents are verified next run',
            }),
          );
        }
        timeout.abort();
        await Promise.all(inFlight);
      }
      await Promise.all(loops.splice(0));
      hard = new AbortController();
      stopping = false;
    },
    replay: async (replayOptions = {}) => {
      await openStore();
      const streams = replayOptions.stream ? [getStream(replayOptions.stream)] : config.streams;
      return replayStreams(ctx, streams, {
        timing: config,
        ensureSink: (stream) => sinks.ensure(stream.sink, hard.signal),
        signal: hard.signal,
        stopping: () => stopping,
        newId: config.newId,
        ...(replayOptions.ids ? { ids: replayOptions.ids } : {}),
        force: replayOptions.force ?? false,
      });
    },
    discard: async (ids, discardOptions = {}) => {
      await openStore();
      return discardDeadLetters(ctx, config, ids, discardOptions.reason);
    },
    on: (event, listener) => events.on(event, listener),
    status: async (statusOptions = {}) => {
      await openStore();
      return readSyncStatus({
        store,
        streams: config.streams.map((s) => ({
          name: s.name,
          table: s.businessTable,
          mode: s.mode,
          schedule: s.schedule,
        })),
        now: clock.now(),
        ...(statusOptions.credentialWarningDays !== undefined
          ? { credentialWarningDays: statusOptions.credentialWarningDays }
          : {}),
        running: (name) => running.has(name),
        nextRunAt: (name, scheduled) => {
          const notBefore = outcomes.notBefore(name);
          if (notBefore === undefined || scheduled === undefined) return scheduled;
          return schedules.get(name)?.(Math.max(clock.now(), notBefore - 1)) ?? scheduled;
        },
      });
    },
    deadLetters: async (query) => {
      await openStore();
      return store.listDeadLetters(query);
    },
    auditLog: async (query) => {
      await openStore();
      return store.queryAudit(query);
    },
    tokenStore: (slot = 'x3.refreshToken') => {
      if (config.secretKey === undefined) {
        throw new SyncError({
          code: 'SYNC_CONFIG_INVALID',
          message: 'tokenStore() needs `secretKey` in createSync options',
        });
      }
      const box = new SecretBox(config.secretKey);
      const inner = createSecretTokenStore({ store, box, slot });
      return {
        load: async () => {
          await openStore();
          return inner.load();
        },
        save: async (token) => {
          await openStore();
          return inner.save(token);
        },
      };
    },
    credentialExpiring: async (notice) => {
      await openStore();
      events.emit('credential-expiring', notice);
      const days = Math.floor(notice.remainingMs / 86_400_000);
      const message = `credential ${notice.credential} expires at ${new Date(notice.expiresAt).toISOString()} (in ${days} days)`;
      alert(ctx, { code: 'SYNC_CREDENTIAL_EXPIRING', message });
      await audit(ctx, { type: 'credential-expiring', message, data: { ...notice } });
    },
    close: async () => {
      await sync.stop();
      await store.close();
      opened = undefined;
    },
    [Symbol.asyncDispose]: () => sync.close(),
  };
  return sync;
}
