// Mutation testing of the conformance suite: each class below is the memory store with one deliberately broken
// rule of docs/state-store-contract.md. The suite must fail every one of them (and the cases named must be among
// those that fail), and must pass the unbroken memory store. A rule no case enforces shows up here as a mutant
// that survives.
import type { QuotaAnswer, QuotaRequest, QuotaUpdate, TestClock } from '@mlc/core';
import { decideQuota } from '@mlc/sync-engine/store-kit';
import { createConformanceHarness, stateStoreConformanceCases } from '@mlc/sync-engine/testing';
import { describe, expect, it } from 'vitest';
import {
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
  MemoryStateStore,
  type MemoryStateStoreOptions,
  type StateStore,
  StateStoreError,
  type StreamCursor,
} from '../src/index.js';

// --- the four stores of issue 14 that the suite used to pass -------------------------------------------------

/** Writes the batch's cursor before checking the fence (and before any other check). */
class CursorBeforeFence extends MemoryStateStore {
  override async commitBatch(batchId: string, fence: Fence, options: BatchCommitOptions): Promise<void> {
    this.assertOpen();
    const batch = this.storage.batches.get(batchId);
    if (batch?.cursor) this.writeCursor(batch.stream, batch.cursor);
    return super.commitBatch(batchId, fence, options);
  }
}

/** Keeps the stored fingerprint when a ledger write carries none (an older layout's upsert would). */
class StaleFingerprint extends MemoryStateStore {
  protected override writeLedger(stream: string, entries: readonly LedgerWrite[]): void {
    const ledger = this.storage.ledger.get(stream);
    super.writeLedger(
      stream,
      entries.map((write) => {
        const stored = ledger?.get(write.key)?.fingerprint;
        return write.fingerprint === undefined && stored !== undefined && !write.delete
          ? { ...write, fingerprint: stored }
          : write;
      }),
    );
  }
}

/** Orders ledger scans by UTF-8 bytes (what a byte-ordered key-value store does by default). */
class Utf8ByteOrderScan extends MemoryStateStore {
  override async scanLedger(
    stream: string,
    options: { afterKey?: string; limit: number },
  ): Promise<LedgerEntry[]> {
    this.assertOpen();
    const ledger = this.storage.ledger.get(stream) ?? new Map<string, LedgerEntry>();
    const bytes = (k: string) => Buffer.from(k, 'utf8');
    const keys = [...ledger.keys()].sort((a, b) => Buffer.compare(bytes(a), bytes(b)));
    const after = options.afterKey;
    return keys
      .filter((k) => after === undefined || Buffer.compare(bytes(k), bytes(after)) > 0)
      .slice(0, options.limit)
      .map((k) => ledger.get(k) as LedgerEntry);
  }
}

/** Accepts `updateBatch` on a committed, failed or quarantined batch. */
class SettledUpdate extends MemoryStateStore {
  override async updateBatch(batchId: string, patch: BatchIntentPatch, fence: Fence): Promise<void> {
    this.assertOpen();
    const batch = this.storage.batches.get(batchId);
    if (!batch) throw new StateStoreError({ code: 'STORE_BATCH_NOT_FOUND', message: batchId });
    this.checkFence(fence, batch.stream);
    if (patch.postedAt !== undefined) batch.postedAt = patch.postedAt;
    if (patch.attempts !== undefined) batch.attempts = patch.attempts;
  }
}

/** Checks the fence against its own stream only, then changes any letter named. */
class CrossStreamLetterStatus extends MemoryStateStore {
  override async setDeadLetterStatus(
    ids: readonly string[],
    status: DeadLetterStatus,
    fence: Fence,
    at: number,
  ): Promise<void> {
    this.assertOpen();
    this.checkFence(fence, fence.name);
    for (const id of ids) {
      const letter = this.storage.deadLetters.get(id);
      if (letter) Object.assign(letter, { status, settledAt: at });
    }
  }
}

// --- atomicity, fencing and the cursor ---------------------------------------------------------------------

/** Commits step by step with pauses in between, and checks the cursor only after writing the ledger. */
class NonAtomicCommit extends MemoryStateStore {
  override async commitBatch(batchId: string, fence: Fence, options: BatchCommitOptions): Promise<void> {
    this.assertOpen();
    const batch = this.openBatch(batchId, fence);
    const pause = () => new Promise((resolve) => setImmediate(resolve));
    for (const entry of batch.entries) {
      this.writeLedger(batch.stream, [entry]);
      await pause();
    }
    this.checkCursorForward(batch);
    if (batch.cursor) this.writeCursor(batch.stream, batch.cursor);
    await pause();
    this.settleBatch(batch, 'committed', options.at);
  }
}

