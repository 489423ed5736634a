import { MlcError } from '../../errors/mlc-error.js';
import type { PipelinePolicy } from '../pipeline.js';

/**
 * Refuses a request whose URL left the base URL's origin (an absolute path, or a server's `$next` link pointing
 * elsewhere), so credentials are never sent to another host. It runs once per call, after the `perCall` policies
 * (a URL they set is checked too) and before credentials are fetched. HTTP 3xx answers are followed by fetch itself,
 * which drops `Authorization` on a cross-origin redirect (Fetch standard).
 */
export function sameOriginRedirectPolicy(baseUrl: URL, safeUrlOf: (url: URL) => string): PipelinePolicy {
  return {
    name: 'sameOriginRedirectPolicy',
    sendRequest(request, next) {
      if (request.url.origin !== baseUrl.origin) {
        throw new MlcError({
          message: `Refusing to send credentials to another origin: ${safeUrlOf(request.url)}`,
          code: 'CONFIG_INVALID',
          kind: 'client',
        });
      }
      return next(request);
    },
  };
}
