import type { RetryPolicy } from './retry-policy.js';

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): a uniformly random
 * delay in `[0, min(maxDelayMs, baseDelayMs * 2^(attempt-1))]`. `attempt` is the 1-based number of the attempt that
 * just failed. `random` is injectable for deterministic tests.
 */
export function computeBackoff(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(exponent, 30));
  return Math.floor(random() * ceiling);
}
