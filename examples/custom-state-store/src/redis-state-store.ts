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
  type StateStore,
  StateStoreError,
  type StreamCursor,
} from '@mlc/sync-engine';
import {
  applyIntentPatch,
  assertBatchAbsent,
  assertBatchFound,
  assertBatchOpen,
  assertCursorForward,
  assertDeadLetterAbsent,
  assertFence,
  assertIntentOpen,
  batchDeadLetter,
  decodeLedgerKey,
  encodeLedgerKey,
  lastWritePerKey,
  leaseLost,
} from '@mlc/sync-engine/store-kit';
import { type ChainableCommander, Redis, type RedisOptions } from 'ioredis';
import { RedisNotDurableError, durabilityProblems, readRedisPersistence } from './redis-durability.js';

/** Options of {@link createRedisStateStore}. */
export interface RedisStateStoreOptions {
  /** `redis://host:port/db` of the server. @default redis://127.0.0.1:6379 */
  url?: string;
  /** More ioredis options for the store's own connection (TLS, password, …). */
  redisOptions?: RedisOptions;
  /** Every key of the store starts with this (one prefix = one store). @default `mlc:` */
  prefix?: string;
  /** Time source for lease expiry (the conformance suite injects a test clock). @default Date.now */
  clock?: { now(): number };
  /**
   * Opens even when the server may lose acknowledged writes in a power cut (`appendonly no`, `appendfsync` other
   * than `always`, or settings `CONFIG GET` cannot read). Then a power cut can make the next run post rows twice
   * (§durability). Only for tests and throw-away set-ups.
   * @default false
   */
  allowDataLossOnPowerCut?: boolean;
}

/** A lease as stored: the newest token ever issued for the name is kept apart (it survives a release). */
interface StoredLease {
  owner: string;
  token: number;
  expiresAt: number;
}

/** An intent as stored: the batch plus the store-assigned sequence that orders intents begun in the same ms. */
type StoredBatch = BatchIntent & { seq: number };

/** A write planned under WATCH: the commands to queue in MULTI, and what the method returns. */
interface Plan<T> {
  writes?: (multi: ChainableCommander) => void;
  result: T;
}

const MAX_TX_ATTEMPTS = 50;

/**
 * A {@link StateStore} on one Redis server — the worked example of `docs/state-store-contract.md` for a
 * key-value database. Every method that must be atomic reads what it checks under `WATCH`, runs the store-kit
 * checks in JavaScript (in the contract's order of precedence), and writes everything in one `MULTI`/`EXEC`; when
 * another connection changed a watched key in between, `EXEC` does nothing and the method starts again from the
 * reads (optimistic compare-and-set, §atomicity). Ledger keys live in a sorted set in their `encodeLedgerKey`
 * spelling, whose byte order (`ZRANGEBYLEX`) is the contract's UTF-16 order (§order.utf16).
 *
 * One instance uses one connection and runs one method at a time (WATCH is per connection); several
 * instances — processes, machines — share the data safely.
 */
export class RedisStateStore implements StateStore {
  /** The key prefix of this store's data. */
  readonly prefix: string;
  readonly #options: RedisStateStoreOptions;
  readonly #clock: { now(): number };
  #redis: Redis | undefined;
  #open = false;
  #epoch = 0;
  #queue: Promise<unknown> = Promise.resolve();

  /** Creates a store (not opened: call `open()`). */
  constructor(options: RedisStateStoreOptions = {}) {
    this.#options = options;
    this.prefix = options.prefix ?? 'mlc:';
    this.#clock = options.clock ?? { now: () => Date.now() };
  }

  // ---- keys --------------------------------------------------------------------------------------------------

