import type { DecimalRounding, QuotaStore, RequestOutcome } from '@mlc/core';
import type { Row } from '../state-store/types.js';
import type { FailureDescription } from '../alerts/failure-description.js';
import type { AlertSeverity } from '../alerts/sync-alert.js';

/**
 * The engine's column vocabulary, which every sink maps to its own types: `String` (text), `Int64` (a signed
 * 64-bit integer), `Double` (a finite binary float), `Decimal` (an exact decimal), `Boolean`, `DateTime` (an
 * instant, posted as ISO 8601 UTC). What values each accepts, and in which form they are hashed and posted, is
 * {@link checkRowByTypes}; a sink's own limits (a string length, a decimal scale) are its {@link SyncSink.checkRow}'s.
 */
export type SinkColumnType = 'String' | 'Int64' | 'Double' | 'Decimal' | 'Boolean' | 'DateTime';

/** A sink table: name and business columns (the engine adds `_version` / `_validFrom`; sinks add `_batch`). */
export interface SinkTable {
  /** Table name. */
  name: string;
  /** Column name → type, in order. */
  columns: Record<string, SinkColumnType>;
}

/** What happened to one POST of a batch: core's {@link RequestOutcome}, or `partial` (some of its requests landed). */
export type PostOutcome = RequestOutcome | 'partial';

/**
 * What a sink's set-up left, in the sink's own words: JSON without secrets (e.g. the Power BI dataset id and a
 * digest of each table definition sent). See {@link SyncSink.ensureTables}.
 */
export type SinkSetupNote = Readonly<Record<string, unknown>>;

/** Result of {@link SyncSink.post}. */
export interface PostResult {
  /**
   * `applied`: every row landed. `not-applied`: certainly nothing landed. `unknown`: the request may have
   * landed (never resent blindly). `partial`: some sub-requests landed, others not or unknown.
   */
  outcome: PostOutcome;
  /** The failure behind a non-applied outcome. */
  error?: unknown;
  /** Time spent waiting for the sink's quota (pacing or 429), for progress. */
  throttledMs?: number;
  /**
   * With `not-applied`: the sink was throttled for longer than it waits inside one call. Nothing of the batch was
   * applied; post it again no sooner than this many ms from now. The engine parks the stream meanwhile — never a
   * failed batch.
   */
  retryAfterMs?: number;
  /**
   * With `not-applied`: no retry and no dead letter can help until a person acts (e.g. the table is full). The
   * engine keeps the batch intent open (nothing is lost; the next run verifies and posts it again) and fails the
   * run with `error`, whose code becomes the alert's.
   */
  fatal?: boolean;
  /**
   * With a `fatal` not-applied result: the sink's set-up is gone (the Power BI dataset was deleted). The engine
   * sets the sink up again on the next run ({@link SyncSink.ensureTables}), which gives it a new
   * {@link SyncSink.identity}, and then posts every record again (the ledger described rows that are gone).
   */
  setupLost?: boolean;
  /** Conditions the operator should know about even though the post went on (e.g. a table nearing its cap). */
  alerts?: SinkAlert[];
}

/**
 * A condition a sink reports with a post; the engine raises it as an alert (severity and remedy are the sink's;
 * without them the engine's generic advice for the `sink` phase).
 */
export interface SinkAlert {
  /** Stable code (`PBI_TABLE_NEARLY_FULL`, ...). */
  code: string;
  /** What happened. */
  message: string;
  /** How urgent it is. @default `error` */
  severity?: AlertSeverity;
  /** What to do about it (the sink knows its destination best). @default the engine's advice for the phase */
  remedy?: string;
  /** Facts (counts, the table...). */
  data?: Record<string, unknown>;
}

/** What {@link SyncSink.checkRow} is asked. */
export interface RowCheckRequest {
  /** The table as the stream declared it (business columns). */
  table: SinkTable;
  /** The mapped row: only table columns, absent values as `null`. */
  row: Readonly<Record<string, unknown>>;
  /** The stream's rounding rule for Decimal values with more than 4 fraction digits (absent: refuse them). */
  decimalRounding?: DecimalRounding;
}

/** Result of {@link SyncSink.checkRow}: the row in the exact form it will be posted and hashed, or why not. */
export type RowCheckResult = { ok: true; row: Row } | { ok: false; field?: string; reason: string };

/**
 * Where rows go. Swappable: the Power BI push client is the first implementation (`powerBISink` of
 * `@mlc/sync-engine/powerbi`); Microsoft
 * ends the creation of new push datasets after 2027-10-31, so other sinks must fit here.
 */
