import { abortReason } from './abort-reason.js';
import type { Clock, SleepOptions } from './clock.js';

/** Options of {@link TestClock.run}. */
export interface TestClockRunOptions {
  /** How many times at most time moves to the next sleeper's deadline. @default 100_000 */
  maxSteps?: number;
  /**
   * `true` while the code under test waits on real I/O (a request on the wire): time then does not move. See
   * {@link trackHttpRequests}. @default never busy
   */
  busy?: () => boolean;
}

interface Sleeper {
  readonly wakeAt: number;
  readonly seq: number;
  readonly background: boolean;
  readonly resolve: () => void;
}

/**
 * A manual clock for tests: time only moves when the test calls {@link TestClock.advance} or
 * {@link TestClock.setTime}, and sleepers wake in deadline order as it passes them.
 *
 * @example
 * const clock = new TestClock('2024-01-01T00:00:00Z');
 * const done = clock.sleep(1000);
 * await clock.advance(1000); // `done` resolves
 */
export class TestClock implements Clock {
  #now: number;
  #seq = 0;
  #sleepers: Sleeper[] = [];

  /** @param start the initial time: epoch ms, a `Date` or an ISO string. @default 2024-01-01T00:00:00Z */
  constructor(start: number | Date | string = '2024-01-01T00:00:00Z') {
    this.#now = typeof start === 'number' ? start : new Date(start).getTime();
    if (!Number.isFinite(this.#now)) throw new TypeError(`TestClock: invalid start time ${String(start)}`);
  }

  /** {@inheritDoc Clock.now} */
  now(): number {
    return this.#now;
  }

  /** {@inheritDoc Clock.sleep} */
  sleep(ms: number, signal?: AbortSignal, options?: SleepOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const sleeper: Sleeper = {
        wakeAt: this.#now + Math.max(0, ms),
        seq: this.#seq++,
        background: options?.background === true,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(abortReason(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.push(sleeper);
    });
  }

  /** How many sleeps are waiting for time to pass (background ones included). */
  get pendingSleeps(): number {
    return this.#sleepers.length;
  }

  /**
   * Moves time forward by `ms`, waking every sleeper whose deadline is reached, in deadline order. Between
   * wake-ups it lets pending promise callbacks run, so code that sleeps again inside the window is woken too.
   */
  async advance(ms: number): Promise<void> {
    await this.setTime(this.#now + ms);
  }

  /** Moves time to `time` (never backwards for sleepers; a past time only changes `now()`). */
  async setTime(time: number | Date | string): Promise<void> {
    const target = typeof time === 'number' ? time : new Date(time).getTime();
    for (;;) {
      await flushMicrotasks();
      const next = this.#nextDue(target);
      if (!next) break;
      this.#sleepers = this.#sleepers.filter((s) => s !== next);
      this.#now = Math.max(this.#now, next.wakeAt);
      next.resolve();
    }
    this.#now = target;
    await flushMicrotasks();
  }

  /**
   * Repeatedly advances to the next sleeper's deadline until `promise` settles (or `maxSteps` is reached), then
   * returns its result. Useful to drive code that sleeps an unknown number of times. Background sleepers (a
   * heartbeat) are never the reason to move time: while only they sleep, the promise waits on real I/O, so this
   * yields to the event loop; they wake when other sleepers move time past them.
   *
   * Time moves only while the code under test is parked on this clock: pass `busy` (for instance
   * `() => tracker.inFlight > 0` with {@link trackHttpRequests}) and, while it answers `true`, this yields to the
   * event loop instead of waking the next sleeper. Without it, time can jump while a real request is on the wire —
   * a request timeout or a settle time on this clock then passes during real I/O, and the outcome depends on how
   * busy the machine is.
   *
   * @param options `maxSteps` (how many wake-ups at most, default 100,000) and `busy`; a number is `maxSteps`.
   */
  async run<T>(promise: Promise<T>, options: number | TestClockRunOptions = {}): Promise<T> {
    const { maxSteps = 100_000, busy } = typeof options === 'number' ? { maxSteps: options } : options;
    let settled = false;
    const tracked = promise.finally(() => {
      settled = true;
    });
    tracked.catch(() => {});
    for (let step = 0; step < maxSteps; ) {
      await flushMicrotasks();
      if (settled) break;
      const next = busy?.() ? undefined : this.#nextDue(Number.POSITIVE_INFINITY, false);
      if (!next) {
        // Nothing sleeps, or real I/O is in flight: the promise waits on it. Yield to the event loop.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      // Let callbacks already queued (a response just read) run before deciding that everything is parked.
      await new Promise((resolve) => setImmediate(resolve));
      await flushMicrotasks();
      if (settled) break;
      if (busy?.()) continue;
      step += 1;
      await this.setTime(next.wakeAt);
    }
    return tracked;
  }

  #nextDue(limit: number, background = true): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const s of this.#sleepers) {
      if (s.wakeAt > limit || (s.background && !background)) continue;
      if (!best || s.wakeAt < best.wakeAt || (s.wakeAt === best.wakeAt && s.seq < best.seq)) best = s;
    }
    return best;
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
