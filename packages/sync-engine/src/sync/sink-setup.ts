import type { Clock, Logger } from '@mlc/core';
import { SyncError } from '../errors/sync-error.js';
import type { SinkTable, SyncSink } from '../sink/sync-sink.js';
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
 */
export class SinkSetup {
  readonly #options: SinkSetupOptions;
  readonly #ensured = new Map<SyncSink, Promise<void>>();

  /** @param options store, clock, logger, owner and the tables of each sink. */
  constructor(options: SinkSetupOptions) {
    this.#options = options;
  }

  /** Resolves once `sink`'s tables exist (created or updated by this worker or another). */
  ensure(sink: SyncSink, signal?: AbortSignal): Promise<void> {
    let pending = this.#ensured.get(sink);
    if (!pending) {
      const tables = [...this.#options.tablesOf(sink)];
      const quota = quotaStoreOf(this.#options.store);
      pending = this.#underSetupLease(
        () => sink.ensureTables(tables, { ...(signal ? { signal } : {}), ...(quota ? { quota } : {}) }),
        signal,
      );
      this.#ensured.set(sink, pending);
      pending.catch(() => this.#ensured.delete(sink));
    }
    return pending;
  }

  /** Sets `sink` up again on its next use (its container was deleted: it gets a new identity). */
  forget(sink: SyncSink): void {
    this.#ensured.delete(sink);
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
