import ky, { TimeoutError as KyTimeoutError } from 'ky';
import { AbortedError, NetworkError, describeFetchFailure } from '../errors/http-errors.js';
import { bodyText } from './body-text.js';
import type { PipelineRequest, PipelineResponse, SendRequest } from './pipeline.js';

/** What {@link kyTransport} needs from the client's options. */
export interface KyTransportSettings {
  /** The fetch every attempt goes through. */
  fetch: typeof globalThis.fetch;
  /** Response headers that carry a request id, first match wins. */
  requestIdHeaders: readonly string[];
  /** The URL as errors may show it. */
  safeUrlOf: (url: URL) => string;
}

/**
 * The end of the pipeline: sends one attempt through ky, with the attempt's timeout, and reads the answer's body in
 * full (its text as `Response.text()` gives it, a leading BOM removed: see `bodyText`). ky's own retries and HTTP
 * errors are off: the pipeline owns both. A failed fetch is mapped to {@link NetworkError} (a timeout's outcome is
 * `unknown`) or, when the caller's signal aborted it, to {@link AbortedError}.
 *
 * A body is not handed to ky. ky clones every request before sending it (`request.clone()` in `Ky#fetch`, kept for
 * its own retries even with `retry: 0`; ky 1.14.3), which tees a body's stream; the tee of a fresh text or byte body
 * (a byte stream) copies each chunk into the second branch, as the Streams standard has it: a 1-2 MB copy per Power
 * BI rows POST, held until the clone is dropped. So ky builds a request without a body (URL, method, headers, the caller's signal joined to its
 * timeout's) and runs the attempt under its timeout as before, and the body joins that request in the `fetch` ky
 * calls (ky's documented `fetch` option): `fetch` still receives a `Request` with the body. Not `fetch(url, init)`:
 * Node's fetch clones the request it is given once more (undici 6.24.1, from its source), and only a body piped in
 * from another `Request`, as here, is shared by that clone instead of copied (measured).
 */
export function kyTransport(settings: KyTransportSettings): SendRequest {
  const kyInstance = ky.create({ retry: 0, throwHttpErrors: false, fetch: settings.fetch });
  return async (request) => {
    const response = await send(kyInstance, settings.fetch, request, settings.safeUrlOf);
    const text = await readBody(response, request, settings.safeUrlOf);
    const requestId = requestIdOf(response.headers, settings.requestIdHeaders);
    return {
      request,
      status: response.status,
      headers: response.headers,
      text,
      ...(requestId !== undefined ? { requestId } : {}),
    } satisfies PipelineResponse;
  };
}

async function send(
  kyInstance: typeof ky,
  fetch: typeof globalThis.fetch,
  request: PipelineRequest,
  safeUrlOf: (url: URL) => string,
): Promise<Response> {
  const { method, signal } = request;
  const body = bodyOf(request);
  try {
    return await kyInstance(request.url, {
      method,
      headers: body?.contentType ? withContentType(request.headers, body.contentType) : request.headers,
      timeout: request.timeoutMs,
      // Async, so that a body fetch refuses (e.g. on a GET) rejects the attempt instead of throwing inside ky's
      // timeout wrapper, which would leave its timer running.
      ...(body
        ? { fetch: async (kyRequest, init) => fetch(new Request(kyRequest, { body: body.payload }), init) }
        : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    const safeUrl = safeUrlOf(request.url);
    if (signal?.aborted)
      throw new AbortedError({ message: `${method} ${safeUrl} aborted`, cause: signal.reason });
    if (error instanceof KyTimeoutError) {
      throw new NetworkError({
        message: `${method} ${safeUrl} timed out after ${request.timeoutMs} ms`,
        method,
        url: safeUrl,
        outcome: 'unknown',
        timeout: true,
        cause: error,
      });
    }
    const failure = describeFetchFailure(error);
    throw new NetworkError({
      message: `${method} ${safeUrl} failed: ${failure.code ?? (error instanceof Error ? error.message : 'network error')}`,
      method,
      url: safeUrl,
      outcome: failure.outcome,
      kind: failure.kind,
      cause: error,
    });
  }
}

/** A request's body as fetch takes it, and the content type ky would have added (a JSON body's). */
interface Body {
  payload: NonNullable<RequestInit['body']>;
  contentType?: string;
}

/**
 * The body to send: a JSON body serialised as ky serialises it (`JSON.stringify`, `application/json` unless the
 * request names its own content type); a raw body as it is (fetch adds the content type of a text or a form).
 */
function bodyOf(request: PipelineRequest): Body | undefined {
  if (request.json !== undefined) {
    const payload = JSON.stringify(request.json);
    return request.headers.has('content-type') ? { payload } : { payload, contentType: 'application/json' };
  }
  return request.body !== undefined ? { payload: request.body as Body['payload'] } : undefined;
}

/** The request's headers with a content type added (a copy: the pipeline's headers stay as they are). */
function withContentType(headers: Headers, contentType: string): Headers {
  const copy = new Headers(headers);
  copy.set('content-type', contentType);
  return copy;
}

async function readBody(
  response: Response,
  request: PipelineRequest,
  safeUrlOf: (url: URL) => string,
): Promise<string> {
  let bytes: ArrayBuffer;
  try {
    bytes = await response.arrayBuffer();
  } catch (error) {
    // The status line arrived, then the connection died: the remote did process the request, and its answer
    // is lost (kept `unknown`, as a timeout: the status alone does not say whether it was applied).
    const safeUrl = safeUrlOf(request.url);
    throw new NetworkError({
      message: `${request.method} ${safeUrl} response body was cut off`,
      method: request.method,
      url: safeUrl,
      outcome: 'unknown',
      cause: error,
    });
  }
  return bodyText(new Uint8Array(bytes));
}

function requestIdOf(headers: Headers, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = headers.get(name);
    if (value) return value;
  }
  return undefined;
}
