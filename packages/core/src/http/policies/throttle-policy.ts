import type { Clock } from '../../clock/clock.js';
import { parseRetryAfter } from '../../retry/retry-after.js';
import { type PipelinePolicy, isSuccessStatus } from '../pipeline.js';

/**
 * Reads a failed answer's `Retry-After` (delta-seconds or HTTP date) into `retryAfterMs`: the status error policy
 * then classifies a 429, or a 503 with it, as `throttled`, and the retry policy waits it out. Uncapped here: the error
 * tells the remote's full delay; the retry decision caps how long it waits.
 */
export function throttlePolicy(clock: Clock): PipelinePolicy {
  return {
    name: 'throttlePolicy',
    async sendRequest(request, next) {
      const response = await next(request);
      if (isSuccessStatus(response.status)) return response;
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), {
        now: clock.now(),
        maxMs: Number.POSITIVE_INFINITY,
      });
      return retryAfterMs === undefined ? response : { ...response, retryAfterMs };
    },
  };
}
