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
  type LedgerWrite,
  type StateStore,
  StateStoreError,
  type StreamCursor,
  type StreamTotals,
} from '@mlc/sync-engine';
import pg, { type Pool, type PoolClient } from 'pg';
import {
  type PostgresStateStoreOptions,
  type ResolvedPostgresStateStoreOptions,
  resolvePostgresStateStoreOptions,
} from '../options/postgres-state-store-options.js';
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
import { migratePostgresSchema } from './postgres-schema.js';
import { type NamedQuery, type PostgresSql, postgresSql } from './postgres-sql.js';
import {
  type AuditRow,
  auditFromRow,
  type BatchInfo,
  type BatchRow,
  batchFromRow,
  batchInfoOf,
  type DeadLetterRow,
  deadLetterColumns,
  deadLetterFromRow,
  decodeStoredEntries,
  encodeStoredEntries,
  encodeStoredRows,
  type LedgerRow,
  type LedgerValues,
  lastWritePerKey,
  ledgerEntryFromRow,
  ledgerEntryFromValues,
  parseStored,
} from '@mlc/sync-engine/sql-store';

/** How long `close()` waits for the server to close a connection after its Terminate before destroying it. */
const CLOSE_GRACE_MS = 2_000;

/** Runs one statement on the connection of the current transaction (or the pool). */
type Run = <R>(query: NamedQuery | string, values?: unknown[]) => Promise<{ rows: R[]; rowCount: number }>;

/** An open batch after its fence was checked and its row locked. */
interface OpenBatch {
  batchId: string;
  stream: string;
  info: BatchInfo;
}

/**
 * The {@link StateStore} for many workers on many machines, on PostgreSQL. Leases hand out strictly increasing
 * fencing tokens; every fenced write runs in one transaction that first locks the lease row (`SELECT … FOR
 * UPDATE`) and checks the token, so a stale holder's commit is rejected even when it races the new holder's
 * `acquireLease` (which needs that same row lock). Lock order is always lease → batch → the rest, so fenced
 * writes of one stream queue instead of deadlocking.
 */
export class PostgresStateStore implements StateStore {
  /** The resolved options. */
  readonly options: ResolvedPostgresStateStoreOptions;
  readonly #sql: PostgresSql;
  #pool: Pool | undefined;
  #version: number | undefined;
  #opening: Promise<void> | undefined;
  /** Connections of the store's own pool, each with a promise of its socket's close. */
  readonly #connections = new Map<PoolClient, Promise<void>>();

  /** Creates a store (no connection is made before {@link PostgresStateStore.open}). */
  constructor(options: PostgresStateStoreOptions) {
    this.options = resolvePostgresStateStoreOptions(options);
    this.#sql = postgresSql(this.options.schema);
  }

