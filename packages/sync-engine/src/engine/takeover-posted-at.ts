import type { Clock, MonotonicReading } from '@mlc/core';
import type { BatchIntent, RebuildProgress } from '../state-store/types.js';
import type { RunScope } from './engine-context.js';

/**
 * How far a wall-clock and a monotonic measure of the same interval may differ and still be trusted. NTP slews
 * both clocks alike; only a step of the wall clock (or a machine restored from a snapshot, whose monotonic clock
 * resumed from an older reading) parts them by more.
 */
export const CLOCKS_AGREE_MS = 1_000;

/** The answer of an open intent's last POST, as a takeover trusts it. */
export interface AnsweredPost {
  /** Epoch ms of the answer, on the answering worker's wall clock. */
  at: number;
  /** The machine's monotonic clock at the answer, when the answering worker could read one. */
  on?: MonotonicReading;
}

/**
 * The answer recorded for the intent's **last** POST, or undefined. An answer recorded for an earlier attempt says
 * nothing about a later POST, which may still be in flight: the attempt number decides, never a comparison of
 * `answeredAt` with `postedAt`, which two workers' clocks may have written. An intent written without
 * `answeredAttempt` (by an older engine, or a store that drops it) counts as unanswered: the takeover waits longer.
 */
export function answeredPostOf(
  intent: Pick<BatchIntent, 'attempts' | 'answeredAt' | 'answeredAttempt' | 'answeredOn'>,
): AnsweredPost | undefined {
  if (intent.answeredAt === undefined || intent.answeredAttempt !== intent.attempts) return undefined;
  return intent.answeredOn === undefined
    ? { at: intent.answeredAt }
    : { at: intent.answeredAt, on: intent.answeredOn };
}

/**
 * The answer recorded for a rebuild chunk in flight, or undefined. Each in-flight record stands for one POST (a
 * resend saves a new record, without an answer), so an answer in it is always that POST's.
 */
export function answeredChunkOf(
  inflight: NonNullable<RebuildProgress['inflight']>,
): AnsweredPost | undefined {
  if (inflight.answeredAt === undefined) return undefined;
  return inflight.answeredOn === undefined
    ? { at: inflight.answeredAt }
    : { at: inflight.answeredAt, on: inflight.answeredOn };
}

/**
 * The patch fields that record a POST's answer, outcome unknown, now: the wall clock for people, and the machine's
 * monotonic clock (when this clock can read one) for a takeover on the same machine.
 */
export function answerStamp(clock: Clock): { answeredAt: number; answeredOn?: MonotonicReading } {
  const answeredOn = clock.monotonic?.();
  return answeredOn ? { answeredAt: clock.now(), answeredOn } : { answeredAt: clock.now() };
}

/**
 * Milliseconds this worker can prove have passed since an answer another process recorded, or 0. Proof needs both:
 * - the same monotonic clock: the reading's `clock` identity is this process's (same machine, same boot, same time
 *   namespace), and time did not run backwards on it;
 * - the wall clock agreeing within {@link CLOCKS_AGREE_MS} over the same interval: on one machine both clocks
 *   measure it alike, so a disagreement means one of them cannot be trusted (a stepped wall clock, a cloned or
 *   restored machine sharing a boot id).
 * The smaller of the two measures is what counts.
 */
export function provenSinceAnswer(clock: Clock, answer: AnsweredPost): number {
  const then = answer.on;
  // Read from a store: anything but a string identity and a finite number proves nothing.
  if (typeof then?.clock !== 'string' || !Number.isFinite(then.ms)) return 0;
  const now = clock.monotonic?.();
  if (now === undefined || now.clock !== then.clock) return 0;
  const byMonotonic = now.ms - then.ms;
  const byWall = clock.now() - answer.at;
  if (byMonotonic < 0 || byWall < 0 || Math.abs(byMonotonic - byWall) > CLOCKS_AGREE_MS) return 0;
  return Math.min(byMonotonic, byWall);
}

/**
 * When a POST found open at the start of a run (by another worker, or before a crash) counts as sent, for the
 * settle time (docs/architecture.md, "Fencing", rule 5):
 * - unanswered: the previous holder may have sent it up to the moment its lease ran out — at the latest when this
 *   run's lease was granted — and it may stay in flight for the sink's request timeout after that. So a zero count
 *   is trusted only `settleMs` after `leaseAcquiredAt + requestTimeoutMs`, never from the intent's own stamp alone
 *   (which another worker's clock wrote);
 * - answered ({@link answeredPostOf}): that POST was over before the answer was recorded, so before this worker read
 *   the intent. The settle time counts from now, on this worker's clock, less the time {@link provenSinceAnswer}
 *   proves has passed since the answer (a worker on the same machine; 0 from anywhere else).
 */
export function takeoverPostedAt(
  scope: RunScope,
  batchId: string,
  postedAt: number,
  answered?: AnsweredPost,
): number {
  const { clock, logger } = scope.ctx;
  let from: number;
  let why: string;
  if (answered === undefined) {
    from = Math.max(postedAt, scope.leaseAcquiredAt + (scope.stream.sink.requestTimeoutMs ?? 0));
    why =
      'its last POST may still be in flight: the settle time counts from the lease grant plus the request timeout';
  } else {
    const proven = provenSinceAnswer(clock, answered);
    from = Math.max(postedAt, clock.now() - proven);
    why =
      proven > 0
        ? `its last POST was answered ${Math.round(proven / 1000)} s ago on this machine: the settle time counts from that answer`
        : 'its last POST was answered, on a clock this worker cannot compare with: the settle time counts from now';
  }
  // The operator sees why a run that found an open batch waits before it trusts a zero count.
  logger.info(
    { stream: scope.stream.name, batchId, settleFrom: new Date(from).toISOString() },
    `open batch taken over: ${why}`,
  );
  return from;
}