  #key = {
    meta: () => `${this.prefix}meta`,
    cursor: (stream: string) => `${this.prefix}cursor:${stream}`,
    ledger: (stream: string) => `${this.prefix}ledger:${stream}`,
    ledgerKeys: (stream: string) => `${this.prefix}ledger-keys:${stream}`,
    batch: (id: string) => `${this.prefix}batch:${id}`,
    openBatches: () => `${this.prefix}open-batches`,
    batchSeq: () => `${this.prefix}seq:batch`,
    deadLetter: (id: string) => `${this.prefix}dead-letter:${id}`,
    deadLetters: () => `${this.prefix}dead-letters`,
    deadLetterSeq: () => `${this.prefix}seq:dead-letter`,
    lease: (name: string) => `${this.prefix}lease:${name}`,
    leaseToken: (name: string) => `${this.prefix}lease-token:${name}`,
    audit: () => `${this.prefix}audit`,
    auditSeq: () => `${this.prefix}seq:audit`,
    secrets: () => `${this.prefix}secrets`,
  };

  // ---- life cycle (§lifecycle) -------------------------------------------------------------------------------

  /** {@inheritDoc @mlc/sync-engine#StateStore.open} */
  async open(): Promise<void> {
    if (this.#open) return;
    const redis = new Redis(this.#options.url ?? 'redis://127.0.0.1:6379', {
      lazyConnect: true,
      // Commands are never queued while disconnected: a WATCH on one connection and its EXEC on the next would
      // drop the compare-and-set check.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      ...this.#options.redisOptions,
    });
    redis.on('ready', () => {
      this.#epoch += 1;
    });
    redis.on('error', () => {}); // surfaced by the failing command instead
    try {
      await redis.connect();
      await this.#checkDurability(redis);
      await this.#openData(redis);
    } catch (error) {
      redis.disconnect();
      throw error;
    }
    this.#redis = redis;
    this.#open = true;
  }

  async #checkDurability(redis: Redis): Promise<void> {
    if (this.#options.allowDataLossOnPowerCut) return;
    let problems: string[];
    try {
      problems = durabilityProblems(await readRedisPersistence(redis));
    } catch (error) {
      throw new RedisNotDurableError(
        [`CONFIG GET is not allowed (${(error as Error).message}), so durability cannot be checked`],
        { cause: error },
      );
    }
    if (problems.length > 0) throw new RedisNotDurableError(problems);
  }

  /** Creates the version marker of new data, or checks it (§lifecycle.open, .schema-newer, .unreadable). */
  async #openData(redis: Redis): Promise<void> {
    const meta = this.#key.meta();
    const read = async () => {
      const type = await redis.type(meta);
      if (type === 'none') return undefined;
      if (type !== 'hash') throw this.#unreadable(`its version marker ${meta} is a ${type}, not a hash`);
      return redis.hget(meta, 'schemaVersion');
    };
    let raw = await read();
    if (raw === undefined) {
      if (await this.#anyKey(redis))
        throw this.#unreadable(`it holds keys under ${this.prefix} but no ${meta}`);
      // HSETNX: two instances opening new data at once both end up reading the one marker written.
      await redis.hsetnx(meta, 'schemaVersion', String(STATE_STORE_SCHEMA_VERSION));
      raw = await read();
    }
    if (typeof raw !== 'string' || !/^[1-9][0-9]{0,8}$/.test(raw)) {
      throw this.#unreadable(`its schemaVersion is ${raw === undefined ? 'missing' : JSON.stringify(raw)}`);
    }
    const version = Number(raw);
    if (version > STATE_STORE_SCHEMA_VERSION) {
      throw new StateStoreError({
        code: 'STORE_SCHEMA_NEWER',
        message: `Redis state store ${this.prefix}: data has schema version ${version}, this store reads up to ${STATE_STORE_SCHEMA_VERSION}; upgrade the service's @mlc/sync-engine and this store`,
      });
    }
    // Layout 2 added the ledger entry's optional `fingerprint` (§ledger.write). Entries are stored whole as JSON, so
    // a layout-1 ledger reads as it is (its entries have none) and new writes carry it: only the marker moves.
    // Layout 3 changed only how the SQL stores spell stored rows (encodeStoredRows); this store's JSON is unchanged.
    if (version < STATE_STORE_SCHEMA_VERSION)
      await redis.hset(meta, 'schemaVersion', String(STATE_STORE_SCHEMA_VERSION));
  }

  async #anyKey(redis: Redis): Promise<boolean> {
    const pattern = `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) return true;
      cursor = next;
    } while (cursor !== '0');
    return false;
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.close} */
  async close(): Promise<void> {
    this.#open = false;
    const redis = this.#redis;
    this.#redis = undefined;
    await this.#queue.catch(() => {});
    if (redis) await redis.quit().catch(() => redis.disconnect());
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.schemaVersion} */
  async schemaVersion(): Promise<number> {
    return this.#run(async (redis) => Number(await redis.hget(this.#key.meta(), 'schemaVersion')));
  }

  // ---- plumbing --------------------------------------------------------------------------------------------

  /** Runs `body` alone on the connection (WATCH is connection state), after checking the store is open. */
  #run<T>(body: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = this.#redis;
    if (!this.#open || !redis) {
      return Promise.reject(
        new StateStoreError({ code: 'STORE_NOT_OPEN', message: 'state store is not open' }),
      );
    }
    const next = this.#queue.then(
      () => body(redis),
      () => body(redis),
    );
    this.#queue = next.catch(() => {});
    return next.catch((error: unknown) => {
      throw this.#translate(error);
    });
  }

  /**
   * Optimistic compare-and-set: WATCH `keys`, let `plan` read and check (throwing changes nothing), then queue its
   * writes in MULTI. A null EXEC (a watched key changed) or a reconnect in between runs the plan again.
   */
  #transaction<T>(keys: () => string[], plan: (redis: Redis) => Promise<Plan<T>>): Promise<T> {
    return this.#run(async (redis) => {
      for (let attempt = 1; ; attempt++) {
        const epoch = this.#epoch;
        await redis.watch(...keys());
        let planned: Plan<T>;
        try {
          planned = await plan(redis);
        } catch (error) {
          await redis.unwatch();
          throw error;
        }
        if (epoch !== this.#epoch) continue; // reconnected: the WATCH is gone, start again
        const multi = redis.multi();
        planned.writes?.(multi);
        const replies = await multi.exec();
        if (replies) {
          for (const [error] of replies) if (error) throw error;
          return planned.result;
        }
        if (attempt >= MAX_TX_ATTEMPTS) {
          throw new Error(`Redis state store: gave up after ${attempt} write conflicts`);
        }
      }
    });
  }

  #unreadable(reason: string, cause?: unknown): StateStoreError {
    return new StateStoreError({
      code: 'STORE_UNREADABLE',
      message: `Redis state store ${this.prefix}: ${reason}; refusing to treat it as empty`,
      ...(cause !== undefined ? { cause } : {}),
    });
  }

  /** A value of an unexpected type is unreadable data (§lifecycle.unreadable), not a connection problem. */
  #translate(error: unknown): unknown {
    if (error instanceof Error && error.message.startsWith('WRONGTYPE')) {
      return this.#unreadable(`a key holds a value of an unexpected type (${error.message})`, error);
    }
    return error;
  }

  #parse<T>(text: string, what: string): T {
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw this.#unreadable(`${what} does not parse`, error);
    }
  }

  async #batch(redis: Redis, batchId: string): Promise<StoredBatch | undefined> {
    const text = await redis.get(this.#key.batch(batchId));
    return text === null ? undefined : this.#parse<StoredBatch>(text, `batch ${batchId}`);
  }

  /** The lease of `name` if it is current: its token is the newest issued, and it was not released. */
  async #currentLease(redis: Redis, name: string): Promise<StoredLease | undefined> {
    const [text, newest] = await Promise.all([
      redis.get(this.#key.lease(name)),
      redis.get(this.#key.leaseToken(name)),
    ]);
    if (text === null) return undefined;
    const lease = this.#parse<StoredLease>(text, `lease ${name}`);
    return String(lease.token) === newest ? lease : undefined;
  }

  async #checkFence(redis: Redis, fence: Fence, stream: string): Promise<void> {
    assertFence(fence, stream, await this.#currentLease(redis, fence.name));
  }

  /** The open batch, checked in the contract's order: found → fence → open (§errors.precedence). */
  async #openBatch(redis: Redis, batchId: string, fence: Fence): Promise<StoredBatch> {
    const batch = assertBatchFound(batchId, await this.#batch(redis, batchId));
    await this.#checkFence(redis, fence, batch.stream);
    assertBatchOpen(batchId, batch.status);
    return batch;
  }

  async #cursor(redis: Redis, stream: string): Promise<StreamCursor | undefined> {
    const text = await redis.get(this.#key.cursor(stream));
    return text === null ? undefined : this.#parse<StreamCursor>(text, `cursor of ${stream}`);
  }

  /** Queues the ledger writes of a batch (§ledger.write: in order, the last write of a key wins). */
  #writeLedger(multi: ChainableCommander, stream: string, entries: readonly LedgerWrite[]): void {
    for (const write of lastWritePerKey(entries)) {
      const stored = encodeLedgerKey(write.key);
      if (write.delete) {
        multi.hdel(this.#key.ledger(stream), write.key);
        multi.zrem(this.#key.ledgerKeys(stream), stored);
      } else {
        const { delete: _delete, rowCount: _rowCount, ...entry } = write;
        multi.hset(this.#key.ledger(stream), write.key, JSON.stringify(entry));
        multi.zadd(this.#key.ledgerKeys(stream), 0, stored);
      }
    }
  }

  /** Queues a batch's settlement; its rows and entries are dropped (failed ones live on in their dead letter). */
  #settle(multi: ChainableCommander, batch: StoredBatch, status: BatchIntent['status'], at: number): void {
    const settled: StoredBatch = { ...batch, status, settledAt: at, rows: [], entries: [] };
    multi.set(this.#key.batch(batch.batchId), JSON.stringify(settled));
    multi.zrem(this.#key.openBatches(), openMember(batch));
  }

  // ---- cursors and ledger (§cursor, §ledger) ----------------------------------------------------------------

  /** {@inheritDoc @mlc/sync-engine#StateStore.getCursor} */
  async getCursor(stream: string): Promise<StreamCursor | undefined> {
    return this.#run((redis) => this.#cursor(redis, stream));
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.lookupLedger} */
  async lookupLedger(stream: string, keys: readonly string[]): Promise<Map<string, LedgerEntry>> {
    return this.#run(async (redis) => {
      const out = new Map<string, LedgerEntry>();
      if (keys.length === 0) return out;
      // One HMGET is one atomic read, however many keys.
      const values = await redis.hmget(this.#key.ledger(stream), ...keys);
      keys.forEach((key, i) => {
        const text = values[i];
        if (text) out.set(key, this.#parse<LedgerEntry>(text, `ledger entry ${key} of ${stream}`));
      });
      return out;
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.scanLedger} */
  async scanLedger(stream: string, options: { afterKey?: string; limit: number }): Promise<LedgerEntry[]> {
    if (options.limit <= 0) return this.#run(async () => []);
    // Keys, then entries: under WATCH, and an empty EXEC, so a commit in between makes it read again.
    return this.#transaction(
      () => [this.#key.ledgerKeys(stream), this.#key.ledger(stream)],
      async (redis) => {
        const min = options.afterKey === undefined ? '-' : `(${encodeLedgerKey(options.afterKey)}`;
        const stored = await redis.zrangebylex(
          this.#key.ledgerKeys(stream),
          min,
          '+',
          'LIMIT',
          0,
          options.limit,
        );
        const keys = stored.map(decodeLedgerKey);
        const values = keys.length ? await redis.hmget(this.#key.ledger(stream), ...keys) : [];
        const result = keys.map((key, i) => {
          const text = values[i];
          if (!text) throw this.#unreadable(`ledger key ${key} of ${stream} has no entry`);
          return this.#parse<LedgerEntry>(text, `ledger entry ${key} of ${stream}`);
        });
        return { result };
      },
    );
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.countLedger} */
  async countLedger(stream: string): Promise<number> {
    return this.#run((redis) => redis.hlen(this.#key.ledger(stream)));
  }

  // ---- batches (§batch) ---------------------------------------------------------------------------------------

  /** {@inheritDoc @mlc/sync-engine#StateStore.beginBatch} */
  async beginBatch(intent: BatchIntent, fence: Fence): Promise<void> {
    return this.#transaction(
      () => [
        this.#key.batch(intent.batchId),
        this.#key.lease(fence.name),
        this.#key.leaseToken(fence.name),
        this.#key.batchSeq(),
      ],
      async (redis) => {
        await this.#checkFence(redis, fence, intent.stream);
        assertIntentOpen(intent);
        assertBatchAbsent(intent.batchId, (await redis.exists(this.#key.batch(intent.batchId))) === 1);
        const seq = Number((await redis.get(this.#key.batchSeq())) ?? 0) + 1;
        const stored: StoredBatch = { ...intent, seq };
        return {
          writes: (multi) => {
            multi.set(this.#key.batchSeq(), String(seq));
            multi.set(this.#key.batch(intent.batchId), JSON.stringify(stored));
            multi.zadd(this.#key.openBatches(), intent.createdAt, openMember(stored));
          },
          result: undefined,
        };
      },
    );
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.updateBatch} */
  async updateBatch(batchId: string, patch: BatchIntentPatch, fence: Fence): Promise<void> {
    return this.#transaction(
      () => [this.#key.batch(batchId), this.#key.lease(fence.name), this.#key.leaseToken(fence.name)],
      async (redis) => {
        const batch = await this.#openBatch(redis, batchId, fence);
        const next: StoredBatch = { ...batch };
        applyIntentPatch(next, patch);
        return {
          writes: (multi) => multi.set(this.#key.batch(batchId), JSON.stringify(next)),
          result: undefined,
        };
      },
    );
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.commitBatch} */
  async commitBatch(batchId: string, fence: Fence, options: BatchCommitOptions): Promise<void> {
    return this.#transaction(
      () => [this.#key.batch(batchId), this.#key.lease(fence.name), this.#key.leaseToken(fence.name)],
      async (redis) => {
        const batch = await this.#openBatch(redis, batchId, fence);
        // The batch names the other keys this commit depends on: watch them before reading them.
        const replayOf = batch.replayOf ?? [];
        await redis.watch(this.#key.cursor(batch.stream), ...replayOf.map((id) => this.#key.deadLetter(id)));
        assertCursorForward(batchId, batch.stream, batch.cursor, await this.#cursor(redis, batch.stream));
        const replayed: DeadLetter[] = [];
        for (const id of replayOf) {
          const letter = await this.#deadLetter(redis, id);
          if (letter && letter.stream === batch.stream) {
            replayed.push({ ...letter, status: 'replayed', settledAt: options.at, replayBatchId: batchId });
          }
        }
        return {
          writes: (multi) => {
            this.#writeLedger(multi, batch.stream, batch.entries);
            if (batch.cursor) multi.set(this.#key.cursor(batch.stream), JSON.stringify(batch.cursor));
            for (const letter of replayed) multi.set(this.#key.deadLetter(letter.id), JSON.stringify(letter));
            this.#settle(multi, batch, 'committed', options.at);
          },
          result: undefined,
        };
      },
    );
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.failBatch} */
  async failBatch(batchId: string, options: BatchFailOptions, fence: Fence): Promise<void> {
    return this.#transaction(
      () => [
        this.#key.batch(batchId),
        this.#key.lease(fence.name),
        this.#key.leaseToken(fence.name),
        this.#key.deadLetter(options.deadLetterId),
        this.#key.deadLetterSeq(),
      ],
      async (redis) => {
        const batch = await this.#openBatch(redis, batchId, fence);
        await redis.watch(this.#key.cursor(batch.stream));
        const quarantined = options.status === 'quarantined';
        if (quarantined) {
          assertCursorForward(batchId, batch.stream, batch.cursor, await this.#cursor(redis, batch.stream));
        }
        const exists = (await redis.exists(this.#key.deadLetter(options.deadLetterId))) === 1;
        assertDeadLetterAbsent(options.deadLetterId, exists);
        const letter = batchDeadLetter(batch, options);
        const seq = Number((await redis.get(this.#key.deadLetterSeq())) ?? 0) + 1;
        return {
          writes: (multi) => {
            if (quarantined) {
              this.#writeLedger(multi, batch.stream, batch.entries);
              if (batch.cursor) multi.set(this.#key.cursor(batch.stream), JSON.stringify(batch.cursor));
            }
            multi.set(this.#key.deadLetterSeq(), String(seq));
            multi.set(this.#key.deadLetter(letter.id), JSON.stringify(letter));
            multi.zadd(this.#key.deadLetters(), seq, letter.id);
            this.#settle(multi, { ...batch, failure: options.failure }, options.status, options.at);
          },
          result: undefined,
        };
      },
    );
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.getBatch} */
  async getBatch(batchId: string): Promise<BatchIntent | undefined> {
    return this.#run(async (redis) => {
      const batch = await this.#batch(redis, batchId);
      return batch ? withoutSeq(batch) : undefined;
    });
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.listOpenBatches} */
  async listOpenBatches(stream?: string): Promise<BatchIntent[]> {
    // Ordered by createdAt (the score), ties by the begin sequence (the member's zero-padded prefix).
    return this.#transaction(
      () => [this.#key.openBatches()],
      async (redis) => {
        const members = await redis.zrange(this.#key.openBatches(), '0', '-1');
        const ids = members.map((m) => m.slice(m.indexOf(':') + 1));
        const texts = ids.length ? await redis.mget(...ids.map((id) => this.#key.batch(id))) : [];
        const result: BatchIntent[] = [];
        texts.forEach((text, i) => {
          if (!text) throw this.#unreadable(`open batch ${ids[i]} has no record`);
          const batch = this.#parse<StoredBatch>(text, `batch ${ids[i]}`);
          if (stream === undefined || batch.stream === stream) result.push(withoutSeq(batch));
        });
        return { result };
      },
    );
  }

  // ---- dead letters (§dead-letters) -------------------------------------------------------------------------

  async #deadLetter(redis: Redis, id: string): Promise<DeadLetter | undefined> {
    const text = await redis.get(this.#key.deadLetter(id));
    return text === null ? undefined : this.#parse<DeadLetter>(text, `dead letter ${id}`);
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.addDeadLetters} */
  async addDeadLetters(letters: readonly DeadLetter[], fence: Fence): Promise<void> {
    return this.#transaction(
      () => [
        this.#key.lease(fence.name),
        this.#key.leaseToken(fence.name),
        this.#key.deadLetterSeq(),
        ...letters.map((l) => this.#key.deadLetter(l.id)),
      ],
      async (redis) => {
        for (const letter of letters) await this.#checkFence(redis, fence, letter.stream);
        let seq = Number((await redis.get(this.#key.deadLetterSeq())) ?? 0);
        const added: Array<{ letter: DeadLetter; seq: number }> = [];
        const seen = new Set<string>();
        for (const letter of letters) {
          if (seen.has(letter.id) || (await redis.exists(this.#key.deadLetter(letter.id))) === 1) continue;
          seen.add(letter.id);
          added.push({ letter, seq: ++seq });
        }
        return {
          writes: (multi) => {
            multi.set(this.#key.deadLetterSeq(), String(seq));
            for (const { letter, seq: n } of added) {
              multi.set(this.#key.deadLetter(letter.id), JSON.stringify(letter));
              multi.zadd(this.#key.deadLetters(), n, letter.id);
            }
          },
          result: undefined,
        };
      },
    );
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.listDeadLetters} */
  async listDeadLetters(query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
    // Oldest first = the order letters were stored (the sorted set's score). An example keeps one index; a store
    // with many letters would add one per stream and status.
    return this.#transaction(
      () => [this.#key.deadLetters()],
      async (redis) => {
        const limit = query.limit ?? 1000;
        const ids = query.ids
          ? [...new Set(query.ids)]
          : await redis.zrange(this.#key.deadLetters(), '0', '-1');
        const order = query.ids
          ? await Promise.all(ids.map((id) => redis.zscore(this.#key.deadLetters(), id)))
          : undefined;
        const texts = ids.length ? await redis.mget(...ids.map((id) => this.#key.deadLetter(id))) : [];
        const found = texts
          .map((text, i) => ({ text, seq: order ? Number(order[i]) : i }))
          .filter((t): t is { text: string; seq: number } => t.text !== null)
          .sort((a, b) => a.seq - b.seq)
          .map((t) => this.#parse<DeadLetter>(t.text, 'a dead letter'));
        const result = found
          .filter(
            (l) =>
              (query.stream === undefined || l.stream === query.stream) &&
              (!query.status || query.status.includes(l.status)),
          )
          .slice(0, limit);
        return { result };
      },
    );
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.setDeadLetterStatus} */
  async setDeadLetterStatus(
    ids: readonly string[],
    status: DeadLetterStatus,
    fence: Fence,
    at: number,
  ): Promise<void> {
    return this.#transaction(
      () => [
        this.#key.lease(fence.name),
        this.#key.leaseToken(fence.name),
        ...ids.map((id) => this.#key.deadLetter(id)),
      ],
      async (redis) => {
        const letters: DeadLetter[] = [];
        for (const id of ids) {
          const letter = await this.#deadLetter(redis, id);
          if (letter) letters.push(letter);
        }
        // Every named letter must be of the fence's stream, or nothing changes (§dead-letters.status).
        for (const letter of letters) await this.#checkFence(redis, fence, letter.stream);
        return {
          writes: (multi) => {
            for (const letter of letters) {
              multi.set(
                this.#key.deadLetter(letter.id),
                JSON.stringify({ ...letter, status, settledAt: at }),
              );
            }
          },
          result: undefined,
        };
      },
    );
  }

  // ---- leases (§lease) ---------------------------------------------------------------------------------------

  /** {@inheritDoc @mlc/sync-engine#StateStore.acquireLease} */
  async acquireLease(request: LeaseRequest): Promise<Lease | undefined> {
    return this.#transaction(
      () => [this.#key.lease(request.name), this.#key.leaseToken(request.name)],
      async (redis) => {
        const now = this.#clock.now();
        const current = await this.#currentLease(redis, request.name);
        if (current && current.expiresAt > now && current.owner !== request.owner)
          return { result: undefined };
        const token = Number((await redis.get(this.#key.leaseToken(request.name))) ?? 0) + 1;
        const lease: StoredLease = { owner: request.owner, token, expiresAt: now + request.ttlMs };
        return {
          writes: (multi) => {
            multi.set(this.#key.leaseToken(request.name), String(token));
            multi.set(this.#key.lease(request.name), JSON.stringify(lease));
          },
          result: { name: request.name, ...lease },
        };
      },
    );
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.renewLease} */
  async renewLease(lease: Lease, ttlMs: number): Promise<Lease> {
    return this.#transaction(
      () => [this.#key.lease(lease.name), this.#key.leaseToken(lease.name)],
      async (redis) => {
        // Current = newest token, not released, same owner; expiry alone does not matter (§lease.renew).
        const current = await this.#currentLease(redis, lease.name);
        if (!current || current.token !== lease.token || current.owner !== lease.owner)
          throw leaseLost(lease.name);
        const renewed: StoredLease = { ...current, expiresAt: this.#clock.now() + ttlMs };
        return {
          writes: (multi) => multi.set(this.#key.lease(lease.name), JSON.stringify(renewed)),
          result: { ...lease, expiresAt: renewed.expiresAt },
        };
      },
    );
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.releaseLease} */
  async releaseLease(lease: Lease): Promise<void> {
    return this.#transaction(
      () => [this.#key.lease(lease.name), this.#key.leaseToken(lease.name)],
      async (redis) => {
        const current = await this.#currentLease(redis, lease.name);
        if (!current || current.token !== lease.token) return { result: undefined };
        // The token counter stays: the next grant gets a higher token.
        return { writes: (multi) => multi.del(this.#key.lease(lease.name)), result: undefined };
      },
    );
  }

  // ---- audit (§audit) -----------------------------------------------------------------------------------------

  /** {@inheritDoc @mlc/sync-engine#StateStore.appendAudit} */
  async appendAudit(entries: readonly AuditEntryInput[]): Promise<void> {
    if (entries.length === 0) return this.#run(async () => undefined);
    // The seq counter is watched: entries are numbered and stored in one step, so no reader tailing `afterSeq`
    // sees seq n+1 before n.
    return this.#transaction(
      () => [this.#key.auditSeq()],
      async (redis) => {
        let seq = Number((await redis.get(this.#key.auditSeq())) ?? 0);
        const stored = entries.map((entry) => ({ ...entry, seq: ++seq }));
        return {
          writes: (multi) => {
            multi.set(this.#key.auditSeq(), String(seq));
            for (const entry of stored) multi.zadd(this.#key.audit(), entry.seq, JSON.stringify(entry));
          },
          result: undefined,
        };
      },
    );
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.queryAudit} */
  async queryAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    return this.#run(async (redis) => {
      const limit = query.limit ?? 1000;
      const out: AuditEntry[] = [];
      let after = query.afterSeq ?? 0;
      const page = Math.max(limit, 500);
      while (out.length < limit) {
        const members = await redis.zrangebyscore(this.#key.audit(), `(${after}`, '+inf', 'LIMIT', 0, page);
        for (const text of members) {
          const entry = this.#parse<AuditEntry>(text, 'an audit entry');
          after = entry.seq;
          if (query.stream !== undefined && entry.stream !== query.stream) continue;
          if (query.types && !query.types.includes(entry.type)) continue;
          out.push(entry);
          if (out.length >= limit) break;
        }
        if (members.length < page) break;
      }
      return out;
    });
  }

  // ---- secrets (§secrets) ------------------------------------------------------------------------------------

  /** {@inheritDoc @mlc/sync-engine#StateStore.getSecret} */
  async getSecret(name: string): Promise<string | undefined> {
    return this.#run(async (redis) => (await redis.hget(this.#key.secrets(), name)) ?? undefined);
  }

  /** {@inheritDoc @mlc/sync-engine#StateStore.putSecret} */
  async putSecret(name: string, ciphertext: string): Promise<void> {
    return this.#run(async (redis) => {
      await redis.hset(this.#key.secrets(), name, ciphertext);
    });
  }
}

/** The open-batches member of a batch: its begin sequence, zero-padded so equal createdAt sort by it. */
function openMember(batch: StoredBatch): string {
  return `${String(batch.seq).padStart(16, '0')}:${batch.batchId}`;
}

function withoutSeq({ seq: _seq, ...batch }: StoredBatch): BatchIntent {
  return batch;
}

/** Creates a {@link RedisStateStore} (call `open()` before use; it checks the server's durability first). */
export function createRedisStateStore(options: RedisStateStoreOptions = {}): RedisStateStore {
  return new RedisStateStore(options);
}
