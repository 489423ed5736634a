import { type Clock, type LogLevel, type Logger, defaultLogger, systemClock } from '@mlc/core';
import type { ResolvedStream, SyncHooks } from '../engine/engine-context.js';
import { SyncError } from '../errors/sync-error.js';
import { contentHash } from '../ledger/content-hash.js';
import type { SecretKey } from '../secrets/secret-box.js';
import type { SyncSink } from '../sink/sync-sink.js';
import type { StateStore } from '../state-store/state-store.js';
import type { StreamDefinition, VerificationOptions } from '../definition/define-stream.js';
import { postedTableOf } from '../definition/posted-table.js';

/** Stream settings that can be defaulted for every stream of a sync. */
export interface StreamDefaults {
  /** @default the sink's maximum (10_000 for Power BI) */
  batchSize?: number;
  /** @default 60_000 */
  safetyLagMs?: number;
  /** @default 0 */
  lookbackMs?: number;
  /** @default see {@link VerificationOptions} */
  verification?: VerificationOptions;
}

/** How failures and quarantines are alerted. */
export interface AlertOptions {
  /** While a stream keeps failing, its alert is repeated this often. @default 3_600_000 (1 h) */
  reminderMs?: number;
  /**
   * Configuration and credential failures back off exponentially from the schedule interval up to this wait
   * between two scheduled attempts (never below the interval). @default 3_600_000 (1 h)
   */
  backoffMaxMs?: number;
  /**
   * A run whose quarantined records exceed this share of the records it read raises an alert (a run that
   * quarantines every record always does). @default 0.05
   */
  quarantineThreshold?: number;
}

/** Options of {@link createSync}. */
export interface SyncOptions {
  /** Where cursors, ledger, intents, dead letters, leases, audit and secrets live. */
  store: StateStore;
  /** Default sink of every stream (a stream may bring its own). */
  sink?: SyncSink;
  /**
   * The streams. Names must be unique. (`map` is declared with method syntax, so a stream of any record type
   * fits here.)
   */
  streams: ReadonlyArray<StreamDefinition<unknown>>;
  /** Time source (inject `TestClock` in tests). @default systemClock */
  clock?: Clock;
  /**
   * Pino-compatible logger. @default warnings and errors to stderr, like the Octokit and Azure SDK loggers (see
   * `logLevel`); pass `silentLogger` (or `logLevel: 'silent'`) for silence
   */
  logger?: Logger;
  /** Level of the default stderr logger (ignored when `logger` is given). @default `MLC_LOG_LEVEL`, else 'warn' */
  logLevel?: LogLevel;
  /** Lease owner id of this instance. @default a random id */
  owner?: string;
  /**
   * Lease time to live. While a run holds it, a heartbeat renews it every `leaseRenewIntervalMs`, and every POST
   * of rows first checks that at least the sink's request timeout plus one renew interval is left (fencing). Must
   * be at least 2 × `leaseRenewIntervalMs` + the longest sink request timeout (`SyncSink.requestTimeoutMs`):
   * other values are refused with `SYNC_CONFIG_INVALID`. @default 300_000
   */
  leaseTtlMs?: number;
  /**
   * Heartbeat interval of the stream lease while a run holds it.
   * @default min(leaseTtlMs / 4, (leaseTtlMs − the longest sink request timeout) / 3)
   */
  leaseRenewIntervalMs?: number;
  /** Defaults for every stream. */
  defaults?: StreamDefaults;
  /** Key (32 bytes) for the encrypted secret slots; needed by `tokenStore()`. */
  secretKey?: SecretKey;
  /** How long `stop()` waits for an in-flight batch before aborting it (its intent stays open). @default 60_000 */
  stopTimeoutMs?: number;
  /** Alerting of failures and quarantines. */
  alerts?: AlertOptions;
  /** Diagnostic hooks (fault injection). */
  hooks?: SyncHooks;
  /** Id generator for batches and runs. @default crypto.randomUUID-based */
  newId?: (prefix: string) => string;
}

