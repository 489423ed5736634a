/**
 * The one classification of failures that retry code and users both read.
 *
 * - `throttled`: the remote asked us to slow down (HTTP 429, or 503 with Retry-After). Retry after the hinted delay;
 *   not counted as a failed attempt.
 * - `transient`: network trouble, timeouts, 408, or a remote that said "temporarily unavailable". Retry with backoff.
 * - `server`: the remote failed (5xx). Retry with backoff, a bounded number of times.
 * - `client`: our request is wrong (4xx other than auth/throttling). Do not retry.
 * - `auth`: credentials are missing, wrong, expired or lack rights (401/403). Refresh once, then stop.
 * - `validation`: input failed local validation before any request. Do not retry; fix the input.
 */
export type FailureKind = 'throttled' | 'transient' | 'server' | 'client' | 'auth' | 'validation';

/** Whether a failure of this kind is worth another attempt. */
export function isRetryableKind(kind: FailureKind): boolean {
  return kind === 'throttled' || kind === 'transient' || kind === 'server';
}

/**
 * Classifies an HTTP status code alone. 2xx/3xx are not failures and classify as `client` defensively. Prefer
 * {@link classifyResponse} when the response's Retry-After is known.
 */
export function classifyStatus(status: number): FailureKind {
  if (status === 429) return 'throttled';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408) return 'transient';
  if (status >= 500) return 'server';
  return 'client';
}

/**
 * Classifies a failed HTTP answer: the one place of the rule "a 503 with Retry-After is a throttle" (the remote
 * turned the request away unprocessed and said when to come back, like a 429 [inferred for Power BI and the Sage
 * gateway, which document only 429]); otherwise as {@link classifyStatus}.
 */
export function classifyResponse(status: number, retryAfterMs?: number): FailureKind {
  if (status === 503 && retryAfterMs !== undefined) return 'throttled';
  return classifyStatus(status);
}
