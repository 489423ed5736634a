import type { Clock } from '../../clock/clock.js';
import type { PipelinePolicy } from '../pipeline.js';

/**
 * Logs one debug line per answer received (method, redacted URL, status, attempt, ms, request id) through the
 * client's redacting logger. Headers and bodies are never logged; a send that failed is told by the error instead.
 */
export function loggingPolicy(clock: Clock, safeUrlOf: (url: URL) => string): PipelinePolicy {
  return {
    name: 'loggingPolicy',
    async sendRequest(request, next) {
      const started = clock.now();
      const response = await next(request);
      request.logger.debug(
        {
          method: request.method,
          url: safeUrlOf(request.url),
          status: response.status,
          attempt: request.attempt,
          ms: clock.now() - started,
          requestId: response.requestId,
        },
        'http request',
      );
      return response;
    },
  };
}
