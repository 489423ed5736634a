import { notSent } from '../../errors/not-sent.js';
import type { PipelinePolicy } from '../pipeline.js';

/**
 * Calls the request's `beforeSend` (e.g. a fencing check) right before each send, with the attempt's timeout. A
 * rejection ends the attempt without sending; it goes on as
 * {@link notSent} (outcome `not-applied`).
 */
export function beforeSendPolicy(): PipelinePolicy {
  return {
    name: 'beforeSendPolicy',
    async sendRequest(request, next) {
      if (request.source.beforeSend) {
        try {
          await request.source.beforeSend({ timeoutMs: request.timeoutMs });
        } catch (error) {
          throw notSent(error);
        }
      }
      return next(request);
    },
  };
}
