import type { Clock } from '@mlc/core';
import type { ResolvedStream } from '../engine/engine-context.js';
import { compileSchedule } from '../scheduler/next-run-at.js';

/** What the schedule loops of {@link StreamSchedules.start} call. */
export interface ScheduledRuns {
  /** Runs a stream once; failures were reported by the run itself. */
  run(stream: string): Promise<unknown>;
  /** Epoch ms before which runs of `stream` wait (a backing-off failure), if any. */
  notBefore(stream: string): number | undefined;
}

/**
 * The schedules of a sync's streams and the loops that run them: one loop per scheduled stream, each awaiting its
 * run before computing the next time, so runs of one stream never overlap and ticks missed during a long run are
 * skipped, not queued.
 */
export class StreamSchedules {
  readonly #next: Map<string, ((from: number) => number | undefined) | undefined>;
  readonly #clock: Clock;
  readonly #loops: Promise<void>[] = [];
  #scheduler: AbortController | undefined;

  /** @param streams the sync's streams (their schedules are compiled once here). @param clock the sync's clock. */
  constructor(streams: readonly ResolvedStream[], clock: Clock) {
    this.#next = new Map(streams.map((s) => [s.name, compileSchedule(s.schedule, s.name)]));
    this.#clock = clock;
  }

  /** Whether the loops run (between {@link StreamSchedules.start} and {@link StreamSchedules.stop}). */
  get started(): boolean {
    return this.#scheduler !== undefined;
  }

  /** The stream's schedule interval around now (the first backoff step); undefined for a manual stream. */
  intervalOf(stream: string): number | undefined {
    const next = this.#next.get(stream);
    const first = next?.(this.#clock.now());
    const second = first === undefined ? undefined : next?.(first);
    return first === undefined || second === undefined ? undefined : second - first;
  }

  /**
   * The stream's next scheduled run while a failure backs off until `notBefore`: the first tick at or after the
   * backoff's end (so runs stay on the schedule's grid). Undefined for a manual stream.
   */
  firstTickFrom(stream: string, notBefore: number | undefined): number | undefined {
    const from = Math.max(this.#clock.now(), notBefore === undefined ? 0 : notBefore - 1);
    return this.#next.get(stream)?.(from);
  }

  /** Starts one loop per stream whose schedule is not `manual`. */
  start(streams: readonly ResolvedStream[], runs: ScheduledRuns): void {
    this.#scheduler = new AbortController();
    for (const stream of streams) this.#loops.push(this.#loop(stream.name, runs, this.#scheduler.signal));
  }

  /** Stops the loops (a run in flight goes on; see `RunControl.drain`). */
  stop(): void {
    this.#scheduler?.abort();
    this.#scheduler = undefined;
  }

  /** Resolves once every stopped loop has ended. */
  async ended(): Promise<void> {
    await Promise.all(this.#loops.splice(0));
  }

  async #loop(stream: string, runs: ScheduledRuns, signal: AbortSignal): Promise<void> {
    if (!this.#next.get(stream)) return;
    while (!signal.aborted) {
      const at = this.firstTickFrom(stream, runs.notBefore(stream));
      if (at === undefined) return;
      try {
        await this.#clock.sleep(Math.max(0, at - this.#clock.now()), signal);
      } catch {
        return; // stopped
      }
      // Awaiting the run before computing the next time is what keeps runs of one stream from overlapping;
      // ticks missed while a long run was going on are skipped, not queued. Failures were reported by the run.
      await runs.run(stream).catch(() => undefined);
    }
  }
}
