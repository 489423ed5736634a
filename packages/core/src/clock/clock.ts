import { abortReason } from './abort-reason.js';
import { type MonotonicReading, readMonotonic } from './monotonic-reading.js';

/** Options of {@link Clock.sleep}. */
export interface SleepOptions {
  /**
   * A background wait (a heartbeat): it does not keep the process alive, and a test clock never moves time just to
   * wake it — it wakes when other waits move time past it. @default false
   */
  background?: boolean;
  /**
   * The wait holds an HTTP request open: a simulator delaying its answer on the injected clock. A
   * {@link TestClock} counts such a request as parked, not on the wire, so {@link TestClock.run} may move time while
   * it is in flight (it would otherwise wait for an answer that needs time to move). @default false
   */
  holdsRequest?: boolean;
}

/**
 * The source of time and waiting for everything in the SDK. Inject one so tests never wait in real time.
 * `now()` is milliseconds since the Unix epoch (UTC); `sleep()` rejects with the signal's reason when aborted.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds; rejects with `signal.reason` if the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal, options?: SleepOptions): Promise<void>;
  /**
   * A reading of a monotonic clock that other processes of this machine share, with the clock's identity, or
   * `undefined` when there is none. Optional: without it, time measured across processes is never trusted (the
   * sync engine's takeover then waits its full, conservative settle time).
   */
  monotonic?(): MonotonicReading | undefined;
}

/** The real clock: `Date.now()`, `setTimeout`, and the machine's monotonic clock where it has an identity. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: readMonotonic,
  sleep(ms, signal, options) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal));
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      if (options?.background) timer.unref();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};
