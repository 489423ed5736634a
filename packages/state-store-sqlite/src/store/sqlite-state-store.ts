import type { QuotaAnswer, QuotaRequest, QuotaUpdate } from '@mlc/core';
import {
  type AuditEntry,
  type AuditEntryInput,
  type AuditQuery,
  type BatchCommitOptions,
  type BatchFailOptions,
  type BatchIntent,
  type BatchIntentPatch,
  type DeadLetter,
  type DeadLetterQuery,
  type DeadLetterStatus,
  type Fence,
  type Lease,
  type LeaseRequest,
  type LedgerEntry,
  type StateStore,
  StateStoreError,
  type StreamCursor,
  type StreamTotals,
} from '@mlc/sync-engine';
import Database from 'better-sqlite3';
import {
  type ResolvedSqliteStateStoreOptions,
  resolveSqliteStateStoreOptions,
  type SqliteStateStoreOptions,
} from '../options/sqlite-state-store-options.js';
import { encodeLedgerKey } from '@mlc/sync-engine/sql-store';
import {
  applyIntentPatch,
  assertBatchAbsent,
  assertBatchFound,
  assertBatchOpen,
  assertCursorForward,
  assertDeadLetterAbsent,
  assertFence,
  assertIntentOpen,
  assertQuotaRequest,
  assertQuotaUpdate,
  decideQuota,
  leaseLost,
  nextQuotaSize,
  quotaHorizon,
} from '@mlc/sync-engine/store-kit';
import { isCorruptionError, migrateSqliteSchema, unreadableStoreError } from './sqlite-schema.js';
import { prepareStatements, type Statements } from './sqlite-statements.js';
import {
  auditFromRow,
  type BatchInfo,
  batchFromRow,
  batchInfoOf,
  deadLetterColumns,
  deadLetterFromRow,
  decodeStoredEntries,
  encodeStoredEntries,
  encodeStoredRows,
  type DeadLetterRow,
  lastWritePerKey,
  ledgerEntryFromRow,
  ledgerEntryFromValues,
  parseStored,
} from '@mlc/sync-engine/sql-store';

interface Opened {
  db: Database.Database;
  st: Statements;
  version: number;
}

/** An open batch after its fence was checked. */
interface OpenBatch {
  batchId: string;
  stream: string;
  info: BatchInfo;
}

/**
 * The embedded {@link StateStore}: one SQLite file in WAL mode. Every method is one synchronous statement or
 * one IMMEDIATE transaction on better-sqlite3, so no reader (in this or another process) sees half a write, and
 * a process or power failure leaves either all of a write or none of it. Several processes may share the file
 * on one machine (writes queue on SQLite's lock); for many machines use `@mlc/state-store-postgres`.
 */
export class SqliteStateStore implements StateStore {
  /** The resolved options. */
  readonly options: ResolvedSqliteStateStoreOptions;
  #opened: Opened | undefined;

  /** Creates a store over `options.path` (nothing is touched before {@link SqliteStateStore.open}). */
  constructor(options: SqliteStateStoreOptions) {
    this.options = resolveSqliteStateStoreOptions(options);
  }

