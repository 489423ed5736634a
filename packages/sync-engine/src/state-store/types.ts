import type { MonotonicReading } from '@mlc/core';
import type { StreamCursor } from '../cursor/stream-cursor.js';

/** A value in a posted row. DateTime values are ISO-8601 UTC strings. */
export type RowValue = string | number | boolean | null;

/** One row as posted to the sink (without the sink's own `_batch` column). */
export type Row = Record<string, RowValue>;

/** How a stream writes to its table. */
export type StreamMode = 'append' | 'versioned' | 'replace';

/** The version of the state-store data layout this engine reads and writes. */
export const STATE_STORE_SCHEMA_VERSION = 3;

/**
 * A fencing token: the lease on the stream (lease name = stream name) under which a write is made. A store
 * rejects a fenced write when a newer token was issued for that name since, or when the lease was released.
 */
export interface Fence {
  /** Lease name; the engine uses the stream name. */
  name: string;
  /** Token issued by `acquireLease`, strictly increasing per name. */
  token: number;
}

/** A granted lease. It is also a {@link Fence}. */
export interface Lease extends Fence {
  /** Who holds it (one id per engine instance). */
  owner: string;
  /** Epoch ms after which another owner may take it. */
  expiresAt: number;
}

/** What the ledger remembers per record key of a stream. */
export interface LedgerEntry {
  /** Record key. */
  key: string;
  /** Content hash of the mapped rows last posted (or staged, in `replace` mode). */
  hash: string;
  /** How many versions were posted (1 for append; grows in versioned mode). */
  version: number;
  /** Latest content hash seen after posting when it differs (append mode: changed-after-post, audited once). */
  seenHash?: string;
  /** Raw stamp of the record version behind `hash`. */
  stamp?: string;
  /**
   * Fingerprint of the raw record last decided for this key, keyed by the stream's version (layout 2): a record
   * read again with the same fingerprint is unchanged without being validated, mapped or hashed. Absent when the
   * source gives none (or for entries written before layout 2): such records take the full path. A write without
   * it clears the stored one.
   */
  fingerprint?: string;
  /** `replace` mode: the latest mapped rows of the key (the snapshot the table is rebuilt from). */
  rows?: Row[];
}

/** A ledger change carried by a batch and applied atomically with its commit. */
export interface LedgerWrite extends LedgerEntry {
  /** Remove the key from the ledger (delete reconciliation in `replace` mode). */
  delete?: boolean;
  /**
   * Rows this write contributed to the batch's `rows`, laid out in entry order (a key may appear twice in a
   * versioned batch). Lets a failed batch be replayed key by key. Not part of the ledger entry.
   */
  rowCount?: number;
}

/**
 * What a batch intent is for:
 * - `rows`: rows posted to the sink (append / versioned, or replayed rows);
 * - `state`: no POST, only ledger and cursor (records read but all unchanged);
 * - `snapshot`: no POST, `replace`-mode snapshot updates staged for a rebuild;
 * - `rebuild`: the `replace`-mode table rebuild, a sequence of chunks under this one intent.
 */
export type BatchKind = 'rows' | 'state' | 'snapshot' | 'rebuild';

/** Life cycle of a batch. */
export type BatchStatus = 'open' | 'committed' | 'failed' | 'quarantined';

/** Progress of a `rebuild` intent, updated durably before and after each chunk. */
export interface RebuildProgress {
  /** `clear`: table not yet cleared for this rebuild; `post`: cleared, posting chunks in key order. */
  phase: 'clear' | 'post';
  /** Last snapshot key whose rows are known to be in the table (chunks are posted in key order). */
  postedThroughKey?: string;
  /** Number of chunks known posted. */
  chunksPosted: number;
  /** Rows known posted. */
  rowsPosted: number;
  /** The chunk being posted, durable before its POST. */
  inflight?: {
    /** `_batch` value of the chunk rows. */
    batchId: string;
    /** Last key in the chunk. */
    toKey: string;
    /** Rows in the chunk. */
    rowCount: number;
    /** Epoch ms of the last POST attempt. */
    postedAt: number;
    /**
     * Epoch ms at which that POST's answer arrived, outcome unknown (on the answering worker's clock). Each in-flight
     * record is one POST: posting the chunk again records a new one without it.
     */
    answeredAt?: number;
    /** The machine's monotonic clock at that answer (see {@link BatchIntent.answeredOn}). */
    answeredOn?: MonotonicReading;
  };
}

