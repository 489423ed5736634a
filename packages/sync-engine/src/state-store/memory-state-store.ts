import type { QuotaAnswer, QuotaRecord, QuotaRequest, QuotaUpdate } from '@mlc/core';
import type { StreamCursor } from '../cursor/stream-cursor.js';
import { applyIntentPatch } from '../store-kit/apply-intent-patch.js';
import { batchDeadLetter } from '../store-kit/batch-dead-letter.js';
import {
  assertBatchAbsent,
  assertBatchFound,
  assertBatchOpen,
  assertCursorForward,
  assertDeadLetterAbsent,
  assertFence,
  assertIntentOpen,
  leaseLost,
} from '../store-kit/invariants.js';
import { compareKeys } from '../store-kit/ordering.js';
import {
  assertQuotaRequest,
  assertQuotaUpdate,
  decideQuota,
  nextQuotaSize,
  quotaHorizon,
} from '../store-kit/quota-state.js';
import type { StateStore } from './state-store.js';
import { StateStoreError } from './state-store-error.js';
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
  STATE_STORE_SCHEMA_VERSION,
  type StreamTotals,
} from './types.js';

interface LeaseRecord {
  owner: string;
  token: number;
  expiresAt: number;
}

/**
 * The data behind one or more {@link MemoryStateStore} instances. Keep it to "reopen" a store in tests (a new
 * instance over the same storage sees everything committed before), or to share it between two instances to
 * model two connections. Values are copied in and out, so no caller can mutate stored state by reference.
 */
export interface MemoryStateStorage {
  /** Layout metadata; `undefined` until the first `open()`. Anything but `{ schemaVersion: number }` is unreadable. */
  meta: unknown;
  /** Cursor per stream. */
  cursors: Map<string, StreamCursor>;
  /** Ledger per stream. */
  ledger: Map<string, Map<string, LedgerEntry>>;
  /** Batches by id. */
  batches: Map<string, BatchIntent>;
  /** Dead letters by id. */
  deadLetters: Map<string, DeadLetter>;
  /** Current leases by name. */
  leases: Map<string, LeaseRecord>;
  /** Highest token issued per lease name (kept after release). */
  tokens: Map<string, number>;
  /** Audit log. */
  audit: AuditEntry[];
  /** Secret slots (ciphertext). */
  secrets: Map<string, string>;
  /** Shared quota state per scope (§optional.quota); absent in storage made before it existed. */
  quotas?: Map<string, MemoryQuotaScope>;
}

/** The shared quota state of one scope in {@link MemoryStateStorage}. */
export interface MemoryQuotaScope {
  /** Reservations still inside the longest window, oldest first. */
  records: QuotaRecord[];
  /** Paused until (epoch ms; 0 when not). */
  pausedUntil: number;
  /** Recorded size per target. */
  sizes: Map<string, number>;
}

/** Creates empty storage for {@link MemoryStateStore}. */
export function createMemoryStateStorage(): MemoryStateStorage {
  return {
    meta: undefined,
    cursors: new Map(),
    ledger: new Map(),
    batches: new Map(),
    deadLetters: new Map(),
    leases: new Map(),
    tokens: new Map(),
    audit: [],
    secrets: new Map(),
    quotas: new Map(),
  };
}

/** Options of {@link MemoryStateStore}. */
export interface MemoryStateStoreOptions {
  /** Storage to use (share it to reopen). @default a new empty storage */
  storage?: MemoryStateStorage;
  /** Time source for lease expiry. @default `Date.now` */
  clock?: { now(): number };
}

const clone = <T>(value: T): T => structuredClone(value);

/** Ledger entries are stored deeply frozen and handed out as they are: no copy per look-up, no aliasing. */
function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * The in-memory {@link StateStore}: complete and atomic (every write is one synchronous step), for tests,
 * demos and single-process hosts that can afford to lose state on exit. Passes the conformance suite.
 */
export class MemoryStateStore implements StateStore {
  /** The storage this instance reads and writes. */
  readonly storage: MemoryStateStorage;
  readonly #clock: { now(): number };
  #open = false;