/** Accepts any fencing token. */
class NoFencing extends MemoryStateStore {
  protected override checkFence(): void {}
}

/** Lets the cursor move backwards. */
class CursorBackwards extends MemoryStateStore {
  protected override checkCursorForward(): void {}
}

/** Quarantines without checking the cursor (moves it backwards). */
class QuarantineBackwards extends MemoryStateStore {
  #failing = false;
  override async failBatch(batchId: string, options: BatchFailOptions, fence: Fence): Promise<void> {
    this.#failing = true;
    try {
      return await super.failBatch(batchId, options, fence);
    } finally {
      this.#failing = false;
    }
  }
  protected override checkCursorForward(batch: BatchIntent): void {
    if (!this.#failing) super.checkCursorForward(batch);
  }
}

/** Says "not open" before it checks the fence (a stale writer learns about batches it may not touch). */
class StatusBeforeFence extends MemoryStateStore {
  protected override openBatch(batchId: string, fence: Fence): BatchIntent {
    const batch = this.storage.batches.get(batchId);
    if (batch && batch.status !== 'open')
      throw new StateStoreError({
        code: 'STORE_BATCH_NOT_OPEN',
        message: `batch ${batchId} is ${batch.status}`,
      });
    return super.openBatch(batchId, fence);
  }
}

/** Commits a settled batch again (re-applies its ledger writes and cursor). */
class DoubleCommit extends MemoryStateStore {
  override async commitBatch(batchId: string, fence: Fence, options: BatchCommitOptions): Promise<void> {
    const batch = this.storage.batches.get(batchId);
    if (batch) batch.status = 'open';
    return super.commitBatch(batchId, fence, options);
  }
}

/** Applies the ledger writes of a batch that merely failed. */
class FailedAppliesLedger extends MemoryStateStore {
  override async failBatch(batchId: string, options: BatchFailOptions, fence: Fence): Promise<void> {
    const batch = this.storage.batches.get(batchId);
    const writes = batch?.status === 'open' ? [...batch.entries] : [];
    await super.failBatch(batchId, options, fence);
    if (batch) this.writeLedger(batch.stream, writes);
  }
}

/** Scans from `afterKey` inclusive. */
class ScanIncludesAfterKey extends MemoryStateStore {
  override async scanLedger(
    stream: string,
    options: { afterKey?: string; limit: number },
  ): Promise<LedgerEntry[]> {
    const { afterKey, limit } = options;
    const own =
      afterKey === undefined ? undefined : (await this.lookupLedger(stream, [afterKey])).get(afterKey);
    const rest = await super.scanLedger(stream, options);
    return (own ? [own, ...rest] : rest).slice(0, limit);
  }
}

// --- leases ------------------------------------------------------------------------------------------------

/** Refuses to renew a lease past its expiry although nobody took it (its fence is still valid). */
class RenewRefusesExpired extends MemoryStateStore {
  readonly #now: () => number;
  constructor(options: MemoryStateStoreOptions = {}) {
    super(options);
    this.#now = () => options.clock?.now() ?? Date.now();
  }
  override async renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
    if (lease.expiresAt <= this.#now())
      throw new StateStoreError({ code: 'STORE_LEASE_LOST', message: `lease ${lease.name} expired` });
    return super.renewLease(lease, ttlMs);
  }
}

/** Brings a released lease back to life when its holder renews it. */
class RenewResurrects extends MemoryStateStore {
  override async renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
    if (!this.storage.leases.has(lease.name) && this.storage.tokens.get(lease.name) === lease.token)
      this.storage.leases.set(lease.name, { owner: lease.owner, token: lease.token, expiresAt: 0 });
    return super.renewLease(lease, ttlMs);
  }
}

/** Grants every request. */
class LeaseNotExclusive extends MemoryStateStore {
  override async acquireLease(request: LeaseRequest): Promise<Lease | undefined> {
    this.storage.leases.delete(request.name);
    return super.acquireLease(request);
  }
}

// --- dead letters and order ----------------------------------------------------------------------------------

/** Marks the `replayOf` letters of any stream replayed. */
class ReplaysOtherStreams extends MemoryStateStore {
  override async commitBatch(batchId: string, fence: Fence, options: BatchCommitOptions): Promise<void> {
    const batch = this.storage.batches.get(batchId);
    const replayOf = batch?.status === 'open' ? (batch.replayOf ?? []) : [];
    await super.commitBatch(batchId, fence, options);
    for (const id of replayOf) {
      const letter = this.storage.deadLetters.get(id);
      if (letter)
        Object.assign(letter, { status: 'replayed', settledAt: options.at, replayBatchId: batchId });
    }
  }
}