/** Options with defaults applied. */
export interface ResolvedSyncOptions {
  /** Store. */
  store: StateStore;
  /** Streams. */
  streams: ResolvedStream[];
  /** Clock. */
  clock: Clock;
  /** Logger. */
  logger: Logger;
  /** Lease owner. */
  owner: string;
  /** Lease TTL. */
  leaseTtlMs: number;
  /** Lease heartbeat interval. */
  leaseRenewIntervalMs: number;
  /** Secret key. */
  secretKey?: SecretKey;
  /** Stop timeout. */
  stopTimeoutMs: number;
  /** Alerting. */
  alerts: Required<AlertOptions>;
  /** Hooks. */
  hooks: SyncHooks;
  /** Id generator. */
  newId: (prefix: string) => string;
}

const DEFAULT_MAX_ROWS = 10_000;
const RESERVED = ['_batch', '_version', '_validFrom'];

/** Fills in defaults once and validates the configuration (loud `SYNC_CONFIG_INVALID` errors). */
export function resolveSyncOptions(options: SyncOptions): ResolvedSyncOptions {
  const seen = new Set<string>();
  const streams = options.streams.map((def) => {
    if (!def.name || seen.has(def.name))
      invalid(def.name, `stream names must be unique and non-empty (${JSON.stringify(def.name)})`);
    seen.add(def.name);
    return resolveStream(def, options);
  });
  for (const s of streams) {
    const other = streams.find((x) => x !== s && x.sink === s.sink && x.table.name === s.table.name);
    if (other) invalid(s.name, `table ${s.table.name} is also written by stream ${other.name}`);
  }
  const { leaseTtlMs, leaseRenewIntervalMs } = resolveLeaseTiming(options, streams);
  let counter = 0;
  return {
    store: options.store,
    streams,
    clock: options.clock ?? systemClock,
    logger: defaultLogger(options.logger, options.logLevel),
    owner: options.owner ?? `sync-${globalThis.crypto.randomUUID()}`,
    leaseTtlMs,
    leaseRenewIntervalMs,
    stopTimeoutMs: options.stopTimeoutMs ?? 60_000,
    alerts: resolveAlerts(options.alerts),
    hooks: options.hooks ?? {},
    newId:
      options.newId ??
      ((prefix) => `${prefix}_${globalThis.crypto.randomUUID()}_${(++counter).toString(36)}`),
    ...(options.secretKey !== undefined ? { secretKey: options.secretKey } : {}),
  };
}

/** One stream's definition with the sync's defaults filled in, validated. */
function resolveStream(def: SyncOptions['streams'][number], options: SyncOptions): ResolvedStream {
  const sink = def.sink ?? options.sink;
  if (!sink) invalid(def.name, 'no sink: pass `sink` to createSync or to the stream');
  const maxRows = sink.maxRowsPerPost ?? DEFAULT_MAX_ROWS;
  const batchSize = def.batchSize ?? options.defaults?.batchSize ?? maxRows;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > maxRows) {
    invalid(def.name, `batchSize must be an integer in [1, ${maxRows}], got ${batchSize}`);
  }
  for (const column of Object.keys(def.table.columns)) {
    if (RESERVED.includes(column)) invalid(def.name, `column ${column} is reserved by the engine`);
  }
  const mode = def.mode ?? 'append';
  const table = postedTableOf({ table: def.table, mode });
  const verification = { ...options.defaults?.verification, ...def.verification };
  const resolved: ResolvedStream = {
    name: def.name,
    source: def.source,
    table,
    businessTable: def.table,
    map: (record, context) => def.map(record, context),
    mode,
    schedule: def.schedule ?? 'manual',
    batchSize,
    safetyLagMs: def.safetyLagMs ?? options.defaults?.safetyLagMs ?? 60_000,
    lookbackMs: def.lookbackMs ?? options.defaults?.lookbackMs ?? 0,
    reconcileDeletes: def.reconcileDeletes ?? false,
    verification: {
      whenUnsupported: verification.whenUnsupported ?? 'halt',
      settleMs: verification.settleMs ?? 30_000,
      recheckMs: verification.recheckMs ?? 5_000,
      maxReads: verification.maxReads ?? 12,
    },
    sink,
    version:
      def.version !== undefined
        ? String(def.version)
        : `derived:${contentHash({ map: String(def.map), table: def.table, mode }).slice(0, 16)}`,
    ...(def.initialSince !== undefined ? { initialSince: def.initialSince } : {}),
    ...(def.decimalRounding !== undefined ? { decimalRounding: def.decimalRounding } : {}),
  };
  if (resolved.reconcileDeletes && (mode !== 'replace' || !def.source.keys)) {
    invalid(def.name, 'reconcileDeletes needs mode replace and a source with keys()');
  }
  return resolved;
}