/** Why a batch failed or was quarantined. */
export interface BatchFailure {
  /** Stable code, e.g. `SYNC_BATCH_FAILED`, `SYNC_BATCH_QUARANTINED`. */
  code: string;
  /** Message (no secrets). */
  message: string;
  /** Rows counted in the sink for the batch id, when verification ran. */
  counted?: number;
  /** Rows the batch holds. */
  expected?: number;
}

/**
 * A batch as the store keeps it. Written as an intent (status `open`) before the POST, holding everything
 * needed to resend the same rows byte for byte and to commit without re-reading the source.
 */
export interface BatchIntent {
  /** Unique id, also the `_batch` column value of every posted row. */
  batchId: string;
  /** Stream name (the fence must be the lease of this name). */
  stream: string;
  /** Sink table. */
  table: string;
  /** What the batch is for. */
  kind: BatchKind;
  /** Mode of the stream. */
  mode: StreamMode;
  /** Rows to post, in order (without `_batch`). Stores may drop them once the batch is no longer open. */
  rows: Row[];
  /** Ledger writes applied on commit. Stores may drop them once the batch is no longer open. */
  entries: LedgerWrite[];
  /** The stream's cursor after this batch; absent = unchanged. */
  cursor?: StreamCursor;
  /** Dead-letter ids this batch replays; they are marked replayed on commit. */
  replayOf?: string[];
  /** Number of rows (kept after rows are pruned). */
  rowCount: number;
  /** Epoch ms the intent was written. */
  createdAt: number;
  /** Epoch ms of the last POST attempt (set before each POST). */
  postedAt?: number;
  /**
   * Epoch ms at which the answer of a POST with an unknown outcome arrived, on the answering worker's clock. Kept
   * for people (status, audit); a takeover trusts {@link BatchIntent.answeredAttempt} to know which POST it was.
   */
  answeredAt?: number;
  /**
   * The attempt (the value of `attempts` when it was sent) whose POST was answered, outcome unknown. When it is the
   * last attempt, that POST is no longer in flight: a takeover need not wait a request timeout. Absent in intents
   * written before this field existed, or by a store that drops it: a takeover then waits the full time.
   */
  answeredAttempt?: number;
  /**
   * The monotonic clock's reading at that answer, with the clock's identity (see `Clock.monotonic` in
   * `@mlc/core`). A takeover on the same machine counts the settle time from the answer instead of from its own
   * start. Store it as given, `clock` as a string and `ms` as a number; a store that drops it only makes takeovers
   * wait longer.
   */
  answeredOn?: MonotonicReading;
  /** POST attempts so far. */
  attempts: number;
  /** Status. */
  status: BatchStatus;
  /** `rebuild` kind: progress. */
  rebuild?: RebuildProgress;
  /** Epoch ms of commit / failure. */
  settledAt?: number;
  /** Failure details for `failed` / `quarantined`. */
  failure?: BatchFailure;
}

/** Fields a running batch may update before it settles. */
export interface BatchIntentPatch {
  /** Epoch ms of the POST about to be sent. */
  postedAt?: number;
  /** Epoch ms at which the answer of the last POST arrived, outcome unknown (see {@link BatchIntent.answeredAt}). */
  answeredAt?: number;
  /** The attempt that answer belongs to (see {@link BatchIntent.answeredAttempt}). */
  answeredAttempt?: number;
  /** The monotonic clock's reading at that answer (see {@link BatchIntent.answeredOn}). */
  answeredOn?: MonotonicReading;
  /** POST attempts so far. */
  attempts?: number;
  /** New rebuild progress. */
  rebuild?: RebuildProgress;
}

/** How a batch ends when it did not commit normally. */
export interface BatchFailOptions {
  /** Why. */
  failure: BatchFailure;
  /**
   * `quarantined` when the sink may hold part of the rows (partial count): the ledger entries and cursor are
   * applied anyway so the rows are never re-posted automatically, and a dead letter keeps them for a human.
   * `failed` when nothing was applied: ledger and cursor stay as they were.
   */
  status: 'failed' | 'quarantined';
  /** Id of the dead letter the store creates for the batch. */
  deadLetterId: string;
  /** Epoch ms. */
  at: number;
}

/** Options of a commit. */
export interface BatchCommitOptions {
  /** Epoch ms. */
  at: number;
}

/** State of a dead letter. */
export type DeadLetterStatus = 'open' | 'replayed' | 'discarded';

