import type { Options as PRetryOptions } from 'p-retry';
import { isMlcError } from '../errors/mlc-error.js';
import { type RetryPolicy, type RetryPolicyOptions, resolveRetryPolicy } from './retry-policy.js';

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
