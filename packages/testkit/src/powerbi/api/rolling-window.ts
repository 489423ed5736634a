interface WindowEvent {
  readonly at: number;
  readonly weight: number;
}

/**
 * Weighted events in a rolling time window (requests, or rows added). The quotas are modelled as rolling
 * windows [inferred]: the reference gives "per minute/per hour" without saying whether windows are fixed or
 * rolling; rolling is the stricter reading and never allows a burst of 2× at a window edge.
 */
export class RollingWindow {
  #events: WindowEvent[] = [];
  #head = 0;
  readonly #keepMs: number;

  /** @param keepMs how long events are kept: the longest window ever asked about. */
  constructor(keepMs: number) {
    this.#keepMs = keepMs;
  }

  /** Records an event of `weight` at time `at`. */
  add(at: number, weight = 1): void {
    this.#events.push({ at, weight });
  }

  /** Sum of weights of events newer than `now - windowMs`. */
  sum(now: number, windowMs: number): number {
    this.#prune(now);
    let total = 0;
    for (let i = this.#events.length - 1; i >= this.#head; i--) {
      const e = this.#events[i];
      if (!e || e.at <= now - windowMs) break;
      total += e.weight;
    }
    return total;
  }

  /**
   * Milliseconds until the window's sum drops to at most `limit - needed`, so that an event of weight `needed`
   * fits; 0 when it fits now.
   */
  waitMs(now: number, windowMs: number, limit: number, needed: number): number {
    let total = this.sum(now, windowMs);
    if (total + needed <= limit) return 0;
    for (let i = this.#head; i < this.#events.length; i++) {
      const e = this.#events[i];
      if (!e || e.at <= now - windowMs) continue;
      total -= e.weight;
      if (total + needed <= limit) return Math.max(1, e.at + windowMs - now);
    }
    return windowMs;
  }

  #prune(now: number): void {
    const keepMs = this.#keepMs;
    while (this.#head < this.#events.length) {
      const e = this.#events[this.#head];
      if (!e || e.at > now - keepMs) break;
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#events.length) {
      this.#events = this.#events.slice(this.#head);
      this.#head = 0;
    }
  }
}
