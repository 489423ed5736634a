import { isMlcError } from '../errors/mlc-error.js';
import { type RetryPolicy, type RetryPolicyOptions, resolveRetryPolicy } from './retry-policy.js';

/**
 * The p-retry options {@link pRetryOptions} fills in. Declared here, structurally, instead of imported from p-retry:
 * p-retry is ESM-only, and a CommonJS consumer's type-check fails (TS1479) on a `.d.ts` that imports it.
 */
export interface PRetryOptions {
  /** Retries after the first attempt. */
  retries: number;
  /** Exponential factor. */
  factor: number;
  /** First delay, ms. */
  minTimeout: number;
  /** Largest delay, ms. */
  maxTimeout: number;
  /** Randomize delays. */
  randomize: boolean;
  /** Whether an error is retried at all. */
  shouldRetry(context: { error: unknown }): boolean;
  /** Whether a retried error uses up an attempt (throttles do not). */
  shouldConsumeRetry(context: { error: unknown }): boolean;
}

/**
 * Translates a {@link RetryPolicy} into p-retry options, for code that already uses p-retry: the same attempt
 * bound and exponential growth, retrying only SDK errors whose classification says so, and throttled errors
 * without consuming an attempt. (p-retry waits in real time; inside the SDK, `withRetry` uses the injected clock.)
 */
export function pRetryOptions(policy: RetryPolicy | RetryPolicyOptions = {}): PRetryOptions {
  const resolved = resolveRetryPolicy(policy);
  return {
    retries: resolved.maxAttempts - 1,
    factor: 2,
    minTimeout: resolved.baseDelayMs,
    maxTimeout: resolved.maxDelayMs,
    randomize: true,
    shouldRetry: ({ error }) => isMlcError(error) && error.retryable,
    shouldConsumeRetry: ({ error }) => !(isMlcError(error) && error.kind === 'throttled'),
  };
}