  /** Creates a store over new or given storage. */
  constructor(options: MemoryStateStoreOptions = {}) {
    this.storage = options.storage ?? createMemoryStateStorage();
    this.#clock = options.clock ?? { now: () => Date.now() };
  }

  /** {@inheritDoc StateStore.open} */
  async open(): Promise<void> {
    const meta = this.storage.meta;
    if (meta === undefined) {
      this.storage.meta = { schemaVersion: STATE_STORE_SCHEMA_VERSION };
    } else {
      const version =
        typeof meta === 'object' && meta !== null
          ? (meta as { schemaVersion?: unknown }).schemaVersion
          : undefined;
      if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
        throw new StateStoreError({
          code: 'STORE_UNREADABLE',
          message: 'memory state store: metadata is unreadable; refusing to treat it as empty',
        });
      }
      if (version > STATE_STORE_SCHEMA_VERSION) {
        throw new StateStoreError({
          code: 'STORE_SCHEMA_NEWER',
          message: `memory state store: data has schema version ${version}, this engine reads up to ${STATE_STORE_SCHEMA_VERSION}; upgrade @mlc/sync-engine`,
        });
      }
      // Layout 2 added the ledger's optional `fingerprint`: a version-1 ledger holds none, so it reads as is.
      // Layout 3 changed only how the SQL stores spell stored rows (encodeStoredRows); this store keeps row objects.
      if (version < STATE_STORE_SCHEMA_VERSION)
        this.storage.meta = { ...(meta as object), schemaVersion: STATE_STORE_SCHEMA_VERSION };
    }
    this.#open = true;
  }

  /** {@inheritDoc StateStore.close} */
  async close(): Promise<void> {
    this.#open = false;
  }

  /** {@inheritDoc StateStore.schemaVersion} */
  async schemaVersion(): Promise<number> {
    this.assertOpen();
    return (this.storage.meta as { schemaVersion: number }).schemaVersion;
  }

  /** {@inheritDoc StateStore.getCursor} */
  async getCursor(stream: string): Promise<StreamCursor | undefined> {
    this.assertOpen();
    const cursor = this.storage.cursors.get(stream);
    return cursor ? clone(cursor) : undefined;
  }

  /** {@inheritDoc StateStore.lookupLedger} */
  async lookupLedger(stream: string, keys: readonly string[]): Promise<Map<string, LedgerEntry>> {
    this.assertOpen();
    const ledger = this.storage.ledger.get(stream);
    const out = new Map<string, LedgerEntry>();
    if (!ledger) return out;
    for (const key of keys) {
      const entry = ledger.get(key);
      if (entry) out.set(key, entry);
    }
    return out;
  }

  /** {@inheritDoc StateStore.scanLedger} */
  async scanLedger(stream: string, options: { afterKey?: string; limit: number }): Promise<LedgerEntry[]> {
    this.assertOpen();
    const ledger = this.storage.ledger.get(stream);
    if (!ledger) return [];
    // Sorted per call: simple and always consistent with writes from other instances over the same storage.
    const keys = [...ledger.keys()].sort(compareKeys);
    let start = 0;
    if (options.afterKey !== undefined) {
      const after = options.afterKey;
      let lo = 0;
      let hi = keys.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((keys[mid] as string) <= after) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const out: LedgerEntry[] = [];
    for (let i = start; i < keys.length && out.length < options.limit; i++) {
      const entry = ledger.get(keys[i] as string);
      if (entry) out.push(entry);
    }
    return out;
  }

  /** {@inheritDoc StateStore.countLedger} */
  async countLedger(stream: string): Promise<number> {
    this.assertOpen();
    return this.storage.ledger.get(stream)?.size ?? 0;
  }

  /** {@inheritDoc StateStore.beginBatch} */
  async beginBatch(intent: BatchIntent, fence: Fence): Promise<void> {
    this.assertOpen();
    this.checkFence(fence, intent.stream);
    assertIntentOpen(intent);
    assertBatchAbsent(intent.batchId, this.storage.batches.has(intent.batchId));
    this.storage.batches.set(intent.batchId, clone(intent));
  }

  /** {@inheritDoc StateStore.updateBatch} */
  async updateBatch(batchId: string, patch: BatchIntentPatch, fence: Fence): Promise<void> {
    this.assertOpen();
    const batch = this.openBatch(batchId, fence);
    applyIntentPatch(batch, patch);
  }

  /** {@inheritDoc StateStore.commitBatch} */
  async commitBatch(batchId: string, fence: Fence, options: BatchCommitOptions): Promise<void> {
    this.assertOpen();
    const batch = this.openBatch(batchId, fence);
    this.checkCursorForward(batch);
    // Everything below is synchronous: no reader can observe a half-applied commit.
    this.writeLedger(batch.stream, batch.entries);
    if (batch.cursor) this.writeCursor(batch.stream, batch.cursor);
    for (const id of batch.replayOf ?? []) {
      const letter = this.storage.deadLetters.get(id);
      if (letter && letter.stream === batch.stream) {
        letter.status = 'replayed';
        letter.settledAt = options.at;
        letter.replayBatchId = batchId;
      }
    }
    this.settleBatch(batch, 'committed', options.at);
  }

  /** {@inheritDoc StateStore.failBatch} */
  async failBatch(batchId: string, options: BatchFailOptions, fence: Fence): Promise<void> {
    this.assertOpen();
    const batch = this.openBatch(batchId, fence);
    if (options.status === 'quarantined') this.checkCursorForward(batch);
    assertDeadLetterAbsent(options.deadLetterId, this.storage.deadLetters.has(options.deadLetterId));
    const letter = batchDeadLetter(batch, options);
    if (options.status === 'quarantined') {
      this.writeLedger(batch.stream, batch.entries);
      if (batch.cursor) this.writeCursor(batch.stream, batch.cursor);
    }
    this.storage.deadLetters.set(letter.id, letter);
    batch.failure = clone(options.failure);
    this.settleBatch(batch, options.status, options.at);
  }

  /** {@inheritDoc StateStore.getBatch} */
  async getBatch(batchId: string): Promise<BatchIntent | undefined> {
    this.assertOpen();
    const batch = this.storage.batches.get(batchId);
    return batch ? clone(batch) : undefined;
  }

  /** {@inheritDoc StateStore.listOpenBatches} */
  async listOpenBatches(stream?: string): Promise<BatchIntent[]> {
    this.assertOpen();
    const out: BatchIntent[] = [];
    for (const batch of this.storage.batches.values()) {
      if (batch.status === 'open' && (stream === undefined || batch.stream === stream))
        out.push(clone(batch));
    }
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** {@inheritDoc StateStore.addDeadLetters} */
  async addDeadLetters(letters: readonly DeadLetter[], fence: Fence): Promise<void> {
    this.assertOpen();
    for (const letter of letters) this.checkFence(fence, letter.stream);
    for (const letter of letters) {
      if (!this.storage.deadLetters.has(letter.id)) this.storage.deadLetters.set(letter.id, clone(letter));
    }
  }

  /** {@inheritDoc StateStore.listDeadLetters} */
  async listDeadLetters(query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
    this.assertOpen();
    const ids = query.ids ? new Set(query.ids) : undefined;
    const limit = query.limit ?? 1000;
    const out: DeadLetter[] = [];
    for (const letter of this.storage.deadLetters.values()) {
      if (out.length >= limit) break;
      if (query.stream !== undefined && letter.stream !== query.stream) continue;
      if (query.status && !query.status.includes(letter.status)) continue;
      if (ids && !ids.has(letter.id)) continue;
      out.push(clone(letter));
    }
    return out;
  }

  /** {@inheritDoc StateStore.setDeadLetterStatus} */
  async setDeadLetterStatus(
    ids: readonly string[],
    status: DeadLetterStatus,
    fence: Fence,
    at: number,
  ): Promise<void> {
    this.assertOpen();
    const letters = ids.map((id) => this.storage.deadLetters.get(id));
    for (const letter of letters) if (letter) this.checkFence(fence, letter.stream);
    for (const letter of letters) {
      if (!letter) continue;
      letter.status = status;
      letter.settledAt = at;
    }
  }

  /** {@inheritDoc StateStore.acquireLease} */
  async acquireLease(request: LeaseRequest): Promise<Lease | undefined> {
    this.assertOpen();
    const now = this.#clock.now();
    const current = this.storage.leases.get(request.name);
    if (current && current.expiresAt > now && current.owner !== request.owner) return undefined;
    const token = (this.storage.tokens.get(request.name) ?? 0) + 1;
    this.storage.tokens.set(request.name, token);
    const record: LeaseRecord = { owner: request.owner, token, expiresAt: now + request.ttlMs };
    this.storage.leases.set(request.name, record);
    return { name: request.name, owner: request.owner, token, expiresAt: record.expiresAt };
  }

  /** {@inheritDoc StateStore.renewLease} */
  async renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
    this.assertOpen();
    const current = this.storage.leases.get(lease.name);
    if (!current || current.token !== lease.token || current.owner !== lease.owner)
      throw leaseLost(lease.name);
    current.expiresAt = this.#clock.now() + ttlMs;
    return { ...lease, expiresAt: current.expiresAt };
  }

  /** {@inheritDoc StateStore.releaseLease} */
  async releaseLease(lease: Lease): Promise<void> {
    this.assertOpen();
    const current = this.storage.leases.get(lease.name);
    if (current && current.token === lease.token) this.storage.leases.delete(lease.name);
  }

  /** {@inheritDoc StateStore.appendAudit} */
  async appendAudit(entries: readonly AuditEntryInput[]): Promise<void> {
    this.assertOpen();
    let seq = this.storage.audit.at(-1)?.seq ?? 0;
    for (const entry of entries) this.storage.audit.push({ ...clone(entry), seq: ++seq });
  }

  /** {@inheritDoc StateStore.queryAudit} */
  async queryAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    this.assertOpen();
    const limit = query.limit ?? 1000;
    const out: AuditEntry[] = [];
    for (const entry of this.storage.audit) {
      if (out.length >= limit) break;
      if (query.afterSeq !== undefined && entry.seq <= query.afterSeq) continue;
      if (query.stream !== undefined && entry.stream !== query.stream) continue;
      if (query.types && !query.types.includes(entry.type)) continue;
      out.push(clone(entry));
    }
    return out;
  }

  /** {@inheritDoc StateStore.latestAudit} */
  async latestAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    this.assertOpen();
    const limit = query.limit ?? 1000;
    const out: AuditEntry[] = [];
    for (let i = this.storage.audit.length - 1; i >= 0 && out.length < limit; i--) {
      const entry = this.storage.audit[i] as AuditEntry;
      if (query.afterSeq !== undefined && entry.seq <= query.afterSeq) break;
      if (query.stream !== undefined && entry.stream !== query.stream) continue;
      if (query.types && !query.types.includes(entry.type)) continue;
      out.push(clone(entry));
    }
    return out;
  }

  /** {@inheritDoc StateStore.streamTotals} */
  async streamTotals(stream: string): Promise<StreamTotals> {
    this.assertOpen();
    const totals: StreamTotals = {
      deadLetters: { open: 0, replayed: 0, discarded: 0 },
      rowsPosted: 0,
      committedBatches: 0,
    };
    for (const letter of this.storage.deadLetters.values()) {
      if (letter.stream === stream) totals.deadLetters[letter.status] += 1;
    }
    let rebuilt = 0;
    for (const batch of this.storage.batches.values()) {
      if (batch.stream !== stream || batch.status !== 'committed') continue;
      totals.committedBatches += 1;
      if (batch.kind === 'rows') totals.rowsPosted += batch.rowCount;
      if (batch.kind === 'rebuild') rebuilt = batch.rebuild?.rowsPosted ?? 0; // insertion order: the latest wins
    }
    totals.rowsPosted += rebuilt;
    return totals;
  }

  /** {@inheritDoc StateStore.reserveQuota} */
  async reserveQuota(request: QuotaRequest): Promise<QuotaAnswer> {
    this.assertOpen();
    assertQuotaRequest(request);
    const scope = this.#quotaScope(request.scope);
    const horizon = quotaHorizon(request);
    scope.records = scope.records.filter((record) => record.at > horizon);
    const answer = decideQuota(request, {
      records: scope.records,
      pausedUntil: scope.pausedUntil,
      targetSize: scope.sizes.get(request.target) ?? 0,
    });
    if (answer.reserved) scope.records.push({ at: request.now, units: request.units });
    return answer;
  }

  /** {@inheritDoc StateStore.updateQuota} */
  async updateQuota(scopeName: string, update: QuotaUpdate): Promise<void> {
    this.assertOpen();
    assertQuotaUpdate(scopeName, update);
    const scope = this.#quotaScope(scopeName);
    if (update.kind === 'pause') scope.pausedUntil = Math.max(scope.pausedUntil, update.until);
    else scope.sizes.set(update.target, nextQuotaSize(scope.sizes.get(update.target) ?? 0, update));
  }

  #quotaScope(name: string): MemoryQuotaScope {
    this.storage.quotas ??= new Map();
    let scope = this.storage.quotas.get(name);
    if (!scope) {
      scope = { records: [], pausedUntil: 0, sizes: new Map() };
      this.storage.quotas.set(name, scope);
    }
    return scope;
  }

  /** {@inheritDoc StateStore.getSecret} */
  async getSecret(name: string): Promise<string | undefined> {
    this.assertOpen();
    return this.storage.secrets.get(name);
  }

  /** {@inheritDoc StateStore.putSecret} */
  async putSecret(name: string, ciphertext: string): Promise<void> {
    this.assertOpen();
    this.storage.secrets.set(name, ciphertext);
  }

  // Building blocks, protected so tests can build deliberately broken stores to prove the suite catches them.

  /** Throws `STORE_NOT_OPEN` unless `open()` succeeded. */
  protected assertOpen(): void {
    if (!this.#open)
      throw new StateStoreError({ code: 'STORE_NOT_OPEN', message: 'state store is not open' });
  }

  /** Throws `STORE_STALE_FENCE` unless `fence` is the current lease of `stream`. */
  protected checkFence(fence: Fence, stream: string): void {
    const current = this.storage.leases.get(fence.name);
    const newest = this.storage.tokens.get(fence.name) ?? 0;
    assertFence(fence, stream, current?.token === newest ? current : undefined);
  }

  /** The open batch `batchId` after checking the fence against its stream. */
  protected openBatch(batchId: string, fence: Fence): BatchIntent {
    const batch = assertBatchFound(batchId, this.storage.batches.get(batchId));
    this.checkFence(fence, batch.stream);
    assertBatchOpen(batchId, batch.status);
    return batch;
  }

  /** Throws `STORE_CURSOR_BACKWARDS` when the batch's cursor is behind the stored one. */
  protected checkCursorForward(batch: BatchIntent): void {
    assertCursorForward(batch.batchId, batch.stream, batch.cursor, this.storage.cursors.get(batch.stream));
  }

  /** Applies ledger writes. */
  protected writeLedger(stream: string, entries: readonly LedgerWrite[]): void {
    let ledger = this.storage.ledger.get(stream);
    if (!ledger) {
      ledger = new Map();
      this.storage.ledger.set(stream, ledger);
    }
    for (const write of entries) {
      const { delete: remove, rowCount: _rowCount, ...entry } = write;
      if (remove) ledger.delete(write.key);
      else ledger.set(write.key, frozen(clone(entry)));
    }
  }

  /** Stores a cursor. */
  protected writeCursor(stream: string, cursor: StreamCursor): void {
    this.storage.cursors.set(stream, clone(cursor));
  }

  /** Marks a batch settled and drops its rows (they live on in the dead letter when it failed). */
  protected settleBatch(batch: BatchIntent, status: BatchIntent['status'], at: number): void {
    batch.status = status;
    batch.settledAt = at;
    batch.rows = [];
    batch.entries = [];
  }
}
