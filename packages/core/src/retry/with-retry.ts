import { type Clock, systemClock } from '../clock/clock.js';
import { type RetryDecision, decideRetry } from './decide-retry.js';
import { type RetryPolicy, type RetryPolicyOptions, resolveRetryPolicy } from './retry-policy.js';

/** Told before each retry's wait. */
export interface RetryEvent {
  /** The error that caused the retry. */
  error: unknown;
  /** 1-based attempt that failed. */
  attempt: number;
  /** How long the loop will wait. */
  delayMs: number;
  /** Why it retries. */
  reason: Extract<RetryDecision, { action: 'retry' }>['reason'];
}

/** Options for {@link withRetry}. */
export interface WithRetryOptions {
  /** The policy, or a subset of it. @default DEFAULT_RETRY_POLICY */
  policy?: RetryPolicy | RetryPolicyOptions;
  /** Used for the waits. @default systemClock */
  clock?: Clock;
  /** Aborts the waits and stops further attempts. */
  signal?: AbortSignal;
  /** Whether the operation may be repeated after it may have been applied. @default true */
  idempotent?: boolean;
  /** See {@link RetryState.beyondMaxRetryAfter}. @default 'wait-capped' */
  beyondMaxRetryAfter?: 'wait-capped' | 'throw';
  /** Called before each wait. */
  onRetry?: (event: RetryEvent) => void;
  /** Random source for jitter. @default Math.random */
  random?: () => number;
}

/**
 * Runs `operation` until it succeeds or {@link decideRetry} says to stop, waiting on the injected clock between
 * attempts. The decision and the loop are separate so both can be tested and reused (the HTTP client uses this).
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: WithRetryOptions = {},
): Promise<T> {
  const policy = resolveRetryPolicy(options.policy);
  const clock = options.clock ?? systemClock;
  let attempt = 1;
  let throttled = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      return await operation(attempt);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const decision = decideRetry(
        error,
        {
          attempt,
          throttled,
          idempotent: options.idempotent ?? true,
          ...(options.beyondMaxRetryAfter ? { beyondMaxRetryAfter: options.beyondMaxRetryAfter } : {}),
        },
        policy,
        options.random,
      );
      if (decision.action === 'throw') throw error;
      options.onRetry?.({ error, attempt, delayMs: decision.delayMs, reason: decision.reason });
      await clock.sleep(decision.delayMs, options.signal);
      if (decision.consumesAttempt) {
        attempt += 1;
        throttled = 0;
      } else {
        throttled += 1;
      }
    }
  }
}
