import {
  type Clock,
  type QuotaRecord,
  type QuotaStore,
  type QuotaWindow,
  longestQuotaWindow,
  quotaReadyAt,
} from '@mlc/core';
import PQueue from 'p-queue';
import { type ResolvedPacing, pacingWindows } from './pacing-options.js';

/** A snapshot of a pacer's state, for logs and tests. */
export interface PacerStats {
  /** Requests running now. */
  inFlight: number;
  /** Requests waiting for a slot. */
  queued: number;
  /** POSTs this process recorded in the current rolling minute. */
  postsLastMinute: number;
  /** Rows this process recorded in the current rolling hour. */
  rowsLastHour: number;
  /** Epoch ms until which a 429 paused the dataset (0 when not paused). */
  pausedUntil: number;
  /** True when the windows live in a shared {@link QuotaStore} (see {@link DatasetPacer.share}). */
  shared: boolean;
}

/** Where a shared pacer keeps its windows. */
interface Shared {
  readonly quota: QuotaStore;
  readonly scope: string;
  readonly onError: (error: unknown) => void;
}

/**
 * Paces POST rows requests to one dataset before Power BI throttles them: a p-queue bounds requests in flight, and
 * rolling windows enforce requests per minute, the hourly cap for large tables and the rows-per-hour budget
 * (`quotaReadyAt` of `@mlc/core`). The windows live in this process, or — after {@link DatasetPacer.share} — in a
 * {@link QuotaStore} that every process writing the dataset shares (the sync engine's state store), so the quota
 * survives restarts and N processes together stay within it. All waiting goes through the injected clock, so tests
 * drive it with a `TestClock`. One pacer per (client, dataset).
 */
export class DatasetPacer {
  readonly #clock: Clock;
  readonly #options: ResolvedPacing | false;
  readonly #windows: QuotaWindow[];
  readonly #queue: PQueue;
  #log: QuotaRecord[] = [];
  #gate: Promise<void> = Promise.resolve();
  #pausedUntil = 0;
  readonly #tableRows = new Map<string, number>();
  /** The highest capacity warning already given per table (reset when the count is set). */
  readonly #warnedShare = new Map<string, number>();
  #shared: Shared | undefined;
  #updates: Promise<void> = Promise.resolve();