export interface SyncSink {
  /** Rows one `post` may carry. @default 10_000 */
  readonly maxRowsPerPost?: number;
  /**
   * The longest one HTTP request of `post` can be in flight (its timeout), for the fencing argument: the engine
   * sends a request only while its lease outlasts it, and a worker taking a stream over waits this long past the
   * takeover before it trusts a zero count. @default 0 (requests that never outlive the `post` call)
   */
  readonly requestTimeoutMs?: number;
  /**
   * Checks a mapped row against the exact rules `post` will apply and returns it normalised (the form that is
   * hashed, stored and posted). The engine calls it for every row before batching; a refusal quarantines that
   * record (a record dead letter), never a batch, so `post` must not refuse a row this let through. Without it
   * the engine applies {@link checkRowByTypes} (the vocabulary's own rules, no destination limits). The Power BI
   * sink (`@mlc/sync-engine/powerbi`) checks the Power BI push rules here.
   */
  checkRow?(request: RowCheckRequest): RowCheckResult;
  /**
   * Which container the tables live in once {@link SyncSink.ensureTables} ran (the Power BI dataset id), or
   * `undefined` when the sink cannot tell. The engine remembers it per stream: when it changes (the dataset was
   * deleted and created again), the rows the stream's ledger describes are gone, so the stream's ledger is voided
   * and every record is read and posted again, once.
   */
  identity?(): string | undefined;
  /**
   * Creates or checks the tables (each also gets a String `_batch` column). `quota` is the state store's shared
   * quota when the store has one (§optional.quota): a sink that paces its requests keeps its windows there, so
   * every process writing the same destination shares them and a restart resumes them.
   *
   * `lastSetup` is what {@link SyncSink.setupNote} said after the last successful set-up of a sink with the same
   * tables, in any process sharing the store: work it shows done (a table definition already sent) need not be
   * redone on every start. A hint the sink checks against what it finds, never a reason to skip a check that
   * matters for correctness.
   */
  ensureTables(
    tables: readonly SinkTable[],
    options: { signal?: AbortSignal; quota?: QuotaStore; lastSetup?: SinkSetupNote },
  ): Promise<void>;
  /**
   * Optional, read-only: sets the sink up as {@link SyncSink.ensureTables} would when the destination is exactly as
   * the set-up that left `lastSetup` made it, so that `ensureTables` would create and change nothing (the Power BI
   * sink: the dataset the note names is the one found by name, and every table definition is the one the note
   * records). Resolves `true` when the sink is then set up (same {@link SyncSink.identity}, same
   * {@link SyncSink.setupNote} as after `ensureTables`), `false` when `ensureTables` must run. It must never create or
   * change anything in the destination: the engine calls it without the store lease under which one worker at a
   * time runs `ensureTables` (two durable store writes saved on every start). Errors fail the run as
   * `ensureTables`' would. @default every set-up runs `ensureTables` under that lease
   */
  findSetup?(
    tables: readonly SinkTable[],
    options: { signal?: AbortSignal; quota?: QuotaStore; lastSetup: SinkSetupNote },
  ): Promise<boolean>;
  /**
   * Names the destination before it is set up (the Power BI sink: workspace id and dataset name), so that sinks with
   * the same table names sharing one store — one service writing the same tables for several companies — keep
   * separate set-up notes ({@link SyncSink.setupNote}) instead of overwriting each other's on every start.
   * @default sinks are told apart by their table names only
   */
  setupKey?(): string;
  /**
   * After a successful {@link SyncSink.ensureTables}: what that set-up left, for the next one (the engine keeps it
   * in a named slot of the state store and passes it back as `lastSetup`). @default nothing is kept
   */
  setupNote?(): SinkSetupNote | undefined;
  /**
   * Optional: confirms, at the start of a later run of the same process, that the container set up by an earlier
   * {@link SyncSink.ensureTables} still exists (the Power BI sink lists the workspace's datasets: one GET). Throws an
   * error marked by `markSinkSetupLost` when it is gone: the engine then sets the sink up again at once, and the new
   * {@link SyncSink.identity} makes the stream post every record again, with a `SYNC_SINK_RECREATED` alert. Any other
   * error fails the run in the `sink-setup` phase, so a destination that stopped answering is reported even by runs
   * that have nothing to post. Without it, a container deleted while nothing changes is only noticed at the next
   * POST, and nobody is told meanwhile. Not called right after a set-up, which checked already.
   */
  checkSetup?(options: { signal?: AbortSignal }): Promise<void>;
  /**
   * Appends `rows`, each with `_batch = batchId`. Must not resend on its own a request that may have landed. Must
   * call `beforeSend` right before every HTTP request that carries rows (each split request, each retry) and not
   * send that request — nor any later one — when it throws: the engine's fencing check.
   */
  post(request: {
    table: string;
    rows: readonly Row[];
    batchId: string;
    signal?: AbortSignal;
    beforeSend?: (request: { timeoutMs: number }) => void | Promise<void>;
  }): Promise<PostResult>;
  /**
   * Rows whose `_batch` is `batchId`, or `'unsupported'` when the sink cannot count (policy decides). Resolve
   * only with a count the sink really read; reject when the answer holds none (the engine then treats the outcome
   * as unknown and never resends on it). Anything but a non-negative integer is treated the same way.
   */
  countBatch(request: {
    table: string;
    batchId: string;
    signal?: AbortSignal;
  }): Promise<number | 'unsupported'>;
  /** Deletes every row of the table. */
  clear(request: { table: string; signal?: AbortSignal }): Promise<void>;
  /**
   * Optional: describes `error` to the operator (code, phase, severity, remedy) when it is one of this sink's own
   * failures, else `undefined`. The engine asks it for every failed run of a stream writing to this sink; without
   * it (or for an error it does not claim) the alert has the engine's generic advice for the phase.
   */
  describeFailure?(error: unknown): FailureDescription | undefined;
}
