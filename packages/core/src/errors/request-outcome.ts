import { classifyResponse } from './failure-kind.js';

/**
 * Could the request behind a failure have landed? The one answer every caller reads (through {@link outcomeOf})
 * before it resends a request that is not idempotent.
 *
 * - `applied`: the remote processed it (it answered 2xx, then something else failed).
 * - `not-applied`: it certainly did not: refused before processing (3xx, 4xx, 429, 503 with Retry-After),
 *   connection refused, name not resolved, local validation, or raised before anything was sent.
 * - `unknown`: it may have: a 5xx, a timeout, a connection lost after sending, an abort while in flight. Verify
 *   before sending it again; never resend blindly.
 */
export type RequestOutcome = 'applied' | 'not-applied' | 'unknown';

/**
 * The outcome of a request that ended with an HTTP answer of `status`: 2xx applied; 3xx, 4xx and throttles (see
 * {@link classifyResponse}) turned away unprocessed; any other 5xx may have been processed.
 */
export function outcomeOfStatus(status: number, retryAfterMs?: number): RequestOutcome {
  if (status >= 200 && status < 300) return 'applied';
  if (status < 500 || classifyResponse(status, retryAfterMs) === 'throttled') return 'not-applied';
  return 'unknown';
}

/** Whether `value` is one of the three {@link RequestOutcome}s. */
export function isRequestOutcome(value: unknown): value is RequestOutcome {
  return value === 'applied' || value === 'not-applied' || value === 'unknown';
}
