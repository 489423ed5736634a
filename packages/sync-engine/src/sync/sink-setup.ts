import type { Clock, Logger } from '@mlc/core';
import { SyncError } from '../errors/sync-error.js';
import { isSinkSetupLost } from '../sink/sink-setup-lost.js';
import type { SinkSetupNote, SinkTable, SyncSink } from '../sink/sync-sink.js';
import { quotaStoreOf } from '../state-store/quota-store-of.js';
import type { StateStore } from '../state-store/state-store.js';

/** Store lease under which one worker at a time creates or updates sink tables. */
const SINK_SETUP_LEASE = 'mlc:sink-setup';
const SINK_SETUP_TTL_MS = 120_000;
/** How long a worker waits for another one's sink set-up before giving up for this run. */
const SINK_SETUP_WAIT_MS = 180_000;

/** What {@link SinkSetup} needs. */
export interface SinkSetupOptions {
  store: StateStore;
  clock: Clock;
  logger: Logger;
  /** This worker's lease owner id. */
  owner: string;
  /** The tables each sink must have (every stream's table on that sink). */
  tablesOf(sink: SyncSink): readonly SinkTable[];
}

/**
 * Sets sinks up before their first run: once per sink (single-flight: two streams starting together share it)
 * and, across workers sharing the store, one worker at a time under a store lease: Power BI allows duplicate dataset
 * names, so two workers creating "the" dataset at the same moment would create two. A failed set-up is tried again
 * by the next run; {@link SinkSetup.forget} makes the next run set a sink up again (its container was deleted).
 * What a sink's set-up left ({@link SyncSink.setupNote}) is kept in a named store slot ({@link sinkSetupSlot}) and
 * handed back to its next set-up, in this process or a restarted one, so it need not redo what it knows is done.
 */
export class SinkSetup {
  readonly #options: SinkSetupOptions;
  readonly #ensured = new Map<SyncSink, Promise<void>>();
  /** Set-ups that succeeded: a later `ensure` of their sink checks the container instead of waiting for them. */
  readonly #settled = new WeakSet<Promise<void>>();

  /** @param options store, clock, logger, owner and the tables of each sink. */
  constructor(options: SinkSetupOptions) {
    this.#options = options;
  }

