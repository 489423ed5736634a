import { formatInstant, parseStamp } from '../cursor/stamp.js';
import { compareCursors, type StreamCursor } from '../cursor/stream-cursor.js';
import type { AuditEntryInput, BatchIntent, LedgerEntry, LedgerWrite, Row } from '../state-store/types.js';
import { ledgerFingerprint } from '../ledger/record-fingerprint.js';
import { type BatchSettlement, commitIntent, sendRowsBatch } from './batch-protocol.js';
import { auditEntry, type RunScope, step, throwIfStopping, writeAudit } from './engine-context.js';
import type { FingerprintedItem, InvalidItem, ReadItem, ValidItem } from './prepare-item.js';
import { quarantineItem } from './quarantine-item.js';
import { rebuildTable } from './rebuild-table.js';

/** Options of {@link ChangeBatcher}. */
export interface ChangeBatcherOptions {
  /** The committed cursor at the start; batches carry a cursor only when it moves past this. */
  cursor?: StreamCursor;
  /** Whether this batcher advances the cursor (false for replays). */
  trackCursor: boolean;
  /**
   * Verify rows batches whose POST outcome is unknown off the critical path (see {@link ChangeBatcher.flush}).
   * @default false
   */
  deferUnknown?: boolean;
}

/**
 * Entries kept for a source's questions and not decided yet, at most (about a page's worth is usual); beyond it they
 * are dropped, and their chunk looks them up again.
 */
const MAX_PREFETCHED = 100_000;

/** Rows batches settling off the critical path at once, at most (each holds its rows in memory). */
const MAX_DEFERRED = 3;

/** A rows batch whose outcome is unknown, settling while the run goes on. */
interface Deferred {
  /** The batch's ledger state per key, as the store will hold it once the batch settles. */
  readonly entries: Map<string, LedgerEntry>;
  /** Resolves once settled (committed or quarantined); rejects with the run's failure. */
  readonly done: Promise<void>;
}

/**
 * The middle of the pipeline: decides per record, against the ledger, whether it is new, changed or unchanged
 * (by mode), accumulates rows up to the batch size, and flushes batches through the protocol. Memory is
 * bounded by one batch plus one look-up chunk.
 */
export class ChangeBatcher {
  readonly #scope: RunScope;
  readonly #trackCursor: boolean;
  #committedCursor: StreamCursor | undefined;
  #decidedCursor: StreamCursor | undefined;
  /** Ledger state of keys in the unflushed batch. */
  #pending = new Map<string, LedgerEntry>();
  /** Ledger state of keys flushed since the current chunk was looked up. */
  #flushed = new Map<string, LedgerEntry>();
  #looked = new Map<string, LedgerEntry>();
  /**
   * Ledger state of keys looked up for the source ({@link holds}) and not decided yet (`null`: not in the ledger):
   * the chunk that decides a key takes its entry instead of looking it up again. Kept current: a key flushed since
   * gets its flushed entry here too.
   */
  #prefetched = new Map<string, LedgerEntry | null>();
  /** How many times {@link #flushed} was cleared (a look-up that spans a clear is not kept). */
  #clears = 0;
  #rows: Row[] = [];
  #entries: LedgerWrite[] = [];
  /** Entries of the unflushed batch that change the ledger (not only its fingerprint): a `replace` snapshot. */
  #changes = 0;
  /** Records with a fingerprint decided in the current chunk, and those of them the ledger held already. */
  #fingerprints = { seen: 0, held: 0 };
  #letters: string[] = [];
  /**
   * `changed-after-post` entries not written yet: written in one store write at the end of the chunk, and always
   * before the batch holding their ledger writes (`seenHash`) commits, so a commit never records a change whose
   * audit entry could still be lost. (One write per record cost a transaction each: 500 changed records, 500 fsyncs.)
   */
  #audits: AuditEntryInput[] = [];
  #rebuild: BatchIntent | undefined;
  readonly #deferUnknown: boolean;
  /** Rows batches settling off the critical path, by batch id. */
  #deferred = new Map<string, Deferred>();
  /** The first failure of a deferred settlement: the run fails with it. */
  #deferredFailure: { error: unknown } | undefined;
  /**
   * The last rows batch sent while the run reads on: resolves once it committed (or failed), or once its outcome
   * turned out unknown and it settles off the critical path. The next flush waits for it, so batches commit, and
   * cursors move, in order.
   */
  #inFlight: Promise<void> | undefined;

