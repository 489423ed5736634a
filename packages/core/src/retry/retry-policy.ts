/**
 * Retry policy as plain data (Temporal style): how many attempts, how long to back off, how long a remote may make
 * us wait. Resolve partial user input with {@link resolveRetryPolicy}.
 */
export interface RetryPolicy {
  /** Total attempts including the first. @default 5 */
  maxAttempts: number;
  /** First backoff ceiling in ms; doubles each attempt. @default 500 */
  baseDelayMs: number;
  /** Largest backoff ceiling in ms. @default 30_000 */
  maxDelayMs: number;
  /** Cap on a server-provided Retry-After, in ms. @default 120_000 */
  maxRetryAfterMs: number;
  /**
   * Throttled (429) waits do not consume attempts, but they are bounded too: after this many consecutive throttled
   * responses the error is raised. @default 20
   */
  maxThrottledRetries: number;
}

/** What callers may pass: any subset of {@link RetryPolicy}. */
export type RetryPolicyOptions = Partial<RetryPolicy>;

/** The defaults, exported for documentation and tests. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
  maxThrottledRetries: 20,
});

/** Fills defaults once; rejects nonsense values with a clear message. */
export function resolveRetryPolicy(options: RetryPolicyOptions = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(options) };
  for (const [key, value] of Object.entries(policy)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`retry policy: ${key} must be a finite number >= 0 (got ${String(value)})`);
    }
  }
  if (policy.maxAttempts < 1) throw new RangeError('retry policy: maxAttempts must be >= 1');
  return policy;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
