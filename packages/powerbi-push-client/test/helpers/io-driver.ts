import { type Clock, TestClock } from '@mlc/core';

/**
 * Drives a TestClock shared by a client and an in-process simulator over real loopback HTTP, without letting
 * simulated time jump while a request is on the wire. `TestClock.run()` advances to the next sleeper as soon as
 * one exists; with real sockets that can move time by an hour while a POST is still in transit, so the server
 * would see it arrive an hour "late". This driver advances only when every request in flight is parked in a
 * simulator sleep (latency fault), otherwise it yields to real I/O first.
 */
export class IoDriver {
  readonly clock: TestClock;
  /** Give this to the client: every sleep is tracked. */
  readonly clientClock: Clock;
  /** Give this to the simulator: its sleeps are tracked and counted as "a request parked on the server". */
  readonly serverClock: Clock;
  #wakeTimes: number[] = [];
  #inFlight = 0;
  #serverSleeping = 0;

  constructor(start: string | number = '2024-06-01T00:00:00Z') {
    this.clock = new TestClock(start);
    this.clientClock = this.#tracked(false);
    this.serverClock = this.#tracked(true);
  }

  /** A fetch that counts requests in flight until their body is fully read. */
  readonly fetch: typeof globalThis.fetch = async (input, init) => {
    this.#inFlight++;
    try {
      const response = await globalThis.fetch(input, init);
      const body = await response.arrayBuffer();
      const empty = response.status === 204 || response.status === 304;
      return new Response(empty ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } finally {
      this.#inFlight--;
    }
  };

  /** The simulated time (epoch ms). */
  now(): number {
    return this.clock.now();
  }

  /** Runs `promise` to completion, moving simulated time only when nothing is on the wire. */
  async run<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    const tracked = promise.finally(() => {
      settled = true;
    });
    tracked.catch(() => {});
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) break;
      const next = this.#wakeTimes.length > 0 ? Math.min(...this.#wakeTimes) : undefined;
      if (this.#inFlight > this.#serverSleeping || next === undefined) {
        // Real I/O (or CPU work) is pending: let it progress in real time.
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      await this.clock.setTime(Math.max(next, this.clock.now()));
    }
    return tracked;
  }

  #tracked(server: boolean): Clock {
    return {
      now: () => this.clock.now(),
      sleep: async (ms, signal) => {
        const at = this.clock.now() + Math.max(0, ms);
        this.#wakeTimes.push(at);
        if (server) this.#serverSleeping++;
        try {
          await this.clock.sleep(ms, signal);
        } finally {
          const index = this.#wakeTimes.indexOf(at);
          if (index >= 0) this.#wakeTimes.splice(index, 1);
          if (server) this.#serverSleeping--;
        }
      },
    };
  }
}