  constructor(options: ResolvedPacing | false, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
    this.#windows = options === false ? [] : pacingWindows(options);
    this.#queue = new PQueue({
      concurrency: options === false ? Number.POSITIVE_INFINITY : options.maxInFlight,
    });
  }

  /**
   * Keeps this dataset's windows, pause and table sizes in `quota` under `scope` from now on, shared with every
   * process that does the same (no effect when pacing is off). The sizes this pacer already knows are written there.
   * A failed size or pause update is passed to `onError` (pacing goes on); a failed reservation fails that request
   * before it is sent.
   */
  share(quota: QuotaStore, scope: string, onError: (error: unknown) => void = () => {}): void {
    if (this.#options === false) return;
    this.#shared = { quota, scope, onError };
    for (const [table, size] of this.#tableRows) this.#update({ kind: 'set-size', target: table, size });
    if (this.#pausedUntil > 0) this.#update({ kind: 'pause', until: this.#pausedUntil });
  }

  /** Runs `task` in a request slot (≤ `maxInFlight` at once), in FIFO order. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.#queue.add(task, signal ? { signal } : {}) as Promise<T>;
  }

  /**
   * Waits until one more POST of `rows` rows to `table` fits every window, then records it as sent now. Call it
   * right before each attempt (retries count too: the service counts every request it receives [inferred]).
   * Callers of this process are served in order.
   */
  acquire(table: string, rows: number, signal?: AbortSignal): Promise<void> {
    const turn = this.#gate.then(() => this.#waitForRoom(table, rows, signal));
    // The next caller waits for this one whatever happens to it.
    this.#gate = turn.catch(() => {});
    return turn;
  }

  /** Pauses every request of the dataset until `epochMs` (after a 429 with Retry-After), in every sharing process. */
  pauseUntil(epochMs: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, epochMs);
    this.#update({ kind: 'pause', until: epochMs });
  }

  /**
   * Records rows the service accepted into `table`, for the large-table mode. `cap` bounds the count for tables
   * the service trims (basicFIFO keeps 200,000–210,000 rows, [documented] reference §3/S9).
   */
  addTableRows(table: string, rows: number, cap = Number.POSITIVE_INFINITY): void {
    this.#tableRows.set(table, Math.min(cap, (this.#tableRows.get(table) ?? 0) + rows));
    this.#update({
      kind: 'add-size',
      target: table,
      units: rows,
      ...(Number.isFinite(cap) ? { cap } : {}),
    });
  }

  /** Sets the known row count of `table` (0 after a clear; a counted value at start-up). */
  setTableRows(table: string, rows: number): void {
    this.#tableRows.set(table, Math.max(0, rows));
    this.#update({ kind: 'set-size', target: table, size: Math.max(0, rows) });
    this.#warnedShare.delete(table);
  }

  /**
   * The highest of `thresholds` (shares of `cap`) that `table`'s row count has reached and that was not reported
   * yet, or undefined: each level is reported once, again after the count is set (a restart, a clear).
   */
  capacityReached(table: string, cap: number, thresholds: readonly number[]): number | undefined {
    const share = this.tableRows(table) / cap;
    const reached = thresholds.filter((t) => share >= t && t > (this.#warnedShare.get(table) ?? 0));
    if (reached.length === 0) return undefined;
    const level = Math.max(...reached);
    this.#warnedShare.set(table, level);
    return level;
  }

  /** The row count this process assumes for `table` (a shared pacer decides on the store's count). */
  tableRows(table: string): number {
    return this.#tableRows.get(table) ?? 0;
  }

  /** Resolves once the size and pause updates sent to the shared quota so far have been applied (or failed). */
  settled(): Promise<void> {
    return this.#updates;
  }

  /** Current counters. */
  stats(): PacerStats {
    const now = this.#clock.now();
    const options = this.#options;
    const minute = options ? options.minuteMs + options.windowMarginMs : 60_000;
    const hour = options ? options.hourMs + options.windowMarginMs : 3_600_000;
    return {
      inFlight: this.#queue.pending,
      queued: this.#queue.size,
      postsLastMinute: this.#log.filter((record) => record.at > now - minute).length,
      rowsLastHour: this.#log
        .filter((record) => record.at > now - hour)
        .reduce((sum, record) => sum + record.units, 0),
      pausedUntil: this.#pausedUntil > now ? this.#pausedUntil : 0,
      shared: this.#shared !== undefined,
    };
  }

  /** Sends one update to the shared quota, after the ones before it. */
  #update(update: Parameters<QuotaStore['updateQuota']>[1]): void {
    const shared = this.#shared;
    if (!shared) return;
    this.#updates = this.#updates.then(() =>
      shared.quota.updateQuota(shared.scope, update).catch((error: unknown) => shared.onError(error)),
    );
  }

  async #waitForRoom(table: string, rows: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.#clock.now();
      // Records older than the longest window can never matter again.
      this.#log = this.#log.filter((record) => record.at > now - longestQuotaWindow(this.#windows));
      let readyAt = Math.max(now, this.#pausedUntil);
      if (readyAt <= now && this.#options !== false) {
        if (this.#shared) {
          const { quota, scope } = this.#shared;
          const answer = await quota.reserveQuota({
            scope,
            target: table,
            units: rows,
            now,
            windows: this.#windows,
          });
          readyAt = answer.reserved ? now : answer.retryAt;
        } else {
          readyAt = quotaReadyAt(
            this.#log,
            { units: rows, now, targetSize: this.tableRows(table) },
            this.#windows,
          );
        }
      }
      if (readyAt <= now) {
        this.#log.push({ at: now, units: rows });
        return;
      }
      await this.#clock.sleep(readyAt - now, signal);
    }
  }
}
