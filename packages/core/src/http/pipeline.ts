import type { Logger } from '../log/logger.js';
import type { HttpMethod, HttpRequest } from './http-types.js';

/**
 * One attempt's request as it travels through the HTTP pipeline. Policies may change `url` (same origin only) and
 * `headers`; the retry policy gives every attempt its own copy, so a change made for one attempt does not leak into
 * the next.
 */
export interface PipelineRequest {
  /** The method. */
  readonly method: HttpMethod;
  /** The resolved URL, query included (never logged as is: log `redactUrl(url)` or let the logging policy do it). */
  url: URL;
  /** The headers fetch will send (`accept`, the client's `headers`, the request's, then credentials). */
  headers: Headers;
  /** A JSON body. */
  readonly json?: unknown;
  /** A raw body. */
  readonly body?: string | Uint8Array | URLSearchParams;
  /** Aborts the request, its retries and its waits. */
  readonly signal?: AbortSignal;
  /** This attempt's timeout in ms. */
  readonly timeoutMs: number;
  /** 1-based attempt number (set by the retry policy; 1 before it). */
  readonly attempt: number;
  /** The request as the caller passed it (`idempotent`, `retry`, `authenticate`, `beforeSend`). */
  readonly source: HttpRequest;
  /** The client's logger: everything logged through it is redacted (secret headers, tokens, `knownSecrets`). */
  readonly logger: Logger;
}

/** An answer of any status, its body fully read, as it travels back through the pipeline. */
export interface PipelineResponse {
  /** The request that was sent (the attempt that got this answer). */
  readonly request: PipelineRequest;
  /** HTTP status. */
  readonly status: number;
  /** Response headers. */
  readonly headers: Headers;
  /** Body text, with a leading UTF-8 BOM removed. */
  readonly text: string;
  /** Request id from the response headers, when present. */
  readonly requestId?: string;
  /** The remote's Retry-After in ms, uncapped, on a failed answer (set by the throttle policy). */
  readonly retryAfterMs?: number;
}

/** Sends a request through the rest of the pipeline. */
export type SendRequest = (request: PipelineRequest) => Promise<PipelineResponse>;

/**
 * One named step of the HTTP pipeline (the Azure SDK's `PipelinePolicy` shape): it may change the request, call
 * `next` zero or more times, and inspect or replace the answer. Throwing ends the request with that error; only a
 * retryable SDK error thrown inside the retry policy (a `perRetry` policy) is retried.
 */
export interface PipelinePolicy {
  /** A name for diagnostics and ordering tests. */
  readonly name: string;
  /** Handles one request; call `next(request)` to go on. */
  sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse>;
}

/**
 * A policy added through `HttpClientOptions.policies`. `perCall` runs once per `request()` call, before the URL's
 * origin check and the retry loop (no credentials yet); `perRetry` runs for every attempt, after credentials were
 * added and right before the `beforeSend` check and the send.
 */
export interface AddedPolicy {
  /** The policy. */
  policy: PipelinePolicy;
  /** Where it runs. */
  position: 'perCall' | 'perRetry';
}

/** Chains `policies` (first = outermost) in front of `transport`. */
export function composePipeline(policies: readonly PipelinePolicy[], transport: SendRequest): SendRequest {
  return policies.reduceRight<SendRequest>(
    (next, policy) => (request) => policy.sendRequest(request, next),
    transport,
  );
}

/** Whether an answer is a success (2xx). */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}
