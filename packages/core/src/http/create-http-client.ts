import { httpPipeline } from './http-pipeline.js';
import type { HttpClient, HttpClientOptions } from './http-types.js';
import { kyTransport } from './ky-transport.js';
import { composePipeline } from './pipeline.js';
import { resolveHttpClientOptions } from './resolve-http-client-options.js';
import { toHttpResponse } from './to-http-response.js';
import { toPipelineRequest } from './to-pipeline-request.js';

/**
 * Creates the HTTP client every SDK package builds on: an ordered pipeline of named policies (see `httpPipeline`:
 * user agent → your `perCall` policies → same-origin check → retry → status errors → throttle → auth → your
 * `perRetry` policies → `beforeSend` → logging) in front of ky, which sends each attempt. Add a policy through
 * `options.policies`.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const resolved = resolveHttpClientOptions(options);
  if (resolved.strippedCredentials) {
    resolved.logger.warn(
      { baseUrl: String(resolved.baseUrl) },
      'createHttpClient: removed the user name and password from baseUrl; pass credentials through auth instead',
    );
  }
  const send = composePipeline(
    httpPipeline(options, resolved),
    kyTransport({
      fetch: resolved.fetch,
      requestIdHeaders: resolved.requestIdHeaders,
      safeUrlOf: resolved.safeUrlOf,
    }),
  );
  const defaults = {
    baseUrl: resolved.baseUrl,
    timeoutMs: resolved.timeoutMs,
    logger: resolved.logger,
    ...(options.headers ? { headers: options.headers } : {}),
  };
  return {
    baseUrl: resolved.baseUrl,
    async request(request) {
      const response = await send(toPipelineRequest(request, defaults));
      return toHttpResponse(response, resolved.safeUrlOf(response.request.url));
    },
  };
}
