import ky, { TimeoutError as KyTimeoutError } from 'ky';
import { systemClock } from '../clock/clock.js';
import { classifyResponse } from '../errors/failure-kind.js';
import { AbortedError, HttpError, NetworkError, describeFetchFailure } from '../errors/http-errors.js';
import { MlcError, isMlcError } from '../errors/mlc-error.js';
import { markFailedBeforeSend } from '../errors/not-sent.js';
import { outcomeOfStatus } from '../errors/request-outcome.js';
import { silentLogger } from '../log/logger.js';
import { redactingLogger } from '../log/redacting-logger.js';
import { redactText } from '../redact/redact.js';
import { parseRetryAfter } from '../retry/retry-after.js';
import { resolveRetryPolicy } from '../retry/retry-policy.js';
import { withRetry } from '../retry/with-retry.js';
import type { HttpClient, HttpClientOptions, HttpMethod, HttpRequest, HttpResponse } from './http-types.js';
import { createTlsFetch } from './tls-fetch.js';
import { userAgentOf } from './user-agent.js';

const DEFAULT_REQUEST_ID_HEADERS = ['requestid', 'x-ms-request-id', 'request-id', 'x-request-id'] as const;
const BODY_SNIPPET_CHARS = 1_000;

/**
 * Creates the HTTP client every SDK package builds on: ky for each attempt, and around it one ordered pipeline —
 * resolve URL (same origin only, so credentials never go elsewhere) → authenticate → send with timeout → on 401
 * (or `authChallenge`) refresh credentials once and resend → map non-2xx to typed errors → retry by failure classification
 * (Retry-After honoured and capped; non-idempotent requests that may have been applied are never repeated) →
 * log a redacted line.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const baseUrl = new URL(String(options.baseUrl));
  if (!baseUrl.pathname.endsWith('/')) baseUrl.pathname += '/';
  const strippedCredentials = baseUrl.username !== '' || baseUrl.password !== '';
  // Credentials in a URL would travel in every error and log line (fetch refuses such URLs anyway): they are
  // dropped here, once, with a warning below. Authenticate with an `auth` provider instead.
  baseUrl.username = '';
  baseUrl.password = '';
  if (options.fetch && options.tls) {
    throw new MlcError(
      'createHttpClient: pass either `fetch` or `tls`, not both (configure TLS in your fetch)',
      {
        code: 'CONFIG_INVALID',
        kind: 'client',
      },
    );
  }
  const fetchImpl = options.fetch ?? (options.tls ? createTlsFetch(options.tls) : globalThis.fetch);
  const clock = options.clock ?? systemClock;
  const knownSecretsOption = options.knownSecrets ?? [];
  const logger = redactingLogger(options.logger ?? silentLogger, () =>
    typeof knownSecretsOption === 'function' ? knownSecretsOption() : knownSecretsOption,
  );
  if (strippedCredentials) {
    logger.warn(
      { baseUrl: String(baseUrl) },
      'createHttpClient: removed the user name and password from baseUrl; pass credentials through auth instead',
    );
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  const knownSecrets = options.knownSecrets ?? [];
  const secrets = (): readonly string[] =>
    typeof knownSecrets === 'function' ? knownSecrets() : knownSecrets;
  /** The URL as it may appear in logs and errors: secret parameters, user-info and known secrets redacted. */
  const safeUrlOf = (url: URL): string => redactText(String(url), secrets());
  const requestIdHeaders = options.requestIdHeaders ?? DEFAULT_REQUEST_ID_HEADERS;
  const defaultPolicy = options.retry === false ? false : resolveRetryPolicy(options.retry);
  const isAuthChallenge =
    options.authChallenge ?? ((response: { status: number }) => response.status === 401);
  const kyInstance = ky.create({
    retry: 0,
    throwHttpErrors: false,
    fetch: fetchImpl,
    headers: {
      ...(options.userAgent !== undefined ? { 'user-agent': userAgentOf(options.userAgent) } : {}),
      ...options.headers,
    },
  });

  const resolveUrl = (request: HttpRequest): URL => {
    const url = new URL(request.path.replace(/^\//, ''), baseUrl);
    if (url.origin !== baseUrl.origin) {
      throw new MlcError(`Refusing to send credentials to another origin: ${safeUrlOf(url)}`, {
        code: 'CONFIG_INVALID',
        kind: 'client',
      });
    }
    if (request.query) {
      const entries =
        request.query instanceof URLSearchParams
          ? [...request.query.entries()]
          : Object.entries(request.query);
      for (const [key, value] of entries)
        if (value !== undefined) url.searchParams.append(key, String(value));
    }
    return url;
  };

  const captureRequestId = (headers: Headers): string | undefined => {
    for (const name of requestIdHeaders) {
      const value = headers.get(name);
      if (value) return value;
    }
    return undefined;
  };

  async function attempt(
    request: HttpRequest,
    url: URL,
    method: HttpMethod,
    attemptNo: number,
  ): Promise<HttpResponse> {
    const safeUrl = safeUrlOf(url);
    let forced = false;
    for (;;) {
      const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
      if (options.auth && request.authenticate !== false) {
        try {
          Object.assign(
            headers,
            await options.auth.getHeaders({
              url,
              method,
              forceRefresh: forced,
              ...(request.signal ? { signal: request.signal } : {}),
            }),
          );
        } catch (error) {
          // Nothing of this request left: a token endpoint's 5xx says "may have been applied" about the token
          // request only. Callers read the mark through `failedBeforeSend`.
          throw markFailedBeforeSend(error);
        }
      }
      if (request.beforeSend) {
        try {
          await request.beforeSend({ timeoutMs: request.timeoutMs ?? timeoutMs });
        } catch (error) {
          throw markFailedBeforeSend(error);
        }
      }
      const started = clock.now();
      let response: Response;
      try {
        response = await kyInstance(url, {
          method,
          headers,
          timeout: request.timeoutMs ?? timeoutMs,
          ...(request.json !== undefined ? { json: request.json } : {}),
          ...(request.body !== undefined ? { body: request.body as NonNullable<RequestInit['body']> } : {}),
          ...(request.signal ? { signal: request.signal } : {}),
        });
      } catch (error) {
        if (request.signal?.aborted)
          throw new AbortedError(`${method} ${safeUrl} aborted`, request.signal.reason);
        if (error instanceof KyTimeoutError) {
          throw new NetworkError(
            `${method} ${safeUrl} timed out after ${request.timeoutMs ?? timeoutMs} ms`,
            {
              method,
              url: safeUrl,
              outcome: 'unknown',
              timeout: true,
              cause: error,
            },
          );
        }
        const failure = describeFetchFailure(error);
        throw new NetworkError(
          `${method} ${safeUrl} failed: ${failure.code ?? (error instanceof Error ? error.message : 'network error')}`,
          {
            method,
            url: safeUrl,
            outcome: failure.outcome,
            kind: failure.kind,
            cause: error,
          },
        );
      }
      const requestId = captureRequestId(response.headers);
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        // The status line arrived, then the connection died: the remote did process the request, and its answer
        // is lost (kept `unknown`, as a timeout: the status alone does not say whether it was applied).
        throw new NetworkError(`${method} ${safeUrl} response body was cut off`, {
          method,
          url: safeUrl,
          outcome: 'unknown',
          cause: error,
        });
      }
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      logger.debug(
        {
          method,
          url: safeUrl,
          status: response.status,
          attempt: attemptNo,
          ms: clock.now() - started,
          requestId,
        },
        'http request',
      );
      if (
        !response.ok &&
        options.auth &&
        request.authenticate !== false &&
        !forced &&
        isAuthChallenge({ status: response.status, headers: response.headers, text })
      ) {
        forced = true; // one forced refresh + resend; a second challenge is a real auth failure
        continue;
      }
      if (response.ok) {
        return {
          status: response.status,
          headers: response.headers,
          url: safeUrl,
          ...(requestId !== undefined ? { requestId } : {}),
          text,
          attempts: attemptNo,
          json<T>(): T {
            try {
              return JSON.parse(text) as T;
            } catch (error) {
              throw new MlcError(`${method} ${safeUrl} returned a body that is not JSON`, {
                code: 'INVALID_RESPONSE',
                kind: 'server',
                status: response.status,
                cause: error,
                retryable: false,
                ...(requestId !== undefined ? { requestId } : {}),
              });
            }
          },
        };
      }
      // Uncapped here: the error tells the remote's full delay; the retry decision caps how long it waits.
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), {
        now: clock.now(),
        maxMs: Number.POSITIVE_INFINITY,
      });
      const context = {
        status: response.status,
        headers: response.headers,
        text,
        method,
        url: safeUrl,
        kind: classifyResponse(response.status, retryAfterMs),
        outcome: outcomeOfStatus(response.status, retryAfterMs),
        ...(requestId !== undefined ? { requestId } : {}),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      };
      // A package error carries its own outcome from construction (read by `outcomeOf` in the retry decision).
      const custom = options.errorFactory?.(context);
      if (custom) throw custom;
      throw new HttpError(`${method} ${safeUrl} failed with HTTP ${response.status}`, {
        ...context,
        bodySnippet: redactText(text.slice(0, BODY_SNIPPET_CHARS), secrets()),
      });
    }
  }

  return {
    baseUrl,
    async request(request) {
      const method = request.method ?? 'GET';
      const url = resolveUrl(request);
      const policy =
        request.retry === false ? false : request.retry ? resolveRetryPolicy(request.retry) : defaultPolicy;
      if (!policy) return attempt(request, url, method, 1);
      try {
        return await withRetry((attemptNo) => attempt(request, url, method, attemptNo), {
          policy,
          clock,
          idempotent: request.idempotent ?? !(method === 'POST' || method === 'PATCH'),
          ...(request.signal ? { signal: request.signal } : {}),
          ...(options.random ? { random: options.random } : {}),
          onRetry: (event) => {
            const safeUrl = safeUrlOf(url);
            logger.warn(
              { method, url: safeUrl, attempt: event.attempt, delayMs: event.delayMs, reason: event.reason },
              'http retry',
            );
            options.onRetry?.({ ...event, method, url: safeUrl });
          },
        });
      } catch (error) {
        if (request.signal?.aborted && !isMlcError(error)) {
          throw new AbortedError(`${method} ${safeUrlOf(url)} aborted`, request.signal.reason);
        }
        throw error;
      }
    },
  };
}
