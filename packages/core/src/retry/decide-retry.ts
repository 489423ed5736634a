import { isMlcError } from '../errors/mlc-error.js';
import { outcomeOf } from '../errors/outcome-of.js';
import { computeBackoff } from './compute-backoff.js';
import type { RetryPolicy } from './retry-policy.js';

/** Where a retry loop stands. */
export interface RetryState {
  /** 1-based number of the attempt that just failed (throttled attempts excluded). */
  attempt: number;
  /** Consecutive throttled answers so far. */
  throttled: number;
  /** Whether repeating the request is safe even if the remote may have applied it. */
  idempotent: boolean;
  /**
   * What a throttle asking for longer than `maxRetryAfterMs` does: `wait-capped` waits the cap and tries again;
   * `throw` ends the operation at once with the throttled error (its `retryAfterMs` is the remote's full delay),
   * for callers that park the work until then instead of blocking inside one call. @default 'wait-capped'
   */
  beyondMaxRetryAfter?: 'wait-capped' | 'throw';
}

/** The answer to "should I retry, and when": the loop that acts on it is {@link withRetry}. */
export type RetryDecision =
  | {
      action: 'retry';
      delayMs: number;
      consumesAttempt: boolean;
      reason: 'throttled' | 'transient' | 'server';
    }
  | {
      action: 'throw';
      reason:
        | 'not-retryable'
        | 'attempts-exhausted'
        | 'may-have-been-applied'
        | 'throttled-too-long'
        | 'retry-after-beyond-cap';
    };

/**
 * Decides whether a failed attempt is retried. Only SDK errors are retried (the HTTP layer wraps network failures),
 * by their `kind`: throttled waits the remote's Retry-After (capped) without consuming an attempt; transient and
 * server failures back off exponentially with full jitter, but a non-idempotent request is repeated only when
 * {@link outcomeOf} says `not-applied` — otherwise the caller must verify it.
 */
export function decideRetry(
  error: unknown,
  state: RetryState,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  if (!isMlcError(error) || !error.retryable) return { action: 'throw', reason: 'not-retryable' };
  // A request that is not idempotent is repeated only when it certainly did not land.
  if (!state.idempotent && outcomeOf(error) !== 'not-applied')
    return { action: 'throw', reason: 'may-have-been-applied' };
  const hinted =
    error.retryAfterMs === undefined ? undefined : Math.min(error.retryAfterMs, policy.maxRetryAfterMs);
  if (error.kind === 'throttled') {
    if (
      state.beyondMaxRetryAfter === 'throw' &&
      error.retryAfterMs !== undefined &&
      error.retryAfterMs > policy.maxRetryAfterMs
    )
      return { action: 'throw', reason: 'retry-after-beyond-cap' };
    if (state.throttled >= policy.maxThrottledRetries)
      return { action: 'throw', reason: 'throttled-too-long' };
    const delayMs = hinted ?? computeBackoff(state.throttled + 1, policy, random);
    return { action: 'retry', delayMs, consumesAttempt: false, reason: 'throttled' };
  }
  if (state.attempt >= policy.maxAttempts) return { action: 'throw', reason: 'attempts-exhausted' };
  const backoff = computeBackoff(state.attempt, policy, random);
  return {
    action: 'retry',
    delayMs: Math.max(backoff, hinted ?? 0),
    consumesAttempt: true,
    reason: error.kind === 'server' ? 'server' : 'transient',
  };
}