  /** The schema holding the store's tables. */
  get schema(): string {
    return this.options.schema;
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.open} */
  async open(): Promise<void> {
    if (this.#version !== undefined) return;
    this.#opening ??= this.#open().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  async #open(): Promise<void> {
    const own = this.options.pool === undefined;
    const pool = this.options.pool ?? this.#createPool();
    try {
      const client = await pool.connect();
      try {
        this.#version = await migratePostgresSchema(client, this.options.schema);
      } finally {
        client.release();
      }
      this.#pool = pool;
    } catch (error) {
      if (own) await pool.end().catch(() => {});
      throw error;
    }
  }

  #createPool(): Pool {
    const pool = new pg.Pool({
      connectionString: this.options.connectionString,
      max: this.options.poolSize,
    });
    // An idle client's error (server restart, network cut) is emitted on the pool; unhandled, it would kill
    // the process. The next query gets a fresh connection.
    pool.on('error', (error) => {
      this.options.logger.warn(
        { err: error.message, schema: this.options.schema },
        'idle PostgreSQL connection failed',
      );
    });
    pool.on('connect', (client) => {
      // A client emits 'end' once its socket has closed (after a Terminate, an error or a server restart).
      const closed = new Promise<void>((resolve) => client.once('end', () => resolve()));
      this.#connections.set(client, closed);
      void closed.then(() => this.#connections.delete(client));
    });
    return pool;
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.close} */
  async close(): Promise<void> {
    await this.#opening?.catch(() => {});
    const pool = this.#pool;
    this.#pool = undefined;
    this.#version = undefined;
    if (pool && this.options.pool === undefined) {
      await pool.end();
      await this.#socketsClosed();
    }
  }

  /**
   * `pool.end()` resolves once every client was told to end, not once its socket closed: a half-closed socket
   * keeps the process alive until the server answers the Terminate. Wait for that (the server closes at once), so
   * that a service ends right after `close()`; a socket the server does not close within
   * {@link CLOSE_GRACE_MS} is destroyed.
   */
  async #socketsClosed(): Promise<void> {
    if (this.#connections.size === 0) return;
    const grace = new AbortController();
    const timedOut = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(true), CLOSE_GRACE_MS);
      grace.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    const late = await Promise.race([Promise.all(this.#connections.values()).then(() => false), timedOut]);
    grace.abort();
    if (!late) return;
    for (const client of this.#connections.keys()) {
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    }
    await Promise.all(this.#connections.values());
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.schemaVersion} */
  async schemaVersion(): Promise<number> {
    this.#use();
    return this.#version as number;
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.getCursor} */
  async getCursor(stream: string): Promise<StreamCursor | undefined> {
    const { rows } = await this.#run<{ stamp: string; key: string }>(this.#sql.getCursor, [stream]);
    const row = rows[0];
    return row ? { stamp: row.stamp, key: row.key } : undefined;
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.lookupLedger} */
  async lookupLedger(stream: string, keys: readonly string[]): Promise<Map<string, LedgerEntry>> {
    const out = new Map<string, LedgerEntry>();
    if (keys.length === 0) {
      this.#use();
      return out;
    }
    const { rows } = await this.#run<LedgerValues>(this.#sql.lookupLedger, [
      stream,
      keys.map(encodeLedgerKey),
    ]);
    for (const row of rows) {
      const entry = ledgerEntryFromValues(row);
      out.set(entry.key, entry);
    }
    return out;
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.scanLedger} */
  async scanLedger(stream: string, options: { afterKey?: string; limit: number }): Promise<LedgerEntry[]> {
    const { rows } =
      options.afterKey === undefined
        ? await this.#run<LedgerRow>(this.#sql.scanLedger, [stream, options.limit])
        : await this.#run<LedgerRow>(this.#sql.scanLedgerAfter, [
            stream,
            encodeLedgerKey(options.afterKey),
            options.limit,
          ]);
    return rows.map(ledgerEntryFromRow);
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.countLedger} */
  async countLedger(stream: string): Promise<number> {
    const { rows } = await this.#run<{ n: number }>(this.#sql.countLedger, [stream]);
    return rows[0]?.n ?? 0;
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.beginBatch} */
  async beginBatch(intent: BatchIntent, fence: Fence): Promise<void> {
    await this.#tx(async (run) => {
      await this.#checkFence(run, fence, intent.stream);
      assertIntentOpen(intent);
      const inserted = await run(this.#sql.insertBatch, [
        intent.batchId,
        intent.stream,
        intent.createdAt,
        JSON.stringify(batchInfoOf(intent)),
      ]);
      assertBatchAbsent(intent.batchId, inserted.rowCount === 0);
      await run(this.#sql.insertPayload, [
        intent.batchId,
        encodeStoredRows(intent.rows),
        encodeStoredEntries(intent.entries),
      ]);
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.updateBatch} */
  async updateBatch(batchId: string, patch: BatchIntentPatch, fence: Fence): Promise<void> {
    await this.#tx(async (run) => {
      const batch = await this.#openBatch(run, batchId, fence);
      applyIntentPatch(batch.info, patch);
      await run(this.#sql.updateBatchInfo, [batchId, JSON.stringify(batch.info)]);
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.commitBatch} */
  async commitBatch(batchId: string, fence: Fence, options: BatchCommitOptions): Promise<void> {
    await this.#tx(async (run) => {
      const batch = await this.#openBatch(run, batchId, fence);
      await this.#checkCursorForward(run, batch);
      await this.#applyLedgerAndCursor(run, batch);
      if (batch.info.replayOf && batch.info.replayOf.length > 0) {
        await run(this.#sql.markReplayed, [options.at, batchId, batch.info.replayOf, batch.stream]);
      }
      await this.#settle(run, batch, 'committed', options.at);
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.failBatch} */
  async failBatch(batchId: string, options: BatchFailOptions, fence: Fence): Promise<void> {
    await this.#tx(async (run) => {
      const batch = await this.#openBatch(run, batchId, fence);
      const quarantined = options.status === 'quarantined';
      if (quarantined) await this.#checkCursorForward(run, batch);
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
      const inserted = await run(this.#sql.insertBatchDeadLetter, [
        options.deadLetterId,
        batch.stream,
        JSON.stringify(body),
        batchId,
      ]);
      assertDeadLetterAbsent(options.deadLetterId, inserted.rowCount === 0);
      if (quarantined) await this.#applyLedgerAndCursor(run, batch);
      batch.info.failure = options.failure;
      await this.#settle(run, batch, options.status, options.at);
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.getBatch} */
  async getBatch(batchId: string): Promise<BatchIntent | undefined> {
    const { rows } = await this.#run<BatchRow>(this.#sql.getBatch, [batchId]);
    return rows[0] ? batchFromRow(rows[0]) : undefined;
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.listOpenBatches} */
  async listOpenBatches(stream?: string): Promise<BatchIntent[]> {
    const { rows } =
      stream === undefined
        ? await this.#run<BatchRow>(this.#sql.listOpenBatches)
        : await this.#run<BatchRow>(this.#sql.listOpenBatchesOf, [stream]);
    return rows.map(batchFromRow);
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.addDeadLetters} */
  async addDeadLetters(letters: readonly DeadLetter[], fence: Fence): Promise<void> {
    if (letters.length === 0) {
      this.#use();
      return;
    }
    await this.#tx(async (run) => {
      for (const stream of new Set(letters.map((l) => l.stream))) await this.#checkFence(run, fence, stream);
      const columns = letters.map(deadLetterColumns);
      await run(this.#sql.insertDeadLetters, [
        letters.map((l) => l.id),
        letters.map((l) => l.stream),
        letters.map((l) => l.status),
        letters.map((l) => l.settledAt ?? null),
        letters.map((l) => l.replayBatchId ?? null),
        columns.map((c) => c.body),
        columns.map((c) => c.rows),
        columns.map((c) => c.entries),
      ]);
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.listDeadLetters} */
  async listDeadLetters(query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
    const values = [query.status ?? null, query.ids ?? null, query.limit ?? 1000];
    const { rows } =
      query.stream === undefined
        ? await this.#run<DeadLetterRow>(this.#sql.listDeadLetters, values)
        : await this.#run<DeadLetterRow>(this.#sql.listDeadLettersOf, [...values, query.stream]);
    return rows.map(deadLetterFromRow);
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.setDeadLetterStatus} */
  async setDeadLetterStatus(
    ids: readonly string[],
    status: DeadLetterStatus,
    fence: Fence,
    at: number,
  ): Promise<void> {
    if (ids.length === 0) {
      this.#use();
      return;
    }
    await this.#tx(async (run) => {
      // A letter's stream never changes, so reading it unlocked is safe; the UPDATE then locks only letters of
      // the fence's stream (never another stream's rows, which that stream's writers may hold).
      const { rows } = await run<{ stream: string }>(this.#sql.deadLetterStreams, [ids]);
      for (const { stream } of rows) await this.#checkFence(run, fence, stream);
      if (rows.length > 0) await run(this.#sql.setDeadLetterStatus, [status, at, ids, fence.name]);
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.acquireLease} */
  async acquireLease(request: LeaseRequest): Promise<Lease | undefined> {
    const { rows } = await this.#run<{ token: number; expires_at: number }>(this.#sql.acquireLease, [
      request.name,
      request.owner,
      this.#now(),
      Math.round(request.ttlMs),
    ]);
    const row = rows[0];
    return row
      ? { name: request.name, owner: request.owner, token: row.token, expiresAt: row.expires_at }
      : undefined;
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.renewLease} */
  async renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
    const { rows } = await this.#run<{ expires_at: number }>(this.#sql.renewLease, [
      lease.name,
      lease.token,
      lease.owner,
      this.#now(),
      Math.round(ttlMs),
    ]);
    const row = rows[0];
    if (!row) throw leaseLost(lease.name);
    return { ...lease, expiresAt: row.expires_at };
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.releaseLease} */
  async releaseLease(lease: Lease): Promise<void> {
    await this.#run(this.#sql.releaseLease, [lease.name, lease.token]);
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.appendAudit} */
  async appendAudit(entries: readonly AuditEntryInput[]): Promise<void> {
    if (entries.length === 0) {
      this.#use();
      return;
    }
    await this.#tx(async (run) => {
      await run(this.#sql.lockAudit);
      await run(this.#sql.insertAudit, [
        entries.map((e) => e.at),
        entries.map((e) => e.type),
        entries.map((e) => e.stream ?? null),
        entries.map((e) => e.batchId ?? null),
        entries.map((e) => e.key ?? null),
        entries.map((e) => e.message),
        entries.map((e) => (e.data === undefined ? null : JSON.stringify(e.data))),
      ]);
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.queryAudit} */
  async queryAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const values = [query.afterSeq ?? 0, query.types ?? null, query.limit ?? 1000];
    const { rows } =
      query.stream === undefined
        ? await this.#run<AuditRow>(this.#sql.queryAudit, values)
        : await this.#run<AuditRow>(this.#sql.queryAuditOf, [...values, query.stream]);
    return rows.map(auditFromRow);
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.latestAudit} */
  async latestAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const types = query.types ? [...new Set(query.types)] : null;
    const values = [query.afterSeq ?? 0, types, query.limit ?? 1000];
    const { rows } =
      query.stream === undefined
        ? await this.#run<AuditRow>(this.#sql.latestAudit, values)
        : await this.#run<AuditRow>(types ? this.#sql.latestAuditOfTypes : this.#sql.latestAuditOf, [
            ...values,
            query.stream,
          ]);
    return rows.map(auditFromRow);
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.streamTotals} */
  async streamTotals(stream: string): Promise<StreamTotals> {
    const [letters, committed] = await Promise.all([
      this.#run<{ status: string; n: number }>(this.#sql.countDeadLetters, [stream]),
      this.#run<{ batches: number; rows: number; rebuilt: number }>(this.#sql.committedTotals, [stream]),
    ]);
    const deadLetters: StreamTotals['deadLetters'] = { open: 0, replayed: 0, discarded: 0 };
    for (const row of letters.rows) {
      if (row.status in deadLetters) deadLetters[row.status as DeadLetterStatus] = row.n;
    }
    const totals = committed.rows[0];
    return {
      deadLetters,
      rowsPosted: (totals?.rows ?? 0) + (totals?.rebuilt ?? 0),
      committedBatches: totals?.batches ?? 0,
    };
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.reserveQuota} */
  async reserveQuota(request: QuotaRequest): Promise<QuotaAnswer> {
    this.#use();
    assertQuotaRequest(request);
    return this.#tx(async (run) => {
      // The scope row's lock first: every reservation of the scope queues here until this one commits.
      const scope = await run<{ paused_until: number }>(this.#sql.lockQuotaScope, [request.scope]);
      await run(this.#sql.pruneQuota, [request.scope, quotaHorizon(request)]);
      const records = await run<{ at: number; units: number }>(this.#sql.quotaRecords, [request.scope]);
      const size = await run<{ size: number }>(this.#sql.quotaSize, [request.scope, request.target]);
      const answer = decideQuota(request, {
        records: records.rows,
        pausedUntil: scope.rows[0]?.paused_until ?? 0,
        targetSize: size.rows[0]?.size ?? 0,
      });
      if (answer.reserved) {
        await run(this.#sql.insertQuota, [request.scope, request.now, request.units]);
      }
      return answer;
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.updateQuota} */
  async updateQuota(scope: string, update: QuotaUpdate): Promise<void> {
    this.#use();
    assertQuotaUpdate(scope, update);
    if (update.kind === 'pause') {
      await this.#run(this.#sql.pauseQuota, [scope, update.until]);
      return;
    }
    await this.#tx(async (run) => {
      await run(this.#sql.ensureQuotaSize, [scope, update.target]);
      const current = await run<{ size: number }>(this.#sql.lockQuotaSize, [scope, update.target]);
      await run(this.#sql.setQuotaSize, [
        scope,
        update.target,
        nextQuotaSize(current.rows[0]?.size ?? 0, update),
      ]);
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.getSecret} */
  async getSecret(name: string): Promise<string | undefined> {
    const { rows } = await this.#run<{ value: string }>(this.#sql.getSecret, [name]);
    return rows[0]?.value;
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.putSecret} */
  async putSecret(name: string, ciphertext: string): Promise<void> {
    await this.#run(this.#sql.putSecret, [name, ciphertext]);
  }

  #use(): Pool {
    if (this.#version === undefined || !this.#pool) {
      throw new StateStoreError({ code: 'STORE_NOT_OPEN', message: 'state store is not open' });
    }
    return this.#pool;
  }

  /** The injected clock's time, or `null` to let the server's clock decide. */
  #now(): number | null {
    return this.options.clock ? Math.round(this.options.clock.now()) : null;
  }

  /** One autocommit statement on any pooled connection. */
  #run: Run = async <R>(query: NamedQuery | string, values: unknown[] = []) => {
    const result = await this.#use().query(
      typeof query === 'string' ? { text: query, values } : { ...query, values },
    );
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  };

  /** Runs `fn` in one READ COMMITTED transaction on one connection; any throw rolls everything back. */
  async #tx<T>(fn: (run: Run) => Promise<T>): Promise<T> {
    const client: PoolClient = await this.#use().connect();
    const run: Run = async <R>(query: NamedQuery | string, values: unknown[] = []) => {
      const result = await client.query(
        typeof query === 'string' ? { text: query, values } : { ...query, values },
      );
      return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
    };
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(run);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        // The connection is unusable: destroy it rather than hand a half-open transaction to the next caller.
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Locks the lease row of `fence.name` and throws `STORE_STALE_FENCE` unless the fence is that lease's current
   * (newest, unreleased) token for `stream`. The lock is held to the end of the transaction, so no
   * `acquireLease` can issue a newer token between this check and the commit.
   */
  async #checkFence(run: Run, fence: Fence, stream: string): Promise<void> {
    let current: { token: number } | undefined;
    if (fence.name === stream) {
      const { rows } = await run<{ owner: string | null; token: number }>(this.#sql.lockLease, [fence.name]);
      // One row per name holds the newest token; a released lease keeps it with no owner.
      if (rows[0] && rows[0].owner !== null) current = rows[0];
    }
    assertFence(fence, stream, current);
  }

  async #openBatch(run: Run, batchId: string, fence: Fence): Promise<OpenBatch> {
    // The stream of a batch never changes: read it unlocked, lock the lease (fence) first, the batch second.
    const head = await run<{ stream: string }>(this.#sql.batchStream, [batchId]);
    const { stream } = assertBatchFound(batchId, head.rows[0]);
    await this.#checkFence(run, fence, stream);
    const { rows } = await run<{ status: string; info: string }>(this.#sql.lockBatch, [batchId]);
    const row = assertBatchFound(batchId, rows[0]);
    assertBatchOpen(batchId, row.status as BatchIntent['status']);
    return { batchId, stream, info: parseStored<BatchInfo>(row.info, `batch ${batchId}`) };
  }

  async #checkCursorForward(run: Run, batch: OpenBatch): Promise<void> {
    const next = batch.info.cursor;
    if (!next) return;
    const { rows } = await run<{ stamp: string; key: string }>(this.#sql.lockCursor, [batch.stream]);
    assertCursorForward(batch.batchId, batch.stream, next, rows[0]);
  }

  async #applyLedgerAndCursor(run: Run, batch: OpenBatch): Promise<void> {
    const { rows } = await run<{ entries: string }>(this.#sql.getPayloadEntries, [batch.batchId]);
    const text = rows[0]?.entries;
    const writes = text === undefined ? [] : decodeStoredEntries(text, `entries of batch ${batch.batchId}`);
    const upserts: LedgerWrite[] = [];
    const deletes: string[] = [];
    for (const write of lastWritePerKey(writes)) {
      if (write.delete) deletes.push(encodeLedgerKey(write.key));
      else upserts.push(write);
    }
    // Two statements for the whole batch (unnest / ANY), however many keys it holds.
    if (upserts.length > 0) {
      await run(this.#sql.upsertLedger, [
        batch.stream,
        upserts.map((w) => encodeLedgerKey(w.key)),
        upserts.map((w) => w.hash),
        upserts.map((w) => w.version),
        upserts.map((w) => w.seenHash ?? null),
        upserts.map((w) => w.stamp ?? null),
        upserts.map((w) => (w.rows === undefined ? null : encodeStoredRows(w.rows))),
        upserts.map((w) => w.fingerprint ?? null),
      ]);
    }
    if (deletes.length > 0) await run(this.#sql.deleteLedger, [batch.stream, deletes]);
    if (batch.info.cursor) {
      await run(this.#sql.putCursor, [batch.stream, batch.info.cursor.stamp, batch.info.cursor.key]);
    }
  }

  /** Marks the batch settled and drops its payload (a failed batch's rows live on in its dead letter). */
  async #settle(run: Run, batch: OpenBatch, status: BatchIntent['status'], at: number): Promise<void> {
    batch.info.settledAt = at;
    await run(this.#sql.settleBatch, [batch.batchId, status, JSON.stringify(batch.info)]);
    await run(this.#sql.deletePayload, [batch.batchId]);
  }
}

/** Creates the PostgreSQL {@link StateStore} (call `open()` before use; it creates or migrates the schema). */
export function createPostgresStateStore(options: PostgresStateStoreOptions): PostgresStateStore {
  return new PostgresStateStore(options);
}
