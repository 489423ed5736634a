import { type Clock, systemClock } from '../clock/clock.js';
import { MlcError } from '../errors/mlc-error.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import { redactingLogger } from '../log/redacting-logger.js';
import { redactText } from '../redact/redact.js';
import { type RetryPolicy, resolveRetryPolicy } from '../retry/retry-policy.js';
import type { HttpClientOptions } from './http-types.js';
import type { AuthChallenge } from './policies/auth-policy.js';
import { createTlsFetch } from './tls-fetch.js';

const DEFAULT_REQUEST_ID_HEADERS = ['requestid', 'x-ms-request-id', 'request-id', 'x-request-id'] as const;

/** {@link HttpClientOptions} with every default filled in, once. */
export interface ResolvedHttpClientOptions {
  /** The base URL, ending in `/`, without user-info. */
  baseUrl: URL;
  /** Whether user-info was removed from the base URL (the client warns once). */
  strippedCredentials: boolean;
  /** The transport. */
  fetch: typeof globalThis.fetch;
  /** Time source for waits and log timings. */
  clock: Clock;
  /** The caller's logger behind redaction. */
  logger: Logger;
  /** The current `knownSecrets`. */
  secrets: () => readonly string[];
  /** The URL as it may appear in logs and errors: secret parameters, user-info and known secrets redacted. */
  safeUrlOf: (url: URL) => string;
  /** Per-attempt timeout in ms. */
  timeoutMs: number;
  /** Response headers that carry a request id. */
  requestIdHeaders: readonly string[];
  /** The client's retry policy, or `false`. */
  retry: RetryPolicy | false;
  /** Which failed answers trigger the one forced refresh. */
  isAuthChallenge: AuthChallenge;
}

/** Validates {@link HttpClientOptions} and fills in the defaults the pipeline's policies share. */
export function resolveHttpClientOptions(options: HttpClientOptions): ResolvedHttpClientOptions {
  const baseUrl = new URL(String(options.baseUrl));
  if (!baseUrl.pathname.endsWith('/')) baseUrl.pathname += '/';
  const strippedCredentials = baseUrl.username !== '' || baseUrl.password !== '';
  // Credentials in a URL would travel in every error and log line (fetch refuses such URLs anyway): they are
  // dropped here, once, with a warning. Authenticate with an `auth` provider instead.
  baseUrl.username = '';
  baseUrl.password = '';
  if (options.fetch && options.tls) {
    throw new MlcError({
      message: 'createHttpClient: pass either `fetch` or `tls`, not both (configure TLS in your fetch)',
      code: 'CONFIG_INVALID',
      kind: 'client',
    });
  }
  const knownSecrets = options.knownSecrets ?? [];
  const secrets = (): readonly string[] =>
    typeof knownSecrets === 'function' ? knownSecrets() : knownSecrets;
  return {
    baseUrl,
    strippedCredentials,
    fetch: options.fetch ?? (options.tls ? createTlsFetch(options.tls) : globalThis.fetch),
    clock: options.clock ?? systemClock,
    logger: redactingLogger(options.logger ?? silentLogger, secrets),
    secrets,
    safeUrlOf: (url) => redactText(String(url), secrets()),
    timeoutMs: options.timeoutMs ?? 30_000,
    requestIdHeaders: options.requestIdHeaders ?? DEFAULT_REQUEST_ID_HEADERS,
    retry: options.retry === false ? false : resolveRetryPolicy(options.retry),
    isAuthChallenge: options.authChallenge ?? ((response) => response.status === 401),
  };
}
