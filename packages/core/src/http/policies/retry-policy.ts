import type { Clock } from '../../clock/clock.js';
import { AbortedError } from '../../errors/http-errors.js';
import { isMlcError } from '../../errors/mlc-error.js';
import { type RetryPolicy, resolveRetryPolicy } from '../../retry/retry-policy.js';
import { type RetryEvent, withRetry } from '../../retry/with-retry.js';
import type { HttpMethod } from '../http-types.js';
import type { PipelinePolicy, PipelineRequest } from '../pipeline.js';

/** What {@link retryPolicy} needs from the client's options. */
export interface RetryPolicySettings {
  /** The client's policy, or `false` to never retry (a request's `retry` overrides it). */
  retry: RetryPolicy | false;
  /** Used for the waits. */
  clock: Clock;
  /** Random source for jitter. */
  random?: () => number;
  /** The URL as logs and events may show it. */
  safeUrlOf: (url: URL) => string;
  /** Told before each retry wait. */
  onRetry?: (event: RetryEvent & { method: HttpMethod; url: string }) => void;
}

/**
 * Runs the rest of the pipeline once per attempt through {@link withRetry}: the decision is `decideRetry`'s (by the
 * error's `kind`; a throttle waits its Retry-After, capped, without consuming an attempt), and a request that is not
 * idempotent (POST/PATCH unless said otherwise) is repeated only when `outcomeOf(error)` is `not-applied` — one that
 * may have landed is never resent. Logs a redacted warning before each wait.
 */
export function retryPolicy(settings: RetryPolicySettings): PipelinePolicy {
  return {
    name: 'retryPolicy',
    async sendRequest(request, next) {
      const { source, method, signal } = request;
      const policy =
        source.retry === false ? false : source.retry ? resolveRetryPolicy(source.retry) : settings.retry;
      const attempt = (attemptNo: number) => next(attemptOf(request, attemptNo));
      if (!policy) return attempt(1);
      try {
        return await withRetry(attempt, {
          policy,
          clock: settings.clock,
          idempotent: source.idempotent ?? !(method === 'POST' || method === 'PATCH'),
          ...(signal ? { signal } : {}),
          ...(settings.random ? { random: settings.random } : {}),
          onRetry: (event) => {
            const url = settings.safeUrlOf(request.url);
            request.logger.warn(
              { method, url, attempt: event.attempt, delayMs: event.delayMs, reason: event.reason },
              'http retry',
            );
            settings.onRetry?.({ ...event, method, url });
          },
        });
      } catch (error) {
        if (signal?.aborted && !isMlcError(error)) {
          throw new AbortedError({
            message: `${method} ${settings.safeUrlOf(request.url)} aborted`,
            cause: signal.reason,
          });
        }
        throw error;
      }
    },
  };
}

/** Each attempt gets its own headers, so what a policy sets for one attempt does not leak into the next. */
function attemptOf(request: PipelineRequest, attempt: number): PipelineRequest {
  return { ...request, attempt, headers: new Headers(request.headers) };
}