  /** Creates a batcher for one run or replay. */
  constructor(scope: RunScope, options: ChangeBatcherOptions) {
    this.#scope = scope;
    this.#trackCursor = options.trackCursor;
    this.#committedCursor = options.cursor;
    this.#deferUnknown = options.deferUnknown === true;
  }

  /** Last position fully decided (for progress). */
  get decidedCursor(): StreamCursor | undefined {
    return this.#decidedCursor;
  }

  /**
   * Decides a chunk of items in order (one bulk ledger look-up). A fingerprinted item whose fingerprint the ledger
   * already holds is unchanged as it stands; any other is prepared (mapped, checked, hashed) and decided. Returns how
   * many of the chunk's records had a fingerprint and how many of those the ledger held (prepared items included),
   * which tells the run whether deferring the preparation pays ({@link preparesLazily}).
   */
  async processChunk(items: readonly ReadItem[]): Promise<{ seen: number; held: number }> {
    this.#throwIfDeferredFailed();
    const { stats } = this.#scope;
    const keys = new Set<string>();
    for (const item of items) if (item.ok !== false) keys.add(item.key);
    this.#flushed.clear();
    this.#clears += 1;
    this.#looked = await this.#lookup(keys);
    this.#fingerprints = { seen: 0, held: 0 };
    for (const item of items) {
      if (item.ok === 'fingerprinted' && this.#holdsFingerprint(item)) {
        stats.recordsUnchanged += 1;
        this.#fingerprints.seen += 1;
        this.#fingerprints.held += 1;
      } else {
        const prepared = item.ok === 'fingerprinted' ? item.prepare() : item;
        if (prepared.ok) await this.#decide(prepared);
        else await this.quarantine(prepared);
      }
      this.#advance(item);
    }
    await this.#writeAudits();
    return this.#fingerprints;
  }

  /**
   * The ledger entries of `keys` for a chunk: those the source's question already looked up ({@link holds}, kept
   * current since), the others in one store look-up.
   */
  async #lookup(keys: ReadonlySet<string>): Promise<Map<string, LedgerEntry>> {
    const { ctx, stream } = this.#scope;
    if (keys.size === 0) return new Map();
    if (this.#prefetched.size === 0) return ctx.store.lookupLedger(stream.name, [...keys]);
    const looked = new Map<string, LedgerEntry>();
    const missing: string[] = [];
    for (const key of keys) {
      const entry = this.#prefetched.get(key);
      if (entry === undefined) {
        missing.push(key);
        continue;
      }
      this.#prefetched.delete(key);
      if (entry !== null) looked.set(key, entry);
    }
    if (missing.length > 0)
      for (const [key, entry] of await ctx.store.lookupLedger(stream.name, missing)) looked.set(key, entry);
    return looked;
  }

