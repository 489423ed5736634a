import type { Clock } from '@mlc/core';
import type { StreamRunResult } from '../engine/stream-run-result.js';
import { SyncError } from '../errors/sync-error.js';

/**
 * The runs in flight in one sync instance: which stream is running (one run per stream at a time), whether the
 * instance is stopping (no new run starts), and the signal that aborts in-flight runs when a stop times out.
 */
export class RunControl {
  /** The run in flight of each stream. */
  readonly running = new Map<string, Promise<StreamRunResult>>();
  /** Whether a stop is under way: runs asked for now are skipped and running ones start no new batch. */
  stopping = false;
  #hard = new AbortController();

  /** Aborts in-flight runs and replays (a stop that timed out). */
  get hardSignal(): AbortSignal {
    return this.#hard.signal;
  }

  /** `signal` (the caller's) combined with {@link RunControl.hardSignal}. */
  combined(signal?: AbortSignal): AbortSignal {
    return signal ? AbortSignal.any([signal, this.#hard.signal]) : this.#hard.signal;
  }

  /** Ready for new runs again (after a stop, or when schedules start). */
  reset(): void {
    this.stopping = false;
    this.#hard = new AbortController();
  }

  /**
   * Waits for the runs in flight to end (a batch already posting finishes, no new one starts); after `timeoutMs`
   * aborts them with `SYNC_STOPPED` (their intents stay open, verified next run) and waits for them to end.
   */
  async drain(clock: Clock, timeoutMs: number): Promise<void> {
    const inFlight = [...this.running.values()].map((p) =>
      p.then(
        () => undefined,
        () => undefined,
      ),
    );
    if (inFlight.length === 0) return;
    const timeout = new AbortController();
    const timedOut = clock.sleep(timeoutMs, timeout.signal).then(
      () => true,
      () => false,
    );
    const finished = Promise.all(inFlight).then(() => false);
    if (await Promise.race([finished, timedOut])) {
      this.#hard.abort(
        new SyncError({
          code: 'SYNC_STOPPED',
          message: 'sync stopped; open intents are verified next run',
        }),
      );
    }
    timeout.abort();
    await Promise.all(inFlight);
  }
}