/**
 * The lease TTL and heartbeat interval. The fencing argument (docs/architecture.md): a POST starts only with
 * timeout + one renew interval of lease left, so it ends before the lease can run out even if the next heartbeat
 * fails; that needs TTL ≥ 2R + T.
 */
function resolveLeaseTiming(
  options: SyncOptions,
  streams: readonly ResolvedStream[],
): { leaseTtlMs: number; leaseRenewIntervalMs: number } {
  const leaseTtlMs = options.leaseTtlMs ?? 300_000;
  const requestTimeoutMs = Math.max(0, ...streams.map((s) => s.sink.requestTimeoutMs ?? 0));
  const leaseRenewIntervalMs =
    options.leaseRenewIntervalMs ?? Math.floor(Math.min(leaseTtlMs / 4, (leaseTtlMs - requestTimeoutMs) / 3));
  if (!Number.isFinite(leaseTtlMs) || leaseTtlMs <= 0) invalid(undefined, 'leaseTtlMs must be > 0');
  if (!Number.isFinite(leaseRenewIntervalMs) || leaseRenewIntervalMs <= 0) {
    invalid(
      undefined,
      `leaseRenewIntervalMs must be > 0 (leaseTtlMs ${leaseTtlMs} ms leaves no room next to the sink's request timeout of ${requestTimeoutMs} ms)`,
    );
  }
  if (leaseTtlMs < 2 * leaseRenewIntervalMs + requestTimeoutMs) {
    invalid(
      undefined,
      `leaseTtlMs (${leaseTtlMs} ms) must be at least 2 × leaseRenewIntervalMs (${leaseRenewIntervalMs} ms) + the sink's request timeout (${requestTimeoutMs} ms) = ${2 * leaseRenewIntervalMs + requestTimeoutMs} ms: otherwise a POST could outlive the lease and another worker could resend the same rows`,
    );
  }
  return { leaseTtlMs, leaseRenewIntervalMs };
}

function invalid(stream: string | undefined, message: string): never {
  throw new SyncError({
    code: 'SYNC_CONFIG_INVALID',
    message: stream ? `stream ${stream}: ${message}` : message,
    ...(stream ? { stream } : {}),
  });
}

function resolveAlerts(options: AlertOptions = {}): Required<AlertOptions> {
  const alerts = {
    reminderMs: options.reminderMs ?? 3_600_000,
    backoffMaxMs: options.backoffMaxMs ?? 3_600_000,
    quarantineThreshold: options.quarantineThreshold ?? 0.05,
  };
  for (const [name, value] of Object.entries(alerts)) {
    if (!Number.isFinite(value) || value < 0)
      invalid(undefined, `alerts.${name} must be a number >= 0, got ${value}`);
  }
  if (alerts.quarantineThreshold > 1) {
    invalid(undefined, `alerts.quarantineThreshold is a share in [0, 1], got ${alerts.quarantineThreshold}`);
  }
  return alerts;
}
