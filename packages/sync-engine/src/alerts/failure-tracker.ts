import type { ClassifiedFailure } from './classify-failure.js';
import type { SyncAlertInput, SyncRecovered } from './sync-alert.js';

/** Alerting and backoff settings of failed runs (part of `createSync`'s `alerts` option). */
export interface FailureTrackerOptions {
  /** While a stream keeps failing, the alert is repeated this often. */
  reminderMs: number;
  /** Longest wait between two scheduled attempts of a configuration or credential failure. */
  backoffMaxMs: number;
}

interface Streak {
  code: string;
  since: number;
  attempts: number;
  /** Consecutive failures that back off. */
  backoffs: number;
  lastAlertAt: number;
  notBefore?: number;
}

/** What the engine does about one failed run. */
export interface FailureVerdict {
  /** Consecutive failed runs (this one included). */
  attempts: number;
  /** First failure of the streak (epoch ms). */
  since: number;
  /** The alert to raise, when the state changed or a reminder is due. */
  alert?: SyncAlertInput;
  /** Epoch ms before which the schedule should not try again (backoff). */
  retryAt?: number;
}

/**
 * Per-stream failure streaks: turns every failed run into an alert on changes of state only (first failure, a
 * different failure, a reminder every `reminderMs`), a backoff for failures that cannot heal by themselves, and
 * a `recovered` notice when the stream runs again.
 */
export class FailureTracker {
  readonly #streaks = new Map<string, Streak>();
  readonly #options: FailureTrackerOptions;

  /** @param options reminder interval and backoff cap. */
  constructor(options: FailureTrackerOptions) {
    this.#options = options;
  }

  /**
   * Records a failed run at `now`. `intervalMs` is the stream's schedule interval (the first backoff step);
   * without one (a manual stream) nothing backs off.
   */
  failed(stream: string, failure: ClassifiedFailure, now: number, intervalMs?: number): FailureVerdict {
    const previous = this.#streaks.get(stream);
    const streak: Streak = previous ?? {
      code: failure.code,
      since: now,
      attempts: 0,
      backoffs: 0,
      lastAlertAt: 0,
    };
    const changed = previous === undefined || previous.code !== failure.code;
    streak.attempts += 1;
    streak.code = failure.code;
    if (failure.backsOff && intervalMs !== undefined && intervalMs > 0) {
      streak.backoffs += 1;
      const cap = Math.max(this.#options.backoffMaxMs, intervalMs);
      streak.notBefore = now + Math.min(cap, intervalMs * 2 ** (streak.backoffs - 1));
    } else {
      streak.backoffs = 0;
      delete streak.notBefore;
    }
    this.#streaks.set(stream, streak);
    const reminder = !changed && now - streak.lastAlertAt >= this.#options.reminderMs;
    const verdict: FailureVerdict = {
      attempts: streak.attempts,
      since: streak.since,
      ...(streak.notBefore !== undefined ? { retryAt: streak.notBefore } : {}),
    };
    if (changed || reminder) {
      streak.lastAlertAt = now;
      verdict.alert = {
        code: failure.code,
        message: `stream ${stream}: ${failure.message}`,
        phase: failure.phase,
        stream,
        ...(failure.batchId !== undefined ? { batchId: failure.batchId } : {}),
        since: streak.since,
        attempts: streak.attempts,
        reminder,
        ...(streak.notBefore !== undefined ? { retryAt: streak.notBefore } : {}),
      };
    }
    return verdict;
  }

  /**
   * Takes up a failure streak an earlier process of this service recorded (its last `run-failed` audit entry), when
   * this one knows none for the stream yet: the next failure continues it (no new alert for the same code before the
   * reminder is due), the next success ends it with a `recovered` notice. Backoff is not taken up: a restart is often
   * the operator's fix, and deserves an attempt at once.
   */
  resume(stream: string, failed: { code: string; since: number; attempts: number; at: number }): void {
    if (this.#streaks.has(stream)) return;
    this.#streaks.set(stream, {
      code: failed.code,
      since: failed.since,
      attempts: failed.attempts,
      backoffs: 0,
      lastAlertAt: failed.at,
    });
  }

  /** Records a successful run; returns the `recovered` notice when the stream was failing. */
  succeeded(stream: string, runId: string, now: number): SyncRecovered | undefined {
    const streak = this.#streaks.get(stream);
    if (!streak) return undefined;
    this.#streaks.delete(stream);
    return {
      stream,
      runId,
      code: streak.code,
      since: streak.since,
      attempts: streak.attempts,
      downMs: now - streak.since,
    };
  }

  /** Epoch ms before which scheduled runs of `stream` wait (backoff), if any. */
  notBefore(stream: string): number | undefined {
    return this.#streaks.get(stream)?.notBefore;
  }
}
