import type { PipelinePolicy } from '../pipeline.js';
import { userAgentOf } from '../user-agent.js';

/**
 * Sends `User-Agent: <product> node/<major>.<minor>` (see {@link userAgentOf}) unless the client's or the request's
 * headers already name one. Without a product token it does nothing (fetch's own agent is sent).
 */
export function userAgentPolicy(product: string | undefined): PipelinePolicy {
  const value = product === undefined ? undefined : userAgentOf(product);
  return {
    name: 'userAgentPolicy',
    sendRequest(request, next) {
      if (value !== undefined && !request.headers.has('user-agent')) request.headers.set('user-agent', value);
      return next(request);
    },
  };
}