/** Overwrites an existing dead letter. */
class DeadLetterOverwrite extends MemoryStateStore {
  override async addDeadLetters(letters: readonly DeadLetter[], fence: Fence): Promise<void> {
    for (const letter of letters)
      if (letter.stream === fence.name) this.storage.deadLetters.delete(letter.id);
    return super.addDeadLetters(letters, fence);
  }
}

/** Lists dead letters by `createdAt` ("oldest" read as the caller's timestamp). */
class LettersByCreatedAt extends MemoryStateStore {
  override async listDeadLetters(query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
    const all = await super.listDeadLetters({ ...query, limit: Number.MAX_SAFE_INTEGER });
    return all.sort((a, b) => a.createdAt - b.createdAt).slice(0, query.limit ?? 1000);
  }
}

/** Lists open intents in the order they were begun, ignoring `createdAt`. */
class OpenBatchesByInsertion extends MemoryStateStore {
  override async listOpenBatches(stream?: string): Promise<BatchIntent[]> {
    this.assertOpen();
    return [...this.storage.batches.values()]
      .filter((b) => b.status === 'open' && (stream === undefined || b.stream === stream))
      .map((b) => structuredClone(b));
  }
}

// --- durability ----------------------------------------------------------------------------------------------

/** Keeps the token counter in the instance: after a restart tokens start again at 1 and old fences revive. */
class TokensNotDurable extends MemoryStateStore {
  readonly #tokens = new Map<string, number>();
  override async acquireLease(request: LeaseRequest): Promise<Lease | undefined> {
    this.storage.tokens.set(request.name, this.#tokens.get(request.name) ?? 0);
    const granted = await super.acquireLease(request);
    if (granted) this.#tokens.set(request.name, granted.token);
    return granted;
  }
}

/** Acknowledges cursor writes from an instance cache and writes them to storage only on close (write-behind). */
class WriteBehindCursor extends MemoryStateStore {
  readonly #pending = new Map<string, StreamCursor>();
  protected override writeCursor(stream: string, cursor: StreamCursor): void {
    this.#pending.set(stream, structuredClone(cursor));
  }
  override async getCursor(stream: string): Promise<StreamCursor | undefined> {
    const pending = this.#pending.get(stream);
    return pending ? structuredClone(pending) : super.getCursor(stream);
  }
  protected override checkCursorForward(batch: BatchIntent): void {
    const pending = this.#pending.get(batch.stream);
    if (pending) this.storage.cursors.set(batch.stream, pending);
    super.checkCursorForward(batch);
  }
  override async close(): Promise<void> {
    for (const [stream, cursor] of this.#pending) this.storage.cursors.set(stream, cursor);
    this.#pending.clear();
    return super.close();
  }
}

/** Treats unreadable metadata as a new, empty store. */
class UnreadableAsEmpty extends MemoryStateStore {
  override async open(): Promise<void> {
    const meta = this.storage.meta as { schemaVersion?: unknown } | undefined;
    if (meta !== undefined && typeof meta?.schemaVersion !== 'number') this.storage.meta = undefined;
    return super.open();
  }
}

/** Reads the quota, then records in a second step (what two round trips without a transaction do). */
class QuotaCheckThenWrite extends MemoryStateStore {
  override async reserveQuota(request: QuotaRequest): Promise<QuotaAnswer> {
    const scope = this.storage.quotas?.get(request.scope);
    const records = [...(scope?.records ?? [])];
    await new Promise((resolve) => setImmediate(resolve));
    const answer = decideQuota(request, {
      records,
      pausedUntil: scope?.pausedUntil ?? 0,
      targetSize: scope?.sizes.get(request.target) ?? 0,
    });
    if (answer.reserved) {
      await super.updateQuota(request.scope, { kind: 'pause', until: 0 }); // creates the scope
      this.storage.quotas?.get(request.scope)?.records.push({ at: request.now, units: request.units });
    }
    return answer;
  }
}

/** Keeps the quota in the instance, not in the storage: neither shared nor kept across a restart. */
class QuotaPerInstance extends MemoryStateStore {
  readonly #own = new MemoryStateStore();
  override async reserveQuota(request: QuotaRequest): Promise<QuotaAnswer> {
    this.assertOpen();
    await this.#own.open();
    return this.#own.reserveQuota(request);
  }
  override async updateQuota(scope: string, update: QuotaUpdate): Promise<void> {
    this.assertOpen();
    await this.#own.open();
    return this.#own.updateQuota(scope, update);
  }
}

type StoreClass = new (options?: MemoryStateStoreOptions) => MemoryStateStore;

function optionsFor(Kind: StoreClass) {
  return {
    name: Kind.name,
    create: ({ clock }: { clock: TestClock }) => new Kind({ clock }),
    reopen: (store: MemoryStateStore, { clock }: { clock: TestClock }) =>
      new Kind({ storage: store.storage, clock }),
    setStoredSchemaVersion: (store: MemoryStateStore, version: number) => {
      store.storage.meta = { schemaVersion: version };
    },
    corrupt: (store: MemoryStateStore) => {
      store.storage.meta = 'garbage';
    },
  };
}

/** Ids of the cases a store fails. */
async function failures(Kind: StoreClass): Promise<string[]> {
  const failed: string[] = [];
  for (const testCase of stateStoreConformanceCases) {
    const { harness, cleanup } = await createConformanceHarness(optionsFor(Kind));
    try {
      await testCase.run(harness);
    } catch {
      failed.push(testCase.id);
    } finally {
      await cleanup();
    }
  }
  return failed;
}

/** Each mutant and the cases that must (at least) fail it. */
const mutants: Array<[StoreClass, string[]]> = [
  [CursorBeforeFence, ['stale-fence']],
  [Utf8ByteOrderScan, ['ledger-order']],
  [StaleFingerprint, ['ledger-fingerprint']],
  [SettledUpdate, ['settled-batch']],
  [CrossStreamLetterStatus, ['dead-letter-streams']],
  [NonAtomicCommit, ['commit-atomic-readers', 'commit-atomic-on-reject']],
  [NoFencing, ['stale-fence', 'dead-letter-streams', 'lease-renew']],
  [CursorBackwards, ['commit-atomic-on-reject', 'cursor-forward', 'quarantine-cursor']],
  [QuarantineBackwards, ['quarantine-cursor', 'error-precedence']],
  [StatusBeforeFence, ['error-precedence']],
  [DoubleCommit, ['commit-applies']],
  [FailedAppliesLedger, ['fail-batch', 'quarantine-cursor']],
  [ScanIncludesAfterKey, ['ledger-bulk', 'ledger-order']],
  [RenewRefusesExpired, ['lease-renew']],
  [RenewResurrects, ['lease-renew']],
  [LeaseNotExclusive, ['lease-exclusive', 'concurrent-writers']],
  [ReplaysOtherStreams, ['dead-letter-streams']],
  [DeadLetterOverwrite, ['dead-letters']],
  [LettersByCreatedAt, ['oldest-first']],
  [OpenBatchesByInsertion, ['oldest-first']],
  [TokensNotDurable, ['acknowledged-writes']],
  [WriteBehindCursor, ['acknowledged-writes']],
  [UnreadableAsEmpty, ['unreadable']],
  [QuotaCheckThenWrite, ['quota-atomic']],
  [QuotaPerInstance, ['quota-windows']],
];

describe('the conformance suite itself (mutation testing)', () => {
  it('passes the memory store (control)', async () => {
    expect(await failures(MemoryStateStore)).toEqual([]);
  });

  it.each(mutants.map(([Kind, killers]) => [Kind.name, Kind, killers] as const))(
    'fails the mutant %s',
    async (_name, Kind, killers) => {
      const failed = await failures(Kind);
      expect(failed.length, 'the mutant survived every case').toBeGreaterThan(0);
      expect(failed).toEqual(expect.arrayContaining(killers));
    },
  );

  it('cites a paragraph of the contract in every case, and case ids are unique', () => {
    const ids = stateStoreConformanceCases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of stateStoreConformanceCases) expect(c.contract.length, c.id).toBeGreaterThan(0);
  });

  it('reports what is wrong in the failure message', async () => {
    const { harness, cleanup } = await createConformanceHarness(optionsFor(CursorBeforeFence));
    const stale = stateStoreConformanceCases.find((c) => c.id === 'stale-fence');
    await expect(stale?.run(harness)).rejects.toThrow(
      /a commit with a stale token changed the cursor, ledger, open intents or dead letters/,
    );
    await cleanup();
  });
});

// Keeps the type import honest: the broken stores are still StateStores.
const _typecheck: StateStore[] = mutants.map(([Kind]) => new Kind());
void _typecheck;