/** A quarantined record or batch, kept with everything needed to understand and replay it. */
export interface DeadLetter {
  /** Stable id (deterministic for records, so re-reading the same bad record does not add a second letter). */
  id: string;
  /** Stream. */
  stream: string;
  /** A bad record, or a batch that failed / was quarantined. */
  kind: 'record' | 'batch';
  /** Status. */
  status: DeadLetterStatus;
  /** Epoch ms. */
  createdAt: number;
  /** Record key (record letters, when known). */
  key?: string;
  /** Raw stamp (record letters, when known). */
  stamp?: string;
  /** Where a bad record was caught. */
  stage?: 'source' | 'map';
  /** Field path at fault. */
  field?: string;
  /** Why. */
  reason: string;
  /** The raw record as the source returned it. */
  raw?: unknown;
  /** The validated source record (stage `map`), re-mapped on replay. */
  record?: unknown;
  /** Batch id (batch letters). */
  batchId?: string;
  /** Sink table (batch letters). */
  table?: string;
  /** Rows of the batch (batch letters). */
  rows?: Row[];
  /** Ledger writes of the batch (batch letters). */
  entries?: LedgerWrite[];
  /** True when part of the batch may be in the sink (replay needs `force`). */
  partial?: boolean;
  /** Epoch ms of replay / discard. */
  settledAt?: number;
  /** Batch that replayed it. */
  replayBatchId?: string;
}

/** Filter of {@link StateStore.listDeadLetters}. */
export interface DeadLetterQuery {
  /** Only this stream. */
  stream?: string;
  /** Only these statuses. @default all */
  status?: DeadLetterStatus[];
  /** Only these ids. */
  ids?: string[];
  /** At most this many. @default 1000 */
  limit?: number;
}

/** Counts of one stream kept by a store (see {@link StateStore.streamTotals}). */
export interface StreamTotals {
  /** Dead letters of the stream by status. */
  deadLetters: Record<DeadLetterStatus, number>;
  /**
   * Rows this sync put in the stream's table, as far as the store knows: the rows of its committed `rows` batches
   * (append, versioned and replayed rows), plus the rows of its latest committed `rebuild` (a `replace`-mode
   * rebuild replaces the table, so earlier rebuilds no longer count).
   */
  rowsPosted: number;
  /** Committed batches of any kind. */
  committedBatches: number;
}

/** Types of audit entries the engine writes. */
export type AuditType =
  | 'run-started'
  | 'run-finished'
  | 'run-failed'
  | 'batch-posted'
  | 'batch-committed'
  | 'batch-verified'
  | 'batch-resent'
  | 'batch-failed'
  | 'batch-quarantined'
  | 'record-quarantined'
  | 'changed-after-post'
  | 'verification-unavailable'
  | 'verification-unreadable'
  | 'throttled'
  | 'duplicate-risk'
  | 'skipped-unverified'
  | 'rebuild-started'
  | 'rebuild-finished'
  | 'replayed'
  | 'replay-refused'
  | 'discarded'
  | 'credential-expiring'
  | 'lease-lost'
  | 'recovered'
  | 'stream-version-changed'
  /** The sink container was created again: the stream's ledger was voided and every record is posted again. */
  | 'sink-recreated';

/** An audit entry to append. */
export interface AuditEntryInput {
  /** Epoch ms. */
  at: number;
  /** What happened. */
  type: AuditType;
  /** Stream. */
  stream?: string;
  /** Batch. */
  batchId?: string;
  /** Record key. */
  key?: string;
  /** One line for humans. */
  message: string;
  /** Structured details (JSON-serialisable, no secrets). */
  data?: Record<string, unknown>;
}

/** A stored audit entry. */
export interface AuditEntry extends AuditEntryInput {
  /** Store-assigned, strictly increasing sequence number. */
  seq: number;
}

/** Filter of {@link StateStore.queryAudit}. */
export interface AuditQuery {
  /** Only this stream. */
  stream?: string;
  /** Only these types. */
  types?: AuditType[];
  /** Only entries with `seq` greater than this. */
  afterSeq?: number;
  /** At most this many, oldest first. @default 1000 */
  limit?: number;
}

/** Options of {@link StateStore.acquireLease}. */
export interface LeaseRequest {
  /** Lease name (the engine uses the stream name). */
  name: string;
  /** Who asks. */
  owner: string;
  /** Time to live in ms. */
  ttlMs: number;
}
