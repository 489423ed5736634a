import { abortReason } from './abort-reason.js';
import type { Clock, SleepOptions } from './clock.js';
import type { MonotonicReading } from './monotonic-reading.js';
import { type HttpRequestTracker, trackHttpRequests } from './track-http-requests.js';

/** Every `fetch` of the process, counted once for all test clocks (subscribed by the first one, for good). */
let requests: HttpRequestTracker | undefined;
/** Sleeps of all test clocks that hold an HTTP request open (a simulator's latency): those requests are parked. */
let heldRequests = 0;
/** Numbers the test clocks: each one's monotonic readings carry its own identity. */
let clocks = 0;

function requestOnTheWire(): boolean {
  return (requests?.inFlight ?? 0) > heldRequests;
}

/** Options of {@link TestClock.run}. */
export interface TestClockRunOptions {
  /** How many times at most time moves to the next sleeper's deadline. @default 100_000 */
  maxSteps?: number;
  /**
   * `true` while the code under test waits on real I/O: time then does not move. See {@link trackHttpRequests}.
   * @default a `fetch` of this process is on the wire (and not held open by a simulator's `holdsRequest` sleep)
   */
  busy?: () => boolean;
}

interface Sleeper {
  readonly wakeAt: number;
  readonly seq: number;
  readonly background: boolean;
  readonly holdsRequest: boolean;
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
  /** `monotonic()` minus `now()`: grows when `setTime` moves `now()` back, so monotonic readings never do. */
  #monotonicOffset = 0;
  readonly #identity = `test-clock:${++clocks}`;
  #seq = 0;
  #sleepers: Sleeper[] = [];

  /** @param start the initial time: epoch ms, a `Date` or an ISO string. @default 2024-01-01T00:00:00Z */
  constructor(start: number | Date | string = '2024-01-01T00:00:00Z') {
    this.#now = typeof start === 'number' ? start : new Date(start).getTime();
    if (!Number.isFinite(this.#now)) throw new TypeError(`TestClock: invalid start time ${String(start)}`);
    // Count requests from now on: one made before the first run() must not be missed.
    requests ??= trackHttpRequests();
  }

  /**
   * The default `busy` of {@link TestClock.run}: `true` while a `fetch` of this process is on the wire, i.e. more
   * requests are in flight than simulators hold open with a `holdsRequest` sleep on a test clock. Combine it with
   * a test's own condition instead of tracking requests again:
   * `clock.run(done, { busy: () => TestClock.requestOnTheWire() || dbQueryRunning })`.
   */
  static requestOnTheWire(): boolean {
    return requestOnTheWire();
  }

  /** {@inheritDoc Clock.now} */
  now(): number {
    return this.#now;
  }

  /**
   * {@inheritDoc Clock.monotonic}
   * One identity per test clock, so code sharing it acts as processes of one machine. It follows `now()` forward
   * and stands still when `setTime` moves `now()` back. To act as another machine, hand that code a clock without
   * `monotonic` (or another `TestClock`).
   */
  monotonic(): MonotonicReading {
    return { clock: this.#identity, ms: this.#now + this.#monotonicOffset };
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
        holdsRequest: options?.holdsRequest === true,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          release();
          resolve();
        },
      };
      const release = () => {
        if (sleeper.holdsRequest) heldRequests -= 1;
      };
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        release();
        reject(abortReason(signal));
      };
      if (sleeper.holdsRequest) heldRequests += 1;
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
    if (target < this.#now) this.#monotonicOffset += this.#now - target;
    this.#now = target;
    await flushMicrotasks();
  }

  /**
   * Repeatedly advances to the next sleeper's deadline until `promise` settles (or `maxSteps` is reached), then
   * returns its result. Useful to drive code that sleeps an unknown number of times. Background sleepers (a
   * heartbeat) are never the reason to move time: while only they sleep, the promise waits on real I/O, so this
   * yields to the event loop; they wake when other sleepers move time past them.
   *
   * Time moves only while the code under test is parked on this clock: while `busy` answers `true`, this yields
   * to the event loop instead of waking the next sleeper. By default `busy` is "a `fetch` of this process is on the
   * wire" ({@link trackHttpRequests}; a request a simulator holds open with a `holdsRequest` sleep on a test clock
   * counts as parked). Otherwise time would jump while a real request is in flight — a request timeout or a settle
   * time on this clock would pass during real I/O, and the outcome would depend on how busy the machine is. Pass
   * your own `busy` for other real I/O (a database), or `() => false` for the old behaviour.
   *
   * @param options `maxSteps` (how many wake-ups at most, default 100,000) and `busy`; a number is `maxSteps`.
   */
  async run<T>(promise: Promise<T>, options: number | TestClockRunOptions = {}): Promise<T> {
    const { maxSteps = 100_000, busy = requestOnTheWire } =
      typeof options === 'number' ? { maxSteps: options } : options;
    let settled = false;
    const tracked = promise.finally(() => {
      settled = true;
    });
    tracked.catch(() => {});
    let idle = 0;
    for (let step = 0; step < maxSteps; ) {
      await flushMicrotasks();
      if (settled) break;
      const next = busy() ? undefined : this.#nextDue(Number.POSITIVE_INFINITY, false);
      if (!next) {
        // Nothing sleeps, or real I/O is in flight: the promise waits on it. Yield to the event loop — at once the
        // first times, then with a 1 ms timer, so a long wait does not spin a core the I/O itself needs.
        idle += 1;
        await new Promise((resolve) => (idle <= 16 ? setImmediate(resolve) : setTimeout(resolve, 1)));
        continue;
      }
      idle = 0;
      // Let callbacks already queued (a response just read) run before deciding that everything is parked.
      await new Promise((resolve) => setImmediate(resolve));
      await flushMicrotasks();
      if (settled) break;
      if (busy()) continue;
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
