import type { DecimalRounding } from '@mlc/core';
import type { SinkTable, SyncSink } from '../sink/sync-sink.js';
import type { SyncSource } from '../source/sync-source.js';
import type { StreamMode } from '../state-store/types.js';
import type { MappedRow } from './row-validation.js';

/**
 * When a stream runs by itself under `start()`: `'manual'` (only `run()` / `runStream()`), the nicknames
 * `'hourly'` / `'daily'` / `'weekly'` (at minute 0 / midnight / Monday midnight UTC), or a cron pattern with
 * an IANA time zone.
 */
export type Schedule = 'manual' | 'hourly' | 'daily' | 'weekly' | { cron: string; timezone?: string };

/**
 * What to do when the sink cannot count a batch's rows (Power BI tenants may disallow executeQueries):
 * `resend` (at least once; possible duplicates are audited), `skip` (at most once; audited and alerted),
 * `halt` (leave the intent open and fail the run until someone decides).
 */
export type UnverifiablePolicy = 'resend' | 'skip' | 'halt';

/** How an unknown POST outcome is verified by counting `_batch` rows. */
export interface VerificationOptions {
  /** Policy when counting is unsupported. @default 'halt' */
  whenUnsupported?: UnverifiablePolicy;
  /**
   * A count below the batch size is trusted only this long after the POST: push ingestion is not synchronous,
   * so applied rows may become visible to DAX some seconds later [inferred] powerbi.md executeQueries.
   * @default 30_000
   */
  settleMs?: number;
  /** Wait between two counts; two equal counts after the settle time are trusted. @default 5_000 */
  recheckMs?: number;
  /** Counts before giving up and leaving the intent open for the next run. @default 12 */
  maxReads?: number;
}

/** What a mapping sees besides the record. */
export interface MapContext {
  /** Stream name. */
  stream: string;
  /** Record key. */
  key: string;
  /** Raw update stamp. */
  stamp: string;
}

/** A mapping from a source record to one or more rows of the stream's table. Throw {@link RecordError} for bad data. */
export type StreamMapper<T> = (record: T, context: MapContext) => MappedRow | MappedRow[];

/** A stream: one source entity mapped into one sink table. */
export interface StreamDefinition<T = unknown> {
  /** Unique name (also the lease name and the key of its cursor and ledger). */
  name: string;
  /** Where records come from. */
  source: SyncSource<T>;
  /** Target table and its business columns. */
  table: SinkTable;
  /** Record → row(s). Throw {@link RecordError} for bad data; any other throw is quarantined too. */
  map(record: T, context: MapContext): MappedRow | MappedRow[];
  /** How rows are written. @default 'append' */
  mode?: StreamMode;
  /** When `start()` runs it. @default 'manual' */
  schedule?: Schedule;
  /** Rows per POST (≤ the sink's maximum, 10,000 for Power BI). @default 10_000 */
  batchSize?: number;
  /** The run reads up to `now − safetyLagMs`, leaving rows still being committed for the next run. @default 60_000 */
  safetyLagMs?: number;
  /** Re-read this far behind the cursor (the ledger makes it duplicate-free). @default 0 */
  lookbackMs?: number;
  /** Inclusive stamp to start from on the first run. @default everything */
  initialSince?: string;
  /** `replace` mode: remove keys the source no longer has (needs `source.keys`). @default false */
  reconcileDeletes?: boolean;
  /** Verification of unknown outcomes. */
  verification?: VerificationOptions;
  /** A sink for this stream only. @default the sync's sink */
  sink?: SyncSink;
  /**
   * Version of the stream's definition. When it differs from the version of the stream's last run, the run first
   * replays the stream's open record dead letters with the current mapping (audited, exactly once), so fixing a
   * mapping brings its parked records back by itself. Declare it (e.g. `'2'`) to control when that happens.
   * @default derived from the definition: a hash of the mapping's source text, the table and the mode (a change
   * of captured variables or of imported helpers is not seen: declare a version then)
   */
  version?: string | number;
  /**
   * Round Decimal values with more than the 4 fraction digits Power BI keeps (`123.456789`) with this rule
   * (`'half-even'` or `'half-up'`) instead of quarantining the record. Values needing more than 28 digits are
   * quarantined either way. @default refuse (quarantine with the reason)
   */
  decimalRounding?: DecimalRounding;
}

/** Identity helper that infers the record type of a stream from its source. */
export function defineStream<T>(definition: StreamDefinition<T>): StreamDefinition<T> {
  return definition;
}