  /**
   * The engine's answer to a source's `holds` question ({@link SourceReadRequest.holds}): for each record, whether
   * the key's ledger state as this run sees it now holds its fingerprint. Keys not known yet are looked up in one
   * store look-up, kept for the chunk that decides them ({@link #lookup}), so a re-read looks each key up once.
   */
  async holds(records: ReadonlyArray<{ key: string; fingerprint: string }>): Promise<boolean[]> {
    const { ctx, stream } = this.#scope;
    const missing = new Set<string>();
    for (const { key } of records) if (!this.#prefetched.has(key)) missing.add(key);
    let found: Map<string, LedgerEntry> | undefined;
    if (missing.size > 0) {
      if (this.#prefetched.size + missing.size > MAX_PREFETCHED) this.#prefetched.clear();
      const clears = this.#clears;
      found = await ctx.store.lookupLedger(stream.name, [...missing]);
      // Flushed entries are newer than the store's answer; a clear during the look-up may have dropped some.
      if (this.#clears === clears)
        for (const key of missing)
          this.#prefetched.set(key, this.#flushed.get(key) ?? found.get(key) ?? null);
    }
    return records.map(({ key, fingerprint }) => {
      const prior = this.#runEntry(key) ?? this.#prefetched.get(key) ?? found?.get(key);
      return prior?.fingerprint === ledgerFingerprint(stream, fingerprint);
    });
  }

  /** A key's entry once its batch committed (or its settlement ended), also for a look-up kept for its chunk. */
  #setFlushed(key: string, entry: LedgerEntry): void {
    this.#flushed.set(key, entry);
    if (this.#prefetched.has(key)) this.#prefetched.set(key, entry);
  }

  /**
   * Whether the key's ledger state, as this run sees it (unflushed, flushed, settling off the critical path, or
   * looked up), holds the item's fingerprint: the same raw record decided by the same definition. A settling batch
   * either lands in the ledger or fails the run, so its entry counts (as for an unchanged hash in {@link #decide}).
   */
  #holdsFingerprint(item: FingerprintedItem): boolean {
    const prior = this.#runEntry(item.key) ?? this.#looked.get(item.key);
    return prior?.fingerprint === item.fingerprint;
  }

  /**
   * A key's entry as this run is writing or wrote it (unflushed, flushed, or in a batch settling off the critical
   * path), which is newer than any look-up; undefined when this run has not written the key.
   */
  #runEntry(key: string): LedgerEntry | undefined {
    return (
      this.#pending.get(key) ??
      this.#flushed.get(key) ??
      (this.#deferred.size > 0 ? this.#deferredEntry(key)?.entry : undefined)
    );
  }

  /** Marks a replayed dead letter as done once everything before this point is flushed. */
  completeLetter(letterId: string): void {
    this.#letters.push(letterId);
  }

  /** Flushes what is left and, for `replace`, rebuilds the table when anything was staged. */
  async finish(): Promise<void> {
    await this.flush();
    await this.settleDeferred();
    // Batches committed while one was settling carried no cursor: the cursor moves now (a no-op when it did).
    await this.flush();
    if (this.#rebuild) {
      const intent = this.#rebuild;
      this.#rebuild = undefined;
      await rebuildTable(this.#scope, intent, false);
    }
  }

  /** Stages ledger deletes (replace-mode delete reconciliation). */
  async stageDeletes(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      if (this.#entries.length >= this.#scope.stream.batchSize) await this.flush();
      this.#entries.push({ key, hash: '', version: 0, delete: true });
      this.#changes += 1;
    }
  }

  /** Writes a quarantined record (durable before the cursor can pass it). */
  async quarantine(item: InvalidItem): Promise<void> {
    await quarantineItem(this.#scope, item);
  }

  /**
   * Takes over a rows intent found open at the start of the run whose settlement (`settled`, already started) goes
   * on off the critical path: its keys are decided against its entries, and the cursor stays behind it until it
   * settled.
   */
  adoptSettling(intent: BatchIntent, settled: Promise<BatchSettlement>): void {
    if (intent.cursor && (!this.#committedCursor || compareCursors(intent.cursor, this.#committedCursor) > 0))
      this.#committedCursor = intent.cursor;
    this.#defer(intent, settled);
  }

  /** Waits until every deferred batch settled; throws the first failure among them. */
  async settleDeferred(): Promise<void> {
    while (this.#deferred.size > 0)
      await this.#waitForSettling(Promise.allSettled([...this.#deferred.values()].map((d) => d.done)));
    this.#throwIfDeferredFailed();
  }

  /**
   * Waits for batches settling off the critical path with nothing else to do, and counts the time in the run's
   * `settleWaitMs` (an operator sees how much of a run verification's settle time cost).
   */
  async #waitForSettling(settling: Promise<unknown>): Promise<void> {
    const { ctx, stats } = this.#scope;
    const from = ctx.clock.now();
    try {
      await settling;
    } finally {
      stats.settleWaitMs += Math.max(0, ctx.clock.now() - from);
    }
  }

  #defer(intent: BatchIntent, settled: Promise<BatchSettlement>): Promise<void> {
    const entries = new Map<string, LedgerEntry>();
    for (const write of intent.entries) {
      if (write.delete) continue;
      const { rowCount: _rowCount, delete: _delete, ...state } = write;
      entries.set(write.key, state);
    }
    const done = settled.then(
      () => {
        this.#deferred.delete(intent.batchId);
        // Committed or quarantined, the store now holds these entries (a chunk looked up before did not see them).
        for (const [key, entry] of entries)
          if (!this.#pending.has(key) && !this.#flushed.has(key)) this.#setFlushed(key, entry);
      },
      (error: unknown) => {
        this.#deferred.delete(intent.batchId);
        this.#deferredFailure ??= { error };
        throw error;
      },
    );
    // Failures are read through #deferredFailure and settleDeferred(), never left unhandled.
    done.catch(() => undefined);
    this.#deferred.set(intent.batchId, { entries, done });
    return done;
  }

  #throwIfDeferredFailed(): void {
    if (this.#deferredFailure) throw this.#deferredFailure.error;
  }

  /** The state a key will have once the deferred batch holding it settled, and that batch. */
  #deferredEntry(key: string): { entry: LedgerEntry; done: Promise<void> } | undefined {
    for (const deferred of this.#deferred.values()) {
      const entry = deferred.entries.get(key);
      if (entry) return { entry, done: deferred.done };
    }
    return undefined;
  }

  async #decide(item: ValidItem): Promise<void> {
    const { ctx, stream, stats } = this.#scope;
    let prior = this.#pending.get(item.key) ?? this.#flushed.get(item.key);
    let settlingPrior = false;
    if (!prior && this.#deferred.size > 0) {
      const settling = this.#deferredEntry(item.key);
      // A batch settling off the critical path either lands in the ledger (committed or quarantined) or fails the
      // run, so its entry is the key's state for an unchanged record. A changed one waits for the settlement, so
      // that no later batch ever holds a key of a batch still settling.
      if (settling && settling.entry.hash === item.hash) {
        prior = settling.entry;
        settlingPrior = true;
      } else if (settling) {
        await this.#waitForSettling(settling.done);
        prior = this.#flushed.get(item.key);
      }
    }
    prior ??= this.#looked.get(item.key);
    if (item.fingerprint !== undefined) {
      this.#fingerprints.seen += 1;
      if (prior?.fingerprint === item.fingerprint) this.#fingerprints.held += 1;
    }
    if (prior && prior.hash === item.hash) {
      stats.recordsUnchanged += 1;
      // A key of a batch still settling is written by no later batch; its fingerprint is refreshed next time.
      if (!settlingPrior) await this.#refreshFingerprint(prior, item);
      return;
    }
    // Entry-only writes (seen hashes, snapshot rows) are bounded by the batch size like rows.
    if (this.#entries.length >= stream.batchSize) await this.flush();
    if (stream.mode === 'append' && prior) {
      // Posted facts are never re-posted; the change is audited once per distinct content.
      if (prior.seenHash === item.hash) {
        stats.recordsUnchanged += 1;
        await this.#refreshFingerprint(prior, item);
        return;
      }
      ctx.events.emit('changed-after-post', {
        stream: stream.name,
        key: item.key,
        postedHash: prior.hash,
        hash: item.hash,
      });
      this.#audits.push(
        auditEntry(ctx, {
          type: 'changed-after-post',
          stream: stream.name,
          key: item.key,
          message: `record ${item.key} changed after it was posted; not re-posted (append mode)`,
          data: { postedHash: prior.hash, hash: item.hash, stamp: item.stamp },
        }),
      );
      this.#add(withFingerprint({ ...prior, seenHash: item.hash }, item.fingerprint), []);
      return;
    }
    const version = (prior?.version ?? 0) + 1;
    const entry: LedgerWrite = {
      key: item.key,
      hash: item.hash,
      version,
      ...(item.stamp !== undefined ? { stamp: item.stamp } : {}),
      ...(item.fingerprint !== undefined ? { fingerprint: item.fingerprint } : {}),
    };
    if (stream.mode === 'replace') {
      entry.rows = item.rows;
      this.#add(entry, []);
      return;
    }
    let rows = item.rows;
    if (stream.mode === 'versioned') {
      const validFrom = item.stamp !== undefined ? parseStamp(item.stamp) : undefined;
      const validFromIso = validFrom ? formatInstant(validFrom.epochMs) : null;
      rows = rows.map((row) => ({ ...row, _version: version, _validFrom: validFromIso }));
    }
    if (this.#rows.length + rows.length > stream.batchSize) await this.flush();
    this.#add(entry, rows);
  }

  /**
   * An unchanged record read with another fingerprint than its entry holds (an entry written before fingerprints, by
   * another stream version, or a raw change that maps to the same rows): the entry gets the new one, so the next
   * read skips the record. Nothing else of the entry changes, and no row is posted.
   */
  async #refreshFingerprint(prior: LedgerEntry, item: ValidItem): Promise<void> {
    if (item.fingerprint === undefined || prior.fingerprint === item.fingerprint) return;
    if (this.#entries.length >= this.#scope.stream.batchSize) await this.flush();
    this.#add({ ...prior, fingerprint: item.fingerprint }, [], false);
  }

  async #writeAudits(): Promise<void> {
    if (this.#audits.length === 0) return;
    const audits = this.#audits;
    this.#audits = [];
    await writeAudit(this.#scope.ctx, audits);
  }

  #add(entry: LedgerWrite, rows: Row[], change = true): void {
    if (change) this.#changes += 1;
    this.#entries.push(rows.length > 0 ? { ...entry, rowCount: rows.length } : entry);
    for (const row of rows) this.#rows.push(row);
    const { rowCount: _rowCount, delete: _delete, ...state } = entry;
    this.#pending.set(entry.key, state);
  }

  #advance(item: ReadItem): void {
    if (!this.#trackCursor || item.key === undefined || item.stamp === undefined) return;
    const position = { stamp: item.stamp, key: item.key };
    if (!this.#decidedCursor || compareCursors(position, this.#decidedCursor) > 0)
      this.#decidedCursor = position;
  }

  /** Whether the accumulated entries should be flushed before more are added. */
  get full(): boolean {
    return (
      this.#entries.length >= this.#scope.stream.batchSize ||
      this.#rows.length >= this.#scope.stream.batchSize
    );
  }

  /** Sends the accumulated batch (rows, state-only or snapshot) through the protocol. */
  async flush(): Promise<void> {
    await this.#writeAudits();
    if (this.#inFlight) {
      const inFlight = this.#inFlight;
      this.#inFlight = undefined;
      await inFlight;
    }
    this.#throwIfDeferredFailed();
    const { ctx, stream, lease } = this.#scope;
    // While a batch settles off the critical path, later batches carry no cursor: the store never moves a cursor
    // backwards (the settling batch commits its own later), and a crash must read their records again.
    const cursor =
      this.#trackCursor &&
      this.#deferred.size === 0 &&
      this.#decidedCursor &&
      (!this.#committedCursor || compareCursors(this.#decidedCursor, this.#committedCursor) > 0)
        ? this.#decidedCursor
        : undefined;
    if (this.#rows.length === 0 && this.#entries.length === 0 && !cursor && this.#letters.length === 0)
      return;
    throwIfStopping(this.#scope);
    const kind: BatchIntent['kind'] =
      this.#rows.length > 0 ? 'rows' : stream.mode === 'replace' && this.#changes > 0 ? 'snapshot' : 'state';
    const intent: BatchIntent = {
      batchId: ctx.newId('b'),
      stream: stream.name,
      table: stream.table.name,
      kind,
      mode: stream.mode,
      rows: this.#rows,
      entries: this.#entries,
      rowCount: this.#rows.length,
      createdAt: ctx.clock.now(),
      attempts: 0,
      status: 'open',
      ...(cursor ? { cursor } : {}),
      ...(this.#letters.length > 0 ? { replayOf: this.#letters } : {}),
    };
    if (kind === 'snapshot') await this.#ensureRebuildIntent();
    let deferred = false;
    if (kind === 'rows' && this.#deferUnknown) {
      // Memory stays bounded: at most MAX_DEFERRED batches are sent or settling at once.
      while (this.#deferred.size >= MAX_DEFERRED)
        await this.#waitForSettling(
          Promise.race([...this.#deferred.values()].map((d) => d.done.catch(() => undefined))),
        );
      this.#throwIfDeferredFailed();
      // Sent while the run reads and decides the next records (its keys are decided against its entries meanwhile):
      // reading overlaps the POST and the pacer's wait. An unknown outcome settles off the critical path.
      let turnedDeferred!: () => void;
      const deferral = new Promise<void>((resolve) => {
        turnedDeferred = resolve;
      });
      const settled = sendRowsBatch(this.#scope, intent, { defer: true }).then((outcome) => {
        if (typeof outcome !== 'object') return outcome;
        turnedDeferred();
        return outcome.settled;
      });
      const done = this.#defer(intent, settled);
      this.#inFlight = Promise.race([done.catch(() => undefined), deferral]);
      deferred = true;
    } else if (kind === 'rows') {
      await sendRowsBatch(this.#scope, intent);
    } else {
      await ctx.store.beginBatch(intent, lease);
      await step(this.#scope, 'intent-written', intent.batchId);
      await commitIntent(this.#scope, intent, { verified: false });
      if (kind === 'snapshot') await step(this.#scope, 'snapshot-committed', intent.batchId);
    }
    if (cursor) this.#committedCursor = cursor;
    // A deferred batch's keys are decided against its own entries until it settled (see #decide).
    if (!deferred) for (const [key, entry] of this.#pending) this.#setFlushed(key, entry);
    this.#pending = new Map();
    this.#rows = [];
    this.#entries = [];
    this.#changes = 0;
    this.#letters = [];
  }

  /** The rebuild intent is durable before the first snapshot commit, so a crash after it still rebuilds. */
  async #ensureRebuildIntent(): Promise<void> {
    if (this.#rebuild) return;
    const { ctx, stream, lease } = this.#scope;
    const existing = (await ctx.store.listOpenBatches(stream.name)).find((b) => b.kind === 'rebuild');
    if (existing) {
      this.#rebuild = existing;
      return;
    }
    const intent: BatchIntent = {
      batchId: ctx.newId('r'),
      stream: stream.name,
      table: stream.table.name,
      kind: 'rebuild',
      mode: 'replace',
      rows: [],
      entries: [],
      rowCount: 0,
      createdAt: ctx.clock.now(),
      attempts: 0,
      status: 'open',
      rebuild: { phase: 'clear', chunksPosted: 0, rowsPosted: 0 },
    };
    await ctx.store.beginBatch(intent, lease);
    this.#rebuild = intent;
  }
}

/** The entry with the item's fingerprint, or without any when the item has none (a stale one would hide changes). */
function withFingerprint(entry: LedgerWrite, fingerprint: string | undefined): LedgerWrite {
  const { fingerprint: _stale, ...rest } = entry;
  return fingerprint === undefined ? rest : { ...rest, fingerprint };
}

/**
 * Whether a run should defer preparing its next chunk's records until the ledger look-up, given the fingerprints of
 * the last chunk: yes while at least half of them were in the ledger (a re-read skips them unprepared), and when
 * nothing is known yet. A first load holds none: preparing each record as it is read then lets its raw form go at
 * once, where a deferred chunk keeps a thousand raw records alive until the look-up (a GraphQL first load spent
 * about a fifth more CPU, mostly collecting them).
 */
export function preparesLazily(last: { seen: number; held: number } | undefined): boolean {
  return last === undefined || last.seen === 0 || last.held * 2 >= last.seen;
}
