import { failureAdvice } from '../alerts/alert-catalog.js';
import { type FailureOwners, type PhaseHint, classifyFailure } from '../alerts/classify-failure.js';
import { FailureTracker, type FailureTrackerOptions } from '../alerts/failure-tracker.js';
import { quarantineCondition } from '../alerts/quarantine-condition.js';
import type { SyncRecovered } from '../alerts/sync-alert.js';
import { isSyncError } from '../errors/sync-error.js';
import { type EngineContext, type RunStats, alert, audit, newRunStats } from '../engine/engine-context.js';
import { countersOf } from '../engine/run-stream.js';
import type { StreamRunResult } from '../engine/stream-run-result.js';
import type { StateStore } from '../state-store/state-store.js';
import { runCountsOf, runFailureOf } from '../status/run-audit-data.js';

/** Finished runs read back, at most, to find a quarantine streak an earlier process left. */
const QUARANTINE_LOOKBACK = 50;

/** The store's newest-audit-entries read (the optional `latestAudit`, present). */
type LatestAudit = NonNullable<StateStore['latestAudit']>;

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
  /** Streams whose failure and quarantine streaks were looked up in the audit log (once per stream and process). */
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
   * Before a stream's first run in this process (the store open): an earlier process of this service may have left
   * the stream failing, or quarantining, and stopped. Its streaks go on here, read back from the audit log, so the
   * first good run after a restart still tells the operator `recovered` instead of leaving the alert open, and the
   * same condition does not alert again before its reminder. Needs the store's indexed `latestAudit` (two reads);
   * without it the streaks start afresh, as they do when a read fails (tried again before the next run). Backoff is
   * not carried over: a restart, often the operator's fix, gets an attempt at once.
   */
  async resumeStreak(stream: string): Promise<void> {
    if (this.#resumed.has(stream)) return;
    const store = this.#ctx.store;
    if (!store.latestAudit) return;
    const latest = store.latestAudit.bind(store);
    try {
      await this.#resumeFailures(latest, stream);
      await this.#resumeQuarantine(latest, stream);
      this.#resumed.add(stream);
    } catch (error) {
      this.#ctx.logger.warn({ err: error, stream }, 'could not read the last run outcome from the audit log');
    }
  }

  /** A failure streak: the stream's last outcome is a `run-failed` entry, which records the streak's facts. */
  async #resumeFailures(latestAudit: LatestAudit, stream: string): Promise<void> {
    const [last] = await latestAudit({
      stream,
      types: ['run-finished', 'run-failed', 'recovered'],
      limit: 1,
    });
    if (last?.type !== 'run-failed') return;
    const { code, since, attempts } = runFailureOf(last);
    this.#failures.resume(stream, { code, since, attempts, at: last.at });
  }

  /**
   * A quarantine streak: the stream's last finished runs that read records quarantined above the threshold (their
   * `run-finished` entries keep the counts; runs that read nothing neither go on nor end a quarantine state). Since
   * and attempts are counted over the last {@link QUARANTINE_LOOKBACK} finished runs.
   */
  async #resumeQuarantine(latestAudit: LatestAudit, stream: string): Promise<void> {
    const finished = await latestAudit({ stream, types: ['run-finished'], limit: QUARANTINE_LOOKBACK });
    let streak: { code: string; since: number; attempts: number; at: number } | undefined;
    for (const entry of finished) {
      const { recordsRead, recordsQuarantined } = runCountsOf(entry.data);
      if (recordsRead === 0) continue;
      const stats = { ...newRunStats(), recordsRead, recordsQuarantined };
      const runId = typeof entry.data?.runId === 'string' ? entry.data.runId : '';
      const condition = quarantineCondition(runId, stats, this.#options.quarantineThreshold);
      // Newest first: the streak is the run of quarantining runs up to the first one that ended a condition.
      if (!condition || (streak && condition.failure.code !== streak.code)) break;
      streak = streak
        ? { ...streak, since: entry.at, attempts: streak.attempts + 1 }
        : { code: condition.failure.code, since: entry.at, attempts: 1, at: entry.at };
    }
    if (streak) this.#quarantines.resume(stream, streak);
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