  /** The database file. */
  get path(): string {
    return this.options.path;
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.open} */
  async open(): Promise<void> {
    if (this.#opened) return;
    const { path, busyTimeoutMs, synchronous, mmapSizeBytes } = this.options;
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { timeout: busyTimeoutMs });
      // The first statement reads the header: a file that is not a database fails here, before any write.
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      db.pragma('foreign_keys = OFF');
      db.pragma(`mmap_size = ${mmapSizeBytes}`);
      const version = migrateSqliteSchema(db, path);
      this.#opened = { db, st: prepareStatements(db), version };
    } catch (error) {
      db?.close();
      if (isCorruptionError(error))
        throw unreadableStoreError(path, 'it is not a readable SQLite database', error);
      throw error;
    }
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.close} */
  async close(): Promise<void> {
    const opened = this.#opened;
    this.#opened = undefined;
    opened?.db.close();
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.schemaVersion} */
  async schemaVersion(): Promise<number> {
    return this.#use().version;
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.getCursor} */
  async getCursor(stream: string): Promise<StreamCursor | undefined> {
    const row = this.#use().st.getCursor.get(stream);
    return row ? { stamp: row.stamp, key: row.key } : undefined;
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.lookupLedger} */
  async lookupLedger(stream: string, keys: readonly string[]): Promise<Map<string, LedgerEntry>> {
    const { st } = this.#use();
    const out = new Map<string, LedgerEntry>();
    if (keys.length === 0) return out;
    // One statement for the whole set: SQLite probes the (stream, key) index once per json_each value.
    const rows = st.lookupLedger.all(stream, JSON.stringify(keys.map(encodeLedgerKey)));
    for (const row of rows) {
      const entry = ledgerEntryFromValues(row);
      out.set(entry.key, entry);
    }
    return out;
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.scanLedger} */
  async scanLedger(stream: string, options: { afterKey?: string; limit: number }): Promise<LedgerEntry[]> {
    const { st } = this.#use();
    const rows =
      options.afterKey === undefined
        ? st.scanLedger.all(stream, options.limit)
        : st.scanLedgerAfter.all(stream, encodeLedgerKey(options.afterKey), options.limit);
    return rows.map(ledgerEntryFromRow);
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.countLedger} */
  async countLedger(stream: string): Promise<number> {
    return this.#use().st.countLedger.get(stream)?.n ?? 0;
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.beginBatch} */
  async beginBatch(intent: BatchIntent, fence: Fence): Promise<void> {
    const { st } = this.#use();
    this.#write(() => {
      this.#checkFence(fence, intent.stream);
      assertIntentOpen(intent);
      assertBatchAbsent(intent.batchId, st.batchExists.get(intent.batchId) !== undefined);
      st.insertBatch.run(
        intent.batchId,
        intent.stream,
        intent.createdAt,
        JSON.stringify(batchInfoOf(intent)),
      );
      st.insertPayload.run(
        intent.batchId,
        encodeStoredRows(intent.rows),
        encodeStoredEntries(intent.entries),
      );
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.updateBatch} */
  async updateBatch(batchId: string, patch: BatchIntentPatch, fence: Fence): Promise<void> {
    const { st } = this.#use();
    this.#write(() => {
      const batch = this.#openBatch(batchId, fence);
      applyIntentPatch(batch.info, patch);
      st.updateBatchInfo.run(JSON.stringify(batch.info), batchId);
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.commitBatch} */
  async commitBatch(batchId: string, fence: Fence, options: BatchCommitOptions): Promise<void> {
    const { st } = this.#use();
    this.#write(() => {
      const batch = this.#openBatch(batchId, fence);
      this.#checkCursorForward(batch);
      this.#applyLedgerAndCursor(batch);
      for (const id of batch.info.replayOf ?? []) st.markReplayed.run(options.at, batchId, id, batch.stream);
      this.#settle(batch, 'committed', options.at);
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.failBatch} */
  async failBatch(batchId: string, options: BatchFailOptions, fence: Fence): Promise<void> {
    const { st } = this.#use();
    this.#write(() => {
      const batch = this.#openBatch(batchId, fence);
      const quarantined = options.status === 'quarantined';
      if (quarantined) this.#checkCursorForward(batch);
      assertDeadLetterAbsent(
        options.deadLetterId,
        st.deadLetterExists.get(options.deadLetterId) !== undefined,
      );
      const body: Omit<DeadLetter, 'status' | 'rows' | 'entries'> = {
        id: options.deadLetterId,
        stream: batch.stream,
        kind: 'batch',
        createdAt: options.at,
        reason: options.failure.message,
        batchId,
        table: batch.info.table,
        partial: quarantined,
      };
      // The payload text moves into the dead letter as it is: no parse, no re-serialisation of the rows.
      st.insertBatchDeadLetter.run(options.deadLetterId, batch.stream, JSON.stringify(body), batchId);
      if (quarantined) this.#applyLedgerAndCursor(batch);
      batch.info.failure = options.failure;
      this.#settle(batch, options.status, options.at);
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.getBatch} */
  async getBatch(batchId: string): Promise<BatchIntent | undefined> {
    const row = this.#use().st.getBatch.get(batchId);
    return row ? batchFromRow(row) : undefined;
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.listOpenBatches} */
  async listOpenBatches(stream?: string): Promise<BatchIntent[]> {
    const { st } = this.#use();
    const rows = stream === undefined ? st.listOpenBatches.all() : st.listOpenBatchesOf.all(stream);
    return rows.map(batchFromRow);
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.addDeadLetters} */
  async addDeadLetters(letters: readonly DeadLetter[], fence: Fence): Promise<void> {
    const { st } = this.#use();
    this.#write(() => {
      for (const letter of letters) this.#checkFence(fence, letter.stream);
      for (const letter of letters) {
        const { body, rows, entries } = deadLetterColumns(letter);
        st.insertDeadLetter.run(
          letter.id,
          letter.stream,
          letter.status,
          letter.settledAt ?? null,
          letter.replayBatchId ?? null,
          body,
          rows,
          entries,
        );
      }
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.listDeadLetters} */
  async listDeadLetters(query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
    const { st } = this.#use();
    const rows = st.listDeadLetters.all({
      stream: query.stream ?? null,
      statuses: query.status ? JSON.stringify(query.status) : null,
      ids: query.ids ? JSON.stringify(query.ids) : null,
      limit: query.limit ?? 1000,
    });
    return rows.map((row: DeadLetterRow) => deadLetterFromRow(row));
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.setDeadLetterStatus} */
  async setDeadLetterStatus(
    ids: readonly string[],
    status: DeadLetterStatus,
    fence: Fence,
    at: number,
  ): Promise<void> {
    const { st } = this.#use();
    if (ids.length === 0) return;
    this.#write(() => {
      const json = JSON.stringify(ids);
      for (const row of st.deadLetterStreams.all(json)) this.#checkFence(fence, row.stream);
      st.setDeadLetterStatus.run(status, at, json);
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.acquireLease} */
  async acquireLease(request: LeaseRequest): Promise<Lease | undefined> {
    const { st } = this.#use();
    const now = this.options.clock.now();
    // One UPSERT: granted (token + 1) when free, expired or already ours; otherwise no row comes back.
    const row = st.acquireLease.get({
      name: request.name,
      owner: request.owner,
      now,
      expiresAt: now + request.ttlMs,
    });
    return row
      ? { name: request.name, owner: request.owner, token: row.token, expiresAt: row.expires_at }
      : undefined;
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.renewLease} */
  async renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
    const { st } = this.#use();
    const expiresAt = this.options.clock.now() + ttlMs;
    const changed = st.renewLease.run(expiresAt, lease.name, lease.token, lease.owner).changes;
    if (changed === 0) throw leaseLost(lease.name);
    return { ...lease, expiresAt };
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.releaseLease} */
  async releaseLease(lease: Lease): Promise<void> {
    this.#use().st.releaseLease.run(lease.name, lease.token);
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.appendAudit} */
  async appendAudit(entries: readonly AuditEntryInput[]): Promise<void> {
    const { st } = this.#use();
    if (entries.length === 0) return;
    this.#write(() => {
      for (const e of entries) {
        st.insertAudit.run(
          e.at,
          e.type,
          e.stream ?? null,
          e.batchId ?? null,
          e.key ?? null,
          e.message,
          e.data === undefined ? null : JSON.stringify(e.data),
        );
      }
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.queryAudit} */
  async queryAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const { st } = this.#use();
    const params = {
      after: query.afterSeq ?? 0,
      types: query.types ? JSON.stringify(query.types) : null,
      limit: query.limit ?? 1000,
    };
    const rows =
      query.stream === undefined
        ? st.queryAudit.all(params)
        : st.queryAuditOf.all({ ...params, stream: query.stream });
    return rows.map(auditFromRow);
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.latestAudit} */
  async latestAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const { st } = this.#use();
    const params = {
      after: query.afterSeq ?? 0,
      types: query.types ? JSON.stringify(query.types) : null,
      limit: query.limit ?? 1000,
    };
    const { stream, types } = query;
    if (stream !== undefined && types !== undefined) {
      // Per type, the newest `limit` through the (stream, type, seq) index; the newest `limit` of their union.
      const rows = [...new Set(types)]
        .flatMap((type) => st.latestAuditOfType.all({ ...params, stream, type }))
        .sort((a, b) => b.seq - a.seq)
        .slice(0, params.limit);
      return rows.map(auditFromRow);
    }
    const rows =
      stream === undefined ? st.latestAudit.all(params) : st.latestAuditOf.all({ ...params, stream });
    return rows.map(auditFromRow);
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.streamTotals} */
  async streamTotals(stream: string): Promise<StreamTotals> {
    const { st } = this.#use();
    const deadLetters: StreamTotals['deadLetters'] = { open: 0, replayed: 0, discarded: 0 };
    for (const row of st.countDeadLetters.all(stream)) {
      if (row.status in deadLetters) deadLetters[row.status as DeadLetterStatus] = row.n;
    }
    const committed = st.committedTotals.get({ stream });
    return {
      deadLetters,
      rowsPosted: (committed?.rows ?? 0) + (committed?.rebuilt ?? 0),
      committedBatches: committed?.batches ?? 0,
    };
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.reserveQuota} */
  async reserveQuota(request: QuotaRequest): Promise<QuotaAnswer> {
    const { st } = this.#use();
    assertQuotaRequest(request);
    // One IMMEDIATE transaction: the write lock is held from the read to the insert, so processes sharing the file
    // take turns and never both fill the last slot of a window.
    return this.#write(() => {
      st.pruneQuota.run(request.scope, quotaHorizon(request));
      const answer = decideQuota(request, {
        records: st.quotaRecords.all(request.scope),
        pausedUntil: st.quotaPausedUntil.get(request.scope)?.paused_until ?? 0,
        targetSize: st.quotaSize.get(request.scope, request.target)?.size ?? 0,
      });
      if (answer.reserved) st.insertQuota.run(request.scope, request.now, request.units);
      return answer;
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.updateQuota} */
  async updateQuota(scope: string, update: QuotaUpdate): Promise<void> {
    const { st } = this.#use();
    assertQuotaUpdate(scope, update);
    this.#write(() => {
      if (update.kind === 'pause') st.pauseQuota.run(scope, update.until);
      else {
        const current = st.quotaSize.get(scope, update.target)?.size ?? 0;
        st.putQuotaSize.run(scope, update.target, nextQuotaSize(current, update));
      }
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.getSecret} */
  async getSecret(name: string): Promise<string | undefined> {
    return this.#use().st.getSecret.get(name)?.value;
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.putSecret} */
  async putSecret(name: string, ciphertext: string): Promise<void> {
    this.#use().st.putSecret.run(name, ciphertext);
  }

  #use(): Opened {
    if (!this.#opened)
      throw new StateStoreError({ code: 'STORE_NOT_OPEN', message: 'state store is not open' });
    return this.#opened;
  }

  /**
   * Runs `fn` as one IMMEDIATE transaction: the write lock is taken up front, so checks and writes see the same
   * state and another process cannot slip a write in between (no deferred-lock upgrade deadlock either).
   */
  #write<T>(fn: () => T): T {
    return this.#use().db.transaction(fn).immediate();
  }

  /** Throws `STORE_STALE_FENCE` unless `fence` is the current (unreleased, newest) lease of `stream`. */
  #checkFence(fence: Fence, stream: string): void {
    const row = this.#use().st.getLease.get(fence.name);
    // One row per name holds the newest token; a released lease keeps it with no owner.
    assertFence(fence, stream, row && row.owner !== null ? row : undefined);
  }

  #openBatch(batchId: string, fence: Fence): OpenBatch {
    const row = assertBatchFound(batchId, this.#use().st.getBatchHead.get(batchId));
    this.#checkFence(fence, row.stream);
    assertBatchOpen(batchId, row.status as BatchIntent['status']);
    return { batchId, stream: row.stream, info: parseStored<BatchInfo>(row.info, `batch ${batchId}`) };
  }

  #checkCursorForward(batch: OpenBatch): void {
    const next = batch.info.cursor;
    if (!next) return;
    assertCursorForward(batch.batchId, batch.stream, next, this.#use().st.getCursor.get(batch.stream));
  }

  #applyLedgerAndCursor(batch: OpenBatch): void {
    const { st } = this.#use();
    const payload = st.getPayloadEntries.get(batch.batchId);
    const writes = payload ? decodeStoredEntries(payload.entries, `entries of batch ${batch.batchId}`) : [];
    for (const write of lastWritePerKey(writes)) {
      const key = encodeLedgerKey(write.key);
      if (write.delete) st.deleteLedger.run(batch.stream, key);
      else
        st.upsertLedger.run(
          batch.stream,
          key,
          write.hash,
          write.version,
          write.seenHash ?? null,
          write.stamp ?? null,
          write.rows === undefined ? null : encodeStoredRows(write.rows),
          write.fingerprint ?? null,
        );
    }
    if (batch.info.cursor) st.putCursor.run(batch.stream, batch.info.cursor.stamp, batch.info.cursor.key);
  }

  /** Marks the batch settled and drops its payload (a failed batch's rows live on in its dead letter). */
  #settle(batch: OpenBatch, status: BatchIntent['status'], at: number): void {
    const { st } = this.#use();
    batch.info.settledAt = at;
    st.settleBatch.run(status, JSON.stringify(batch.info), batch.batchId);
    st.deletePayload.run(batch.batchId);
  }
}

/** Creates the embedded SQLite {@link StateStore} (call `open()` before use). */
export function createSqliteStateStore(options: SqliteStateStoreOptions): SqliteStateStore {
  return new SqliteStateStore(options);
}
