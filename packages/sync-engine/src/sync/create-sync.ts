import { remedyCarriedBy } from '../alerts/alert-catalog.js';
import { type PhaseHint, classifyFailure } from '../alerts/classify-failure.js';
import { FailureTracker } from '../alerts/failure-tracker.js';
import { quarantineCondition } from '../alerts/quarantine-condition.js';
import type { SyncRecovered } from '../alerts/sync-alert.js';
import { SyncError, isSyncError } from '../errors/sync-error.js';
import {
  type EngineContext,
  newRunStats,
  type ResolvedStream,
  type RunScope,
  type RunStats,
  audit,
  alert,
} from '../engine/engine-context.js';
import { type ReplayResult, replayDeadLetters } from '../engine/replay-dead-letters.js';
import { withHeldLease } from '../engine/held-lease.js';
import { countersOf, runStream, skippedResult } from '../engine/run-stream.js';
import type { StreamRunResult } from '../engine/stream-run-result.js';
import { SyncEventEmitter } from '../events/sync-event-emitter.js';
import type { SyncEventListener, SyncEventName } from '../events/sync-events.js';
import { SyncTelemetry } from '../observability/sync-telemetry.js';
import { readSyncStatus } from '../status/read-sync-status.js';
import type { SyncStatus } from '../status/sync-status.js';
import { compileSchedule } from '../scheduler/next-run-at.js';
import { SecretBox } from '../secrets/secret-box.js';
import { type SecretTokenStore, createSecretTokenStore } from '../secrets/secret-token-store.js';
import { isSinkSetupLost } from '../sink/sink-setup-lost.js';
import type { SyncSink } from '../sink/sync-sink.js';
import { quotaStoreOf } from '../state-store/quota-store-of.js';
import { StateStoreError } from '../state-store/state-store-error.js';
import {
  type AuditEntry,
  type AuditQuery,
  type DeadLetter,
  type DeadLetterQuery,
  STATE_STORE_SCHEMA_VERSION,
} from '../state-store/types.js';
import { type SyncOptions, resolveSyncOptions } from './resolve-sync-options.js';

