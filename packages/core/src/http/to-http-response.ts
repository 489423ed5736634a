import { MlcError } from '../errors/mlc-error.js';
import type { HttpResponse } from './http-types.js';
import type { PipelineResponse } from './pipeline.js';

/** The caller's view of a successful answer: the redacted URL, the attempts it took, and a `json()` that names the URL when the body is not JSON. */
export function toHttpResponse(response: PipelineResponse, safeUrl: string): HttpResponse {
  const { status, headers, text, requestId } = response;
  const { method, attempt } = response.request;
  return {
    status,
    headers,
    url: safeUrl,
    ...(requestId !== undefined ? { requestId } : {}),
    text,
    attempts: attempt,
    json<T>(): T {
      try {
        return JSON.parse(text) as T;
      } catch (error) {
        throw new MlcError({
          message: `${method} ${safeUrl} returned a body that is not JSON`,
          code: 'INVALID_RESPONSE',
          kind: 'server',
          status,
          cause: error,
          retryable: false,
          ...(requestId !== undefined ? { requestId } : {}),
        });
      }
    },
  };
}
