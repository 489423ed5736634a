import type { Logger } from '../log/logger.js';
import type { HttpRequest } from './http-types.js';
import type { PipelineRequest } from './pipeline.js';

/** What {@link toPipelineRequest} needs from the client's options. */
export interface PipelineRequestDefaults {
  /** Paths resolve against it. */
  baseUrl: URL;
  /** The client's headers. */
  headers?: Record<string, string>;
  /** The client's per-attempt timeout. */
  timeoutMs: number;
  /** The client's redacting logger. */
  logger: Logger;
}

/**
 * The caller's request as the pipeline's first policy sees it: the path and query resolved against the base URL
 * (the origin is checked by `sameOriginRedirectPolicy`), and the headers merged — `accept: application/json`
 * over the client's `headers`, the request's over both.
 */
export function toPipelineRequest(request: HttpRequest, defaults: PipelineRequestDefaults): PipelineRequest {
  const url = new URL(request.path.replace(/^\//, ''), defaults.baseUrl);
  if (request.query) {
    const entries =
      request.query instanceof URLSearchParams ? [...request.query.entries()] : Object.entries(request.query);
    for (const [key, value] of entries) if (value !== undefined) url.searchParams.append(key, String(value));
  }
  const headers = new Headers(defaults.headers);
  headers.set('accept', 'application/json');
  for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, value);
  return {
    method: request.method ?? 'GET',
    url,
    headers,
    ...(request.json !== undefined ? { json: request.json } : {}),
    ...(request.body !== undefined ? { body: request.body } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    timeoutMs: request.timeoutMs ?? defaults.timeoutMs,
    attempt: 1,
    source: request,
    logger: defaults.logger,
  };
}
