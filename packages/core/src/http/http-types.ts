import type { Clock } from '../clock/clock.js';
import type { FailureKind } from '../errors/failure-kind.js';
import type { MlcError } from '../errors/mlc-error.js';
import type { RequestOutcome } from '../errors/request-outcome.js';
import type { Logger } from '../log/logger.js';
import type { RetryPolicyOptions } from '../retry/retry-policy.js';
import type { RetryEvent } from '../retry/with-retry.js';
import type { AddedPolicy } from './pipeline.js';
import type { TlsOptions } from './tls-fetch.js';

/** HTTP methods the SDK uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

/** Adds credentials to requests. The HTTP client calls it for every attempt. */
export interface AuthProvider {
  /**
   * Returns the headers that authenticate a request (usually `Authorization`). `forceRefresh` is true once after a
   * 401, so a token-based provider fetches a new token.
   */
  getHeaders(context: {
    url: URL;
    method: HttpMethod;
    signal?: AbortSignal;
    forceRefresh: boolean;
  }): Promise<Record<string, string>>;
}

/** What an `errorFactory` sees about a failed response. */
export interface HttpErrorContext {
  /** HTTP status. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** Response body text (raw; the factory must not copy secrets from it into messages). */
  text: string;
  /** Method of the request. */
  method: HttpMethod;
  /** Redacted request URL. */
  url: string;
  /** Request id captured from the response headers. */
  requestId?: string;
  /** Parsed Retry-After in ms, as the remote asked (not capped: retry decisions cap their waits). */
  retryAfterMs?: number;
  /** The classification of this answer (`classifyResponse`: a 503 with Retry-After is `throttled`). */
  kind: FailureKind;
  /** Whether the remote may have applied the request (`outcomeOfStatus`). */
  outcome: RequestOutcome;
}

/** Options for {@link createHttpClient}. */
export interface HttpClientOptions {
  /** Base URL; request paths are resolved against it. Absolute request URLs must share its origin. */
  baseUrl: string | URL;
  /** Transport. @default globalThis.fetch (or an undici fetch when `tls` is set) */
  fetch?: typeof globalThis.fetch;
  /** Time source for retry waits. @default systemClock */
  clock?: Clock;
  /** Where request diagnostics go. @default silentLogger */
  logger?: Logger;
  /** Per-attempt timeout in ms. @default 30_000 */
  timeoutMs?: number;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /**
   * The caller's product token, `name/version` (e.g. `mlc-sage-x3-client/0.1.0`): every request then carries
   * `User-Agent: <product> node/<major>.<minor>` (see `userAgentOf`). @default no User-Agent of the SDK's own
   */
  userAgent?: string;
  /** Credentials. */
  auth?: AuthProvider;
  /**
   * Whether a failed response means "your credentials are stale": the client then asks `auth` for a forced refresh
   * once and resends. Some services answer an expired token with another status (Power BI: 403 `TokenExpired`).
   * @default a 401
   */
  authChallenge?: (response: { status: number; headers: Headers; text: string }) => boolean;
  /** Retry policy, or `false` to never retry. @default DEFAULT_RETRY_POLICY */
  retry?: RetryPolicyOptions | false;
  /** TLS options for on-premise servers (custom CA, mutual TLS). Certificate checks stay on by default. */
  tls?: TlsOptions;
  /**
   * Maps a failed response to a package-specific error (e.g. Power BI's `error.code`). Return `undefined` to use the
   * default {@link HttpError}. The returned error's `kind` drives retries and its `outcome` (read by `outcomeOf`)
   * whether a POST may be repeated: construct it with the answer's `status` or with `context.outcome`, or it is
   * `unknown` and never repeated.
   */
  errorFactory?: (context: HttpErrorContext) => MlcError | undefined;
  /** Response headers that carry a request id, first match wins. @default ['requestid', 'x-ms-request-id', 'request-id', 'x-request-id'] */
  requestIdHeaders?: readonly string[];
  /**
   * Exact secret values (a configured password, the current tokens) to redact from anything logged or thrown. Pass a
   * function when they change over time (rotated tokens): it is read whenever something is redacted.
   */
  knownSecrets?: readonly string[] | (() => readonly string[]);
  /** Told before each retry wait (for metrics and events). */
  onRetry?: (event: RetryEvent & { method: HttpMethod; url: string }) => void;
  /** Random source for backoff jitter. @default Math.random */
  random?: () => number;
  /**
   * Your own pipeline policies, each with its place: `perCall` (once per `request()`, before the origin check and
   * the retry loop) or `perRetry` (every attempt, after credentials were added, before `beforeSend` and the send).
   * Policies of one position run in the order given. See `PipelinePolicy`. @default none
   */
  policies?: readonly AddedPolicy[];
}

/** One request. */
export interface HttpRequest {
  /** @default 'GET' */
  method?: HttpMethod;
  /** Path relative to the base URL, or an absolute URL on the same origin (e.g. a `$next` link). */
  path: string;
  /** Query parameters appended to the URL. */
  query?: Record<string, string | number | boolean | undefined> | URLSearchParams;
  /** Extra headers. */
  headers?: Record<string, string>;
  /** A JSON body (serialised with `JSON.stringify`). */
  json?: unknown;
  /** A raw body. */
  body?: string | Uint8Array | URLSearchParams;
  /** Aborts the request, its retries and its waits. */
  signal?: AbortSignal;
  /** Per-attempt timeout override. */
  timeoutMs?: number;
  /** Whether repeating it after it may have been applied is safe. @default true except for POST/PATCH */
  idempotent?: boolean;
  /** Retry override for this request; `false` disables retries. */
  retry?: RetryPolicyOptions | false;
  /** Send the auth provider's headers. @default true */
  authenticate?: boolean;
  /**
   * Called right before each attempt is handed to `fetch` (after credentials were obtained), with the attempt's
   * timeout: the last moment to refuse sending, e.g. a fencing check ("do I still hold the lease for as long as
   * this request can take?"). A rejection ends the attempt without sending; the error goes on with outcome
   * `not-applied` (see `notSent`; a foreign error as an SDK error `NOT_SENT` with it as cause), and is retried only
   * when it is a retryable SDK error.
   */
  beforeSend?: (attempt: { timeoutMs: number }) => void | Promise<void>;
}

/** A successful (2xx) response, fully read. */
export interface HttpResponse {
  /** HTTP status. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** Final URL (redacted). */
  url: string;
  /** Request id from the response headers, when present. */
  requestId?: string;
  /** Body text, with a leading UTF-8 BOM removed. */
  text: string;
  /** How many attempts it took. */
  attempts: number;
  /** Parses the body as JSON; throws an `INVALID_RESPONSE` error naming the URL when it is not JSON. */
  json<T = unknown>(): T;
}

/** The client returned by {@link createHttpClient}. */
export interface HttpClient {
  /** The resolved base URL. */
  readonly baseUrl: URL;
  /** Sends a request with auth, retries and redaction; resolves on 2xx, throws an `MlcError` otherwise. */
  request(request: HttpRequest): Promise<HttpResponse>;
}
