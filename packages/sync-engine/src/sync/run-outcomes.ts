import { failureAdvice } from '../alerts/alert-catalog.js';
import { type FailureOwners, type PhaseHint, classifyFailure } from '../alerts/classify-failure.js';
import { FailureTracker, type FailureTrackerOptions } from '../alerts/failure-tracker.js';
import { quarantineCondition } from '../alerts/quarantine-condition.js';
import type { SyncRecovered } from '../alerts/sync-alert.js';
import { isSyncError } from '../errors/sync-error.js';
import { type EngineContext, type RunStats, alert, audit } from '../engine/engine-context.js';
import { countersOf } from '../engine/run-stream.js';
import type { StreamRunResult } from '../engine/stream-run-result.js';

/** What {@link RunOutcomes} needs besides the engine context. */
export interface RunOutcomesOptions extends FailureTrackerOptions {
  /** Quarantined share of the records read above which a run is a quarantine state. */
  quarantineThreshold: number;
  /** A stream's schedule interval around now (the first backoff step); `undefined` for a manual stream. */
  intervalOf(stream: string): number | undefined;
}

/**
 * Tells the operator how each run ended: every failed run whatever its phase (`run-failed`, a log line, an audit
 * entry, and an alert when the stream's state changed or a reminder is due), quarantine states (tracked like
 * failing runs), and `recovered` when a run ends either. It also holds the backoff of failing streams.
 */
export class RunOutcomes {
  readonly #ctx: EngineContext;
  readonly #options: RunOutcomesOptions;
  readonly #failures: FailureTracker;
  // Quarantine states (a whole stream, or a share above the threshold) are tracked like failing runs: one alert
  // when the state begins or changes, a reminder while it lasts, `recovered` when a run ends it.
  readonly #quarantines: FailureTracker;
  /** Streams whose failure streak was looked up in the audit log (once per stream and process). */
  readonly #resumed = new Set<string>();

  /** @param ctx the engine context (events, logger, store for the audit). @param options alerting settings. */
  constructor(ctx: EngineContext, options: RunOutcomesOptions) {
    this.#ctx = ctx;
    this.#options = options;
    this.#failures = new FailureTracker(options);
    this.#quarantines = new FailureTracker(options);
  }

  /** Epoch ms before which scheduled runs of `stream` wait (a configuration or credential failure backs off). */
  notBefore(stream: string): number | undefined {
    return this.#failures.notBefore(stream);
  }

  /**
   * Reports a failed run. A graceful stop (`SYNC_STOPPED`) is not a failure. `owners` are the stream's source and
   * sink, which describe their own failures.
   */
  async failed(
    stream: string,
    runId: string,
    error: unknown,
    hint: PhaseHint,
    stats: RunStats,
    owners: FailureOwners = {},
  ): Promise<void> {
    if (isSyncError(error, 'SYNC_STOPPED')) return;
    const ctx = this.#ctx;
    const failure = classifyFailure(
      error,
      hint,
      owners,
      error === stats.sourceFailure ? 'source' : undefined,
    );
    const advice = failureAdvice(error, failure);
    const verdict = this.#failures.failed(stream, failure, ctx.clock.now(), this.#options.intervalOf(stream));
    // One line per failed run (with the redacted cause chain); the alert adds one on changes of state.
    ctx.logger.warn(
      { err: error, stream, runId, code: failure.code, phase: failure.phase, attempts: verdict.attempts },
      'stream run failed',
    );
    ctx.events.emit('run-failed', {
      stream,
      runId,
      error,
      code: failure.code,
      phase: failure.phase,
      since: verdict.since,
      attempts: verdict.attempts,
      ...(verdict.retryAt !== undefined ? { retryAt: verdict.retryAt } : {}),
    });
    if (verdict.alert) alert(ctx, { ...verdict.alert, ...advice });
    await audit(ctx, {
      type: 'run-failed',
      stream,
      message: `run ${runId} failed (${failure.phase}): ${failure.message}`,
      data: {
        runId,
        code: failure.code,
        phase: failure.phase,
        // Stored with the failure so the status of any process gives the alert's own words.
        severity: advice.severity,
        remedy: advice.remedy,
        attempts: verdict.attempts,
        since: verdict.since,
        ...countersOf(stats),
      },
    });
  }

  /** Reports a run that finished: the end of a failure streak, and the start, reminder or end of a quarantine. */
  async succeeded(result: StreamRunResult, stats: RunStats): Promise<void> {
    if (result.status === 'skipped') return;
    const now = this.#ctx.clock.now();
    await this.#recovered(this.#failures.succeeded(result.stream, result.runId, now), 'failed runs');
    // A run that read nothing says nothing about a quarantine state: it neither goes on nor ends.
    if (stats.recordsRead === 0) return;
    const condition = quarantineCondition(result.runId, stats, this.#options.quarantineThreshold);
    if (!condition) {
      await this.#recovered(
        this.#quarantines.succeeded(result.stream, result.runId, now),
        'quarantining runs',
      );
      return;
    }
    const verdict = this.#quarantines.failed(result.stream, condition.failure, now);
    if (verdict.alert) alert(this.#ctx, { ...verdict.alert, data: condition.data });
  }

  /**
   * Before a stream's first run in this process (the store open): when its last run outcome in the audit log is a
   * failure (an earlier process of this service failed, then stopped), the streak goes on here, so the first success
   * after a restart still tells the operator `recovered` instead of leaving the alert open. Needs the store's indexed
   * `latestAudit` (one read); without it the streak starts afresh, as it does when the read fails (tried again before
   * the next run).
   */
  async resumeStreak(stream: string): Promise<void> {
    if (this.#resumed.has(stream)) return;
    const store = this.#ctx.store;
    if (!store.latestAudit) return;
    try {
      const [last] = await store.latestAudit({
        stream,
        types: ['run-finished', 'run-failed', 'recovered'],
        limit: 1,
      });
      this.#resumed.add(stream);
      if (last?.type !== 'run-failed') return;
      const data = last.data ?? {};
      const code = typeof data.code === 'string' ? data.code : undefined;
      const since = typeof data.since === 'number' ? data.since : last.at;
      const attempts = typeof data.attempts === 'number' ? data.attempts : 1;
      if (code !== undefined) this.#failures.resume(stream, { code, since, attempts, at: last.at });
    } catch (error) {
      this.#ctx.logger.warn({ err: error, stream }, 'could not read the last run outcome from the audit log');
    }
  }

  async #recovered(recovered: SyncRecovered | undefined, what: string): Promise<void> {
    if (!recovered) return;
    const ctx = this.#ctx;
    ctx.events.emit('recovered', recovered);
    ctx.logger.info({ ...recovered }, `stream ${recovered.stream} recovered`);
    await audit(ctx, {
      type: 'recovered',
      stream: recovered.stream,
      message: `stream ${recovered.stream} recovered after ${recovered.attempts} ${what} (${recovered.code})`,
      data: { ...recovered },
    });
  }
}