/** Store lease under which one worker at a time creates or updates sink tables (see `ensureSink`). */
const SINK_SETUP_LEASE = 'mlc:sink-setup';
const SINK_SETUP_TTL_MS = 120_000;
/** How long a worker waits for another one's sink set-up before giving up for this run. */
const SINK_SETUP_WAIT_MS = 180_000;

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
  const ensured = new Map<SyncSink, Promise<void>>();
  let opened: Promise<void> | undefined;
  let stopping = false;
  let hard = new AbortController();
  let scheduler: AbortController | undefined;
  const loops: Promise<void>[] = [];
  const failures = new FailureTracker(config.alerts);
  // Quarantine states (a whole stream, or a share above the threshold) are tracked like failing runs: one alert
  // when the state begins or changes, a reminder while it lasts, `recovered` when a run ends it.
  const quarantines = new FailureTracker(config.alerts);
  const schedules = new Map(config.streams.map((s) => [s.name, compileSchedule(s.schedule, s.name)]));

  /** The stream's schedule interval around now (the first backoff step); undefined for manual streams. */
  const intervalOf = (name: string): number | undefined => {
    const next = schedules.get(name);
    const first = next?.(clock.now());
    const second = first === undefined ? undefined : next?.(first);
    return first === undefined || second === undefined ? undefined : second - first;
  };

  // Every failed run reaches the operator, whatever the phase: `run-failed`, an audit entry, a log line, and an
  // alert when the stream's state changed (or a reminder is due). A graceful stop is not a failure.
  const reportFailure = async (
    name: string,
    runId: string,
    error: unknown,
    hint: PhaseHint,
    stats: RunStats,
  ): Promise<void> => {
    if (isSyncError(error, 'SYNC_STOPPED')) return;
    const failure = classifyFailure(error, hint);
    const verdict = failures.failed(name, failure, clock.now(), intervalOf(name));
    // One line per failed run (with the redacted cause chain); the alert adds one on changes of state.
    logger.warn(
      {
        err: error,
        stream: name,
        runId,
        code: failure.code,
        phase: failure.phase,
        attempts: verdict.attempts,
      },
      'stream run failed',
    );
    events.emit('run-failed', {
      stream: name,
      runId,
      error,
      code: failure.code,
      phase: failure.phase,
      since: verdict.since,
      attempts: verdict.attempts,
      ...(verdict.retryAt !== undefined ? { retryAt: verdict.retryAt } : {}),
    });
    if (verdict.alert) {
      const remedy = remedyCarriedBy(error);
      alert(ctx, remedy ? { ...verdict.alert, remedy } : verdict.alert);
    }
    await audit(ctx, {
      type: 'run-failed',
      stream: name,
      message: `run ${runId} failed (${failure.phase}): ${failure.message}`,
      data: {
        runId,
        code: failure.code,
        phase: failure.phase,
        attempts: verdict.attempts,
        since: verdict.since,
        ...countersOf(stats),
      },
    });
  };

  const reportSuccess = async (result: StreamRunResult, stats: RunStats): Promise<void> => {
    if (result.status === 'skipped') return;
    await reportRecovered(failures.succeeded(result.stream, result.runId, clock.now()), 'failed runs');
    // A run that read nothing says nothing about a quarantine state: it neither goes on nor ends.
    if (stats.recordsRead === 0) return;
    const condition = quarantineCondition(result.runId, stats, config.alerts.quarantineThreshold);
    if (!condition) {
      await reportRecovered(
        quarantines.succeeded(result.stream, result.runId, clock.now()),
        'quarantining runs',
      );
      return;
    }
    const verdict = quarantines.failed(result.stream, condition.failure, clock.now());
    if (verdict.alert) alert(ctx, { ...verdict.alert, data: condition.data });
  };

  const reportRecovered = async (recovered: SyncRecovered | undefined, what: string): Promise<void> => {
    if (!recovered) return;
    events.emit('recovered', recovered);
    logger.info({ ...recovered }, `stream ${recovered.stream} recovered`);
    await audit(ctx, {
      type: 'recovered',
      stream: recovered.stream,
      message: `stream ${recovered.stream} recovered after ${recovered.attempts} ${what} (${recovered.code})`,
      data: { ...recovered },
    });
  };

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

  // Sink set-up runs once per sink (single-flight: two streams starting together share it) and, across workers
  // sharing the store, one worker at a time under a store lease: Power BI allows duplicate dataset names, so two
  // workers creating "the" dataset at the same moment would create two.
  const ensureSink = (sink: SyncSink, signal?: AbortSignal): Promise<void> => {
    let pending = ensured.get(sink);
    if (!pending) {
      const tables = config.streams.filter((s) => s.sink === sink).map((s) => s.table);
      const quota = quotaStoreOf(store);
      pending = underSetupLease(
        () => sink.ensureTables(tables, { ...(signal ? { signal } : {}), ...(quota ? { quota } : {}) }),
        signal,
      );
      ensured.set(sink, pending);
      pending.catch(() => ensured.delete(sink)); // a failed set-up is tried again by the next run
    }
    return pending;
  };

  const underSetupLease = async (work: () => Promise<void>, signal?: AbortSignal): Promise<void> => {
    const deadline = clock.now() + SINK_SETUP_WAIT_MS;
    for (;;) {
      const lease = await store.acquireLease({
        name: SINK_SETUP_LEASE,
        owner: config.owner,
        ttlMs: SINK_SETUP_TTL_MS,
      });
      if (lease) {
        try {
          return await work();
        } finally {
          await store.releaseLease(lease).catch((error: unknown) => {
            logger.warn({ err: error }, 'could not release the sink set-up lease');
          });
        }
      }
      if (clock.now() >= deadline) {
        throw new SyncError({
          code: 'SYNC_STREAM_BUSY',
          message: `another worker has been setting up the sink for over ${SINK_SETUP_WAIT_MS / 1000} s; try again later`,
        });
      }
      await clock.sleep(1_000, signal);
    }
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
        await ensureSink(stream.sink, merged);
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
        await reportSuccess(result, stats);
        return result;
      } catch (error) {
        // The sink's container was deleted: set it up again next run (it then has a new identity, and each
        // stream posts its records again).
        if (isSinkSetupLost(error)) ensured.delete(stream.sink);
        await reportFailure(name, runId, error, hint, stats);
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
      const notBefore = failures.notBefore(stream.name);
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
      for (const sink of new Set(config.streams.map((s) => s.sink))) await ensureSink(sink);
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
      const total: ReplayResult = { replayed: [], refused: [], rowsPosted: 0 };
      const streams = replayOptions.stream ? [getStream(replayOptions.stream)] : config.streams;
      for (const stream of streams) {
        const letters = await store.listDeadLetters({
          stream: stream.name,
          status: ['open'],
          limit: 100_000,
          ...(replayOptions.ids ? { ids: replayOptions.ids } : {}),
        });
        if (letters.length === 0) continue;
        await ensureSink(stream.sink, hard.signal);
        const result = await withHeldLease(ctx, stream.name, config, async (held) => {
          const scope: RunScope = {
            ctx,
            stream,
            get lease() {
              return held.current();
            },
            signal: AbortSignal.any([hard.signal, held.signal]),
            stats: newRunStats(),
            runId: config.newId('replay'),
            afterBatch: () => held.renewIfDue(),
            keepLease: () => held.renewIfDue(),
            fence: (request) => held.fence(request),
            leaseAcquiredAt: held.acquiredAt,
            stopping: () => stopping,
          };
          return replayDeadLetters(scope, letters, { force: replayOptions.force ?? false });
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
    },
    discard: async (ids, discardOptions = {}) => {
      await openStore();
      const letters = await store.listDeadLetters({ ids: [...ids], status: ['open'], limit: ids.length });
      const byStream = new Map<string, DeadLetter[]>();
      for (const letter of letters)
        byStream.set(letter.stream, [...(byStream.get(letter.stream) ?? []), letter]);
      const discarded: string[] = [];
      for (const [name, group] of byStream) {
        const done = await withHeldLease(ctx, name, config, async (held) => {
          await store.setDeadLetterStatus(
            group.map((l) => l.id),
            'discarded',
            held.current(),
            clock.now(),
          );
          for (const letter of group) {
            await audit(ctx, {
              type: 'discarded',
              stream: name,
              ...(letter.key !== undefined ? { key: letter.key } : {}),
              ...(letter.batchId !== undefined ? { batchId: letter.batchId } : {}),
              message: `dead letter ${letter.id} discarded${discardOptions.reason ? `: ${discardOptions.reason}` : ''}`,
              data: { deadLetterId: letter.id, kind: letter.kind, reason: discardOptions.reason ?? null },
            });
          }
          return true;
        });
        if (!done) {
          throw new SyncError({
            code: 'SYNC_STREAM_BUSY',
            stream: name,
            message: `stream ${name} is running elsewhere; discard later`,
          });
        }
        discarded.push(...group.map((l) => l.id));
      }
      return discarded;
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
          const notBefore = failures.notBefore(name);
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
