import type { DecimalRounding } from '@mlc/core';
import type { Clock, Logger } from '@mlc/core';
import { alertAdvice } from '../alerts/alert-catalog.js';
import type { SyncAlert, SyncAlertInput } from '../alerts/sync-alert.js';
import { SyncError } from '../errors/sync-error.js';
import type { SyncEventEmitter } from '../events/sync-event-emitter.js';
import type { SyncTelemetry } from '../observability/sync-telemetry.js';
import type { SinkTable, SyncSink } from '../sink/sync-sink.js';
import type { SyncSource } from '../source/sync-source.js';
import type { StateStore } from '../state-store/state-store.js';
import type { AuditEntryInput, Lease, StreamMode } from '../state-store/types.js';
import type { Schedule, StreamMapper, VerificationOptions } from '../definition/define-stream.js';

/**
 * Points of the batch protocol where {@link SyncHooks.onProtocolStep} is called. Throwing from the hook
 * simulates a crash at that point (the state store keeps what was written before it).
 */
export type ProtocolStep =
  | 'intent-written'
  | 'before-post'
  | 'post-returned'
  | 'committed'
  | 'verify-count'
  | 'snapshot-committed'
  | 'rebuild-cleared'
  | 'rebuild-chunk-posted';

/** Diagnostic hooks (fault injection in tests, tracing in hosts). */
export interface SyncHooks {
  /** Called at each protocol step; a throw aborts the run right there, as a crash would. */
  onProtocolStep?(step: ProtocolStep, info: { stream: string; batchId?: string }): void | Promise<void>;
}

/** A stream with every default filled in. */
export interface ResolvedStream {
  /** Name. */
  name: string;
  /** Source. */
  source: SyncSource<unknown>;
  /** The table as posted (with `_version` / `_validFrom` in versioned mode). */
  table: SinkTable;
  /** The user's table (business columns only). */
  businessTable: SinkTable;
  /** Mapping. */
  map: StreamMapper<unknown>;
  /** Mode. */
  mode: StreamMode;
  /** Schedule. */
  schedule: Schedule;
  /** Rows per batch. */
  batchSize: number;
  /** Safety lag. */
  safetyLagMs: number;
  /** Lookback. */
  lookbackMs: number;
  /** First-run lower bound. */
  initialSince?: string;
  /** Delete reconciliation. */
  reconcileDeletes: boolean;
  /** Verification. */
  verification: Required<VerificationOptions>;
  /** Sink. */
  sink: SyncSink;
  /** Declared or derived version of the definition (a change replays open record dead letters). */
  version: string;
  /** Rounding of Decimal values beyond 4 fraction digits (absent: such values are refused). */
  decimalRounding?: DecimalRounding;
}

/** Everything engine functions share. */
export interface EngineContext {
  /** Store. */
  store: StateStore;
  /** Clock. */
  clock: Clock;
  /** Logger. */
  logger: Logger;
  /** Events. */
  events: SyncEventEmitter;
  /** Telemetry. */
  telemetry: SyncTelemetry;
  /** Hooks. */
  hooks: SyncHooks;
  /** Unique id with a prefix. */
  newId(prefix: string): string;
}

/** Mutable counters of one run (or replay). */
export interface RunStats {
  recordsRead: number;
  recordsUnchanged: number;
  recordsQuarantined: number;
  /** The first record quarantined in the run (for the quarantine alert). */
  firstQuarantine?: { key?: string; field?: string; reason: string; stage: 'source' | 'map' };
  rowsPosted: number;
  batches: number;
  throttledMs: number;
  /** Time spent waiting only for batches of unknown outcome to settle (the run result's `settleWaitMs`). */
  settleWaitMs: number;
  intentsResolved: number;
  rebuilt: boolean;
  /**
   * The error the last failed source read of this run threw, if one did: when the run fails with it, the failure
   * is a `source` failure whatever its code (see {@link sourceFailed}).
   */
  sourceFailure?: unknown;
}

/** Creates zeroed counters. */
export function newRunStats(): RunStats {
  return {
    recordsRead: 0,
    recordsUnchanged: 0,
    recordsQuarantined: 0,
    rowsPosted: 0,
    batches: 0,
    throttledMs: 0,
    settleWaitMs: 0,
    intentsResolved: 0,
    rebuilt: false,
  };
}