  /**
   * Resolves once `sink`'s tables exist (created or updated by this worker or another). A sink set up by an earlier
   * run of this process is asked whether its container still exists ({@link SyncSink.checkSetup}) and set up again
   * when it is gone.
   */
  ensure(sink: SyncSink, signal?: AbortSignal): Promise<void> {
    const done = this.#ensured.get(sink);
    if (done && this.#settled.has(done)) return this.#recheck(sink, signal);
    return this.#setUp(sink, signal);
  }

  /** Asks the sink whether its container is still there; sets it up again when it is gone. */
  async #recheck(sink: SyncSink, signal?: AbortSignal): Promise<void> {
    if (!sink.checkSetup) return;
    try {
      await sink.checkSetup(signal ? { signal } : {});
    } catch (error) {
      if (!isSinkSetupLost(error)) throw error;
      this.#options.logger.warn(
        { err: error },
        'the sink container set up earlier is gone: setting it up again (every record is posted again)',
      );
      this.forget(sink);
      await this.#setUp(sink, signal);
    }
  }

  #setUp(sink: SyncSink, signal?: AbortSignal): Promise<void> {
    let pending = this.#ensured.get(sink);
    if (!pending) {
      pending = this.#setUpOnce(sink, signal);
      this.#ensured.set(sink, pending);
      const settled = pending;
      pending.then(
        () => this.#settled.add(settled),
        () => this.#ensured.delete(sink),
      );
    }
    return pending;
  }

  /**
   * One set-up of `sink`: found as the last set-up left it, read-only and without the set-up lease, when the sink
   * can tell ({@link SyncSink.findSetup}: nothing is created or changed, so there is nothing to serialise); else
   * `ensureTables` under the lease, with the note read again there (another worker may have just set it up).
   */
  async #setUpOnce(sink: SyncSink, signal?: AbortSignal): Promise<void> {
    const tables = [...this.#options.tablesOf(sink)];
    const quota = quotaStoreOf(this.#options.store);
    const setup = { ...(signal ? { signal } : {}), ...(quota ? { quota } : {}) };
    // A sink is known by its destination and its tables' names (several sinks may share a store); its note says
    // the rest.
    const slot = sinkSetupSlot(
      tables.map((t) => t.name),
      sink.setupKey?.(),
    );
    if (sink.findSetup) {
      const lastSetup = await this.#lastNote(slot);
      if (lastSetup && (await sink.findSetup(tables, { ...setup, lastSetup }))) {
        await this.#noteChanged(sink, slot, lastSetup);
        return;
      }
    }
    await this.#underSetupLease(async () => {
      const lastSetup = await this.#lastNote(slot);
      await sink.ensureTables(tables, { ...setup, ...(lastSetup ? { lastSetup } : {}) });
      await this.#noteChanged(sink, slot, lastSetup);
    }, signal);
  }

  /** Keeps the note the sink's set-up left when it differs from the last one. */
  async #noteChanged(sink: SyncSink, slot: string, lastSetup: SinkSetupNote | undefined): Promise<void> {
    const note = sink.setupNote?.();
    if (note && JSON.stringify(note) !== JSON.stringify(lastSetup)) await this.#keepNote(slot, note);
  }

  /** Sets `sink` up again on its next use (its container was deleted: it gets a new identity). */
  forget(sink: SyncSink): void {
    this.#ensured.delete(sink);
  }

  /**
   * The note the last set-up of the sink with these tables left (see {@link SyncSink.setupNote}), or undefined:
   * none yet, or a failed or unreadable read (the sink then does its set-up in full).
   */
  async #lastNote(slot: string): Promise<SinkSetupNote | undefined> {
    const { store, logger } = this.#options;
    try {
      const text = await store.getSecret(slot);
      const note: unknown = text === undefined ? undefined : JSON.parse(text);
      return note !== null && typeof note === 'object' ? (note as SinkSetupNote) : undefined;
    } catch (error) {
      logger.warn({ err: error }, 'could not read the last sink set-up note; setting the sink up in full');
      return undefined;
    }
  }

  /** Keeps a sink's set-up note for the next set-up; a failure only costs that one the work. */
  async #keepNote(slot: string, note: SinkSetupNote): Promise<void> {
    const { store, logger } = this.#options;
    await store.putSecret(slot, JSON.stringify(note)).catch((error: unknown) => {
      logger.warn(
        { err: error },
        'could not keep the sink set-up note; the next start sets the sink up in full',
      );
    });
  }

  async #underSetupLease(work: () => Promise<void>, signal?: AbortSignal): Promise<void> {
    const { store, clock, logger, owner } = this.#options;
    const deadline = clock.now() + SINK_SETUP_WAIT_MS;
    for (;;) {
      const lease = await store.acquireLease({ name: SINK_SETUP_LEASE, owner, ttlMs: SINK_SETUP_TTL_MS });
      if (lease) {
        try {
          return await work();
        } finally {
          await store.releaseLease(lease).catch((error: unknown) => {
            logger.warn({ err: error }, 'could not release the sink set-up lease');
          });
        }
      }
      if (clock.now() >= deadline) {
        throw new SyncError({
          code: 'SYNC_STREAM_BUSY',
          message: `another worker has been setting up the sink for over ${SINK_SETUP_WAIT_MS / 1000} s; try again later`,
        });
      }
      await clock.sleep(1_000, signal);
    }
  }
}

/**
 * The store slot holding the set-up note of the sink with these tables (and this {@link SyncSink.setupKey}). Like the stream's sink binding, it uses the
 * contract's generic named slots (`getSecret` / `putSecret`) as plain JSON: a dataset id and digests of table
 * definitions are no secret, and every store already has the slots.
 */
export function sinkSetupSlot(tableNames: readonly string[], setupKey?: string): string {
  const tables = JSON.stringify(tableNames);
  return setupKey === undefined
    ? `mlc:sink-setup:${tables}`
    : `mlc:sink-setup:${JSON.stringify(setupKey)}:${tables}`;
}
