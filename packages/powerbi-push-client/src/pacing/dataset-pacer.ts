import type { Clock } from '@mlc/core';
import PQueue from 'p-queue';
import type { ResolvedPacing } from './pacing-options.js';

interface PostRecord {
  readonly at: number;
  readonly rows: number;
}

/** A snapshot of a pacer's state, for logs and tests. */
export interface PacerStats {
  /** Requests running now. */
  inFlight: number;
  /** Requests waiting for a slot. */
  queued: number;
  /** POSTs recorded in the current rolling minute. */
  postsLastMinute: number;
  /** Rows recorded in the current rolling hour. */
  rowsLastHour: number;
  /** Epoch ms until which a 429 paused the dataset (0 when not paused). */
  pausedUntil: number;
}

/**
 * Paces POST rows requests to one dataset before Power BI throttles them: a p-queue bounds requests in flight, and
 * a rolling log of sent requests enforces requests per minute, the hourly cap for large tables and the rows-per-hour
 * budget. All waiting goes through the injected clock, so tests drive it with a `TestClock`. One pacer per
 * (client, dataset); never shared across clients.
 */
export class DatasetPacer {
  readonly #clock: Clock;
  readonly #options: ResolvedPacing | false;
  readonly #queue: PQueue;
  #log: PostRecord[] = [];
  #gate: Promise<void> = Promise.resolve();
  #pausedUntil = 0;
  readonly #tableRows = new Map<string, number>();

  constructor(options: ResolvedPacing | false, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
    this.#queue = new PQueue({
      concurrency: options === false ? Number.POSITIVE_INFINITY : options.maxInFlight,
    });
  }

  /** Runs `task` in a request slot (≤ `maxInFlight` at once), in FIFO order. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.#queue.add(task, signal ? { signal } : {}) as Promise<T>;
  }

  /**
   * Waits until one more POST of `rows` rows to `table` fits every window, then records it as sent now. Call it
   * right before each attempt (retries count too: the service counts every request it receives [inferred]).
   * Callers are served in order.
   */
  acquire(table: string, rows: number, signal?: AbortSignal): Promise<void> {
    const turn = this.#gate.then(() => this.#waitForRoom(table, rows, signal));
    // The next caller waits for this one whatever happens to it.
    this.#gate = turn.catch(() => {});
    return turn;
  }

  /** Pauses every request of the dataset until `epochMs` (after a 429 with Retry-After). */
  pauseUntil(epochMs: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, epochMs);
  }

  /**
   * Records rows the service accepted into `table`, for the large-table mode. `cap` bounds the count for tables
   * the service trims (basicFIFO keeps 200,000–210,000 rows, [documented] reference §3/S9).
   */
  addTableRows(table: string, rows: number, cap = Number.POSITIVE_INFINITY): void {
    this.#tableRows.set(table, Math.min(cap, (this.#tableRows.get(table) ?? 0) + rows));
  }

  /** Sets the known row count of `table` (0 after a clear; a counted value at start-up). */
  setTableRows(table: string, rows: number): void {
    this.#tableRows.set(table, Math.max(0, rows));
  }

  /** The row count the pacer assumes for `table`. */
  tableRows(table: string): number {
    return this.#tableRows.get(table) ?? 0;
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
        .reduce((sum, record) => sum + record.rows, 0),
      pausedUntil: this.#pausedUntil > now ? this.#pausedUntil : 0,
    };
  }

  async #waitForRoom(table: string, rows: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.#clock.now();
      const readyAt = this.#readyAt(table, rows, now);
      if (readyAt <= now) {
        this.#log.push({ at: now, rows });
        return;
      }
      await this.#clock.sleep(readyAt - now, signal);
    }
  }

  /** The earliest time at which a POST of `rows` rows to `table` fits every window. */
  #readyAt(table: string, rows: number, now: number): number {
    let readyAt = this.#pausedUntil;
    const options = this.#options;
    if (options === false) return readyAt;
    const minute = options.minuteMs + options.windowMarginMs;
    const hour = options.hourMs + options.windowMarginMs;
    // Records older than the longest window can never matter again.
    this.#log = this.#log.filter((record) => record.at > now - hour);

    const lastMinute = this.#log.filter((record) => record.at > now - minute);
    if (lastMinute.length >= options.postsPerMinute) {
      // The window has room once enough of its oldest records have aged out.
      const oldestToExpire = lastMinute[lastMinute.length - options.postsPerMinute];
      if (oldestToExpire) readyAt = Math.max(readyAt, oldestToExpire.at + minute);
    }
    if (
      this.tableRows(table) >= options.largeTableRowThreshold &&
      this.#log.length >= options.postsPerHourLargeTable
    ) {
      const oldestToExpire = this.#log[this.#log.length - options.postsPerHourLargeTable];
      if (oldestToExpire) readyAt = Math.max(readyAt, oldestToExpire.at + hour);
    }
    let rowsInHour = this.#log.reduce((sum, record) => sum + record.rows, 0);
    if (rowsInHour + rows > options.rowsPerHour) {
      for (const record of this.#log) {
        rowsInHour -= record.rows;
        if (rowsInHour + rows <= options.rowsPerHour) {
          readyAt = Math.max(readyAt, record.at + hour);
          break;
        }
      }
    }
    return readyAt;
  }
}