/** Records that `error` came out of a source read of the run counted by `stats`; returns it for `throw sourceFailed(...)`. */
export function sourceFailed(stats: RunStats, error: unknown): unknown {
  stats.sourceFailure = error;
  return error;
}

/** What protocol functions need about the current stream run. */
export interface RunScope {
  /** Shared context. */
  ctx: EngineContext;
  /** Stream. */
  stream: ResolvedStream;
  /** The stream lease (the fence of every write). */
  lease: Lease;
  /** Hard abort (stop timeout). */
  signal: AbortSignal;
  /** Counters. */
  stats: RunStats;
  /** Run id. */
  runId: string;
  /** Called after each committed batch (progress, lease renewal). */
  afterBatch(): Promise<void>;
  /** Renews the lease when half its TTL has passed: for long stretches without batches (a key listing). */
  keepLease(): Promise<void>;
  /**
   * The fencing check before every request that posts rows (passed to the sink as `beforeSend`): throws
   * `SYNC_LEASE_LOST` and aborts `signal` unless the lease is held for longer than such a request can take.
   */
  fence(request: { timeoutMs: number }): Promise<void>;
  /**
   * Local time just before this run's lease was granted. An intent found open may have a POST of the previous
   * holder still in flight: its settle time counts from here plus the sink's request timeout.
   */
  leaseAcquiredAt: number;
  /** True once a graceful stop was requested: no new batch may start. */
  stopping(): boolean;
}

/** The error to throw for an aborted run: the signal's reason, or `SYNC_STOPPED`. */
export function abortError(signal: AbortSignal): unknown {
  return (
    signal.reason ??
    new SyncError({ code: 'SYNC_STOPPED', message: 'sync aborted; open intents are verified next run' })
  );
}

/** Throws `SYNC_STOPPED` when a graceful stop was requested (checked before a new batch starts). */
export function throwIfStopping(scope: RunScope): void {
  if (scope.stopping()) {
    throw new SyncError({
      code: 'SYNC_STOPPED',
      stream: scope.stream.name,
      message: `stream ${scope.stream.name}: stopped before the next batch`,
    });
  }
}

/** Appends an audit entry and emits it; audit failures are logged, never fatal to the protocol. */
export async function audit(ctx: EngineContext, entry: Omit<AuditEntryInput, 'at'>): Promise<void> {
  await writeAudit(ctx, [auditEntry(ctx, entry)]);
}

/** An audit entry stamped now, to be written later with others by {@link writeAudit}. */
export function auditEntry(ctx: EngineContext, entry: Omit<AuditEntryInput, 'at'>): AuditEntryInput {
  return { at: ctx.clock.now(), ...entry };
}

/**
 * Emits audit entries and appends them in one store write (one transaction, where a store has them); failures are
 * logged, never fatal to the protocol.
 */
export async function writeAudit(ctx: EngineContext, entries: readonly AuditEntryInput[]): Promise<void> {
  if (entries.length === 0) return;
  for (const entry of entries) ctx.events.emit('audit', entry);
  try {
    await ctx.store.appendAudit(entries);
  } catch (error) {
    ctx.logger.error(
      { err: error, audit: entries[0]?.type, entries: entries.length },
      'could not write audit entry',
    );
  }
}

/**
 * Raises an alert: fills in severity and remedy from the code's catalogue entry (unless given), `since` (now)
 * and `attempts` (1) for one-off alerts, logs it (`error` for critical, else `warn`) and emits `alert`.
 */
export function alert(ctx: EngineContext, input: SyncAlertInput): SyncAlert {
  const advice = alertAdvice(input.code, input.phase);
  const event: SyncAlert = {
    ...input,
    severity: input.severity ?? advice.severity,
    remedy: input.remedy ?? advice.remedy,
    since: input.since ?? ctx.clock.now(),
    attempts: input.attempts ?? 1,
    reminder: input.reminder ?? false,
  };
  if (event.severity === 'critical') ctx.logger.error({ alert: event }, event.message);
  else ctx.logger.warn({ alert: event }, event.message);
  ctx.events.emit('alert', event);
  return event;
}

/** Calls the protocol hook. */
export async function step(scope: RunScope, name: ProtocolStep, batchId?: string): Promise<void> {
  await scope.ctx.hooks.onProtocolStep?.(name, {
    stream: scope.stream.name,
    ...(batchId ? { batchId } : {}),
  });
}
