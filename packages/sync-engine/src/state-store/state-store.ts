import type { QuotaAnswer, QuotaRequest, QuotaUpdate } from '@mlc/core';
import type { StreamCursor } from '../cursor/stream-cursor.js';
import type {
  AuditEntry,
  AuditEntryInput,
  AuditQuery,
  BatchCommitOptions,
  BatchFailOptions,
  BatchIntent,
  BatchIntentPatch,
  DeadLetter,
  DeadLetterQuery,
  DeadLetterStatus,
  Fence,
  StreamTotals,
  Lease,
  LeaseRequest,
  LedgerEntry,
} from './types.js';

/**
 * Everything the engine persists. Small and explicit: every method is async and every write is atomic (it
 * happens completely or not at all, and no reader sees half of it). Contract violations throw
 * {@link StateStoreError} with the documented code. Run `describeStateStoreConformance` from
 * `@mlc/sync-engine/conformance` against any implementation.
 *
 * Fenced writes take the stream's lease as a {@link Fence}; the store rejects them with `STORE_STALE_FENCE`
 * when the fence's name is not the batch's stream, when a newer token was issued for that name, or when the
 * lease was released.
 */
export interface StateStore {
  /**
   * Opens the store: creates the layout when the store is new, migrates an older layout, and throws
   * `STORE_SCHEMA_NEWER` for a layout newer than {@link STATE_STORE_SCHEMA_VERSION} or `STORE_UNREADABLE` for
   * data it cannot read. Never treats unreadable data as empty. Every other method throws `STORE_NOT_OPEN`
   * before `open()`. Calling it again is a no-op.
   */
  open(): Promise<void>;
  /** Releases resources. */
  close(): Promise<void>;
  /** The schema version of the opened data. */
  schemaVersion(): Promise<number>;

  /** The stream's cursor, or `undefined` before its first commit. */
  getCursor(stream: string): Promise<StreamCursor | undefined>;

  /** Bulk look-up of ledger entries (up to at least 10,000 keys per call); missing keys are absent. */
  lookupLedger(stream: string, keys: readonly string[]): Promise<Map<string, LedgerEntry>>;
  /** Ledger entries of a stream in ascending key order (UTF-16 code units), after `afterKey`, at most `limit`. */
  scanLedger(stream: string, options: { afterKey?: string; limit: number }): Promise<LedgerEntry[]>;
  /** Number of ledger entries of a stream (exposed as a metric). */
  countLedger(stream: string): Promise<number>;

  /** Writes an open intent. Fenced. `STORE_BATCH_EXISTS` when the id exists. */
  beginBatch(intent: BatchIntent, fence: Fence): Promise<void>;
  /** Updates an open intent (`postedAt`, `answeredAt`, `attempts`, rebuild progress). Fenced. */
  updateBatch(batchId: string, patch: BatchIntentPatch, fence: Fence): Promise<void>;
  /**
   * Atomically: intent → committed, its ledger writes applied, its cursor stored (never moving backwards:
   * `STORE_CURSOR_BACKWARDS`, nothing changed), its `replayOf` dead letters marked replayed. Fenced.
   * `STORE_BATCH_NOT_OPEN` when it is not open (a second commit never applies twice).
   */
  commitBatch(batchId: string, fence: Fence, options: BatchCommitOptions): Promise<void>;
  /**
   * Atomically: intent → failed / quarantined and a batch dead letter created with its rows and entries;
   * `quarantined` also applies the ledger writes and the cursor (see {@link BatchFailOptions}). Fenced.
   */
  failBatch(batchId: string, options: BatchFailOptions, fence: Fence): Promise<void>;
  /** One batch, or `undefined`. */
  getBatch(batchId: string): Promise<BatchIntent | undefined>;
  /** Open intents (of one stream, or all), oldest first. */
  listOpenBatches(stream?: string): Promise<BatchIntent[]>;

  /** Adds record dead letters; an id that already exists is left untouched. Fenced. */
  addDeadLetters(letters: readonly DeadLetter[], fence: Fence): Promise<void>;
  /** Dead letters, oldest first. */
  listDeadLetters(query?: DeadLetterQuery): Promise<DeadLetter[]>;
  /** Sets the status of dead letters of the fence's stream (replayed / discarded / open). Fenced. */
  setDeadLetterStatus(
    ids: readonly string[],
    status: DeadLetterStatus,
    fence: Fence,
    at: number,
  ): Promise<void>;

  /** Grants the lease (a new, higher token) when it is free, expired or already held by `owner`. */
  acquireLease(request: LeaseRequest): Promise<Lease | undefined>;
  /** Extends a lease still current; `STORE_LEASE_LOST` otherwise. Same token. */
  renewLease(lease: Lease, ttlMs: number): Promise<Lease>;
  /** Releases a lease if still current (no-op otherwise). Tokens keep increasing after release. */
  releaseLease(lease: Lease): Promise<void>;

  /** Appends audit entries; the store assigns increasing `seq`. */
  appendAudit(entries: readonly AuditEntryInput[]): Promise<void>;
  /** Audit entries, oldest first. */
  queryAudit(query?: AuditQuery): Promise<AuditEntry[]>;
  /**
   * Optional (operator read API): the newest audit entries matching `query` (its `afterSeq` is a lower bound
   * as in `queryAudit`), newest first, at most `limit` (default 1000). One indexed read. Stores without it are
   * read by paging `queryAudit` from the start (correct, but proportional to the log's length).
   */
  latestAudit?(query?: AuditQuery): Promise<AuditEntry[]>;
  /**
   * Optional (operator read API): dead letters by status and rows committed by `rows` batches of one stream,
   * in one or two reads. Stores without it are read through `listDeadLetters` (up to 100,000 letters) and
   * report `rowsPosted` as unknown.
   */
  streamTotals?(stream: string): Promise<StreamTotals>;

  /**
   * Optional (shared quota, with {@link StateStore.updateQuota}): atomically, when one more request of
   * `request.units` units to `request.target` fits every window of `request.windows` over the scope's records and
   * the scope is not paused at `request.now`, records it and answers `{ reserved: true }`; otherwise records
   * nothing and answers the instant to ask again. N processes reserving together never exceed a window
   * (docs/state-store-contract.md §optional.quota). The engine hands it to sinks that pace requests (the Power BI
   * client's per-dataset pacer), so the quota survives restarts and is shared by every process writing the
   * dataset; stores without it leave each process with its own in-process pacer.
   */
  reserveQuota?(request: QuotaRequest): Promise<QuotaAnswer>;
  /** Optional (shared quota): pauses a scope, or sets / grows a target's recorded size, atomically. */
  updateQuota?(scope: string, update: QuotaUpdate): Promise<void>;

  /** Reads a secret slot (ciphertext written by the engine; the store never sees plaintext). */
  getSecret(name: string): Promise<string | undefined>;
  /** Writes a secret slot atomically. */
  putSecret(name: string, ciphertext: string): Promise<void>;
}
