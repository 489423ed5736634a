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
 * The end of the pipeline: one attempt through ky (its own retries and HTTP errors off: the pipeline owns both),
 * with the attempt's timeout, the body read in full (its text as `Response.text()` gives it, a leading BOM removed: see
 * `bodyText`) and fetch failures mapped to
 * {@link NetworkError} / {@link AbortedError} with the outcome they imply.
 */
export function kyTransport(settings: KyTransportSettings): SendRequest {
  const kyInstance = ky.create({ retry: 0, throwHttpErrors: false, fetch: settings.fetch });
  return async (request) => {
    const response = await send(kyInstance, request, settings.safeUrlOf);
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
  request: PipelineRequest,
  safeUrlOf: (url: URL) => string,
): Promise<Response> {
  const { method, signal } = request;
  try {
    return await kyInstance(request.url, {
      method,
      headers: request.headers,
      timeout: request.timeoutMs,
      ...(request.json !== undefined ? { json: request.json } : {}),
      ...(request.body !== undefined ? { body: request.body as NonNullable<RequestInit['body']> } : {}),
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
