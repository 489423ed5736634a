// Public surface of @mlc/core. Every export is named; internals stay unexported.

export type {
  AccessToken,
  GetTokenOptions,
  TokenCyclerOptions,
  TokenRefreshContext,
} from './auth/token-cycler.js';
export { TokenCycler } from './auth/token-cycler.js';

export { askSome } from './batch/ask-some.js';

export type { Clock, SleepOptions } from './clock/clock.js';
export { systemClock } from './clock/clock.js';
export { type MonotonicReading, readMonotonic } from './clock/monotonic-reading.js';
export { TestClock, type TestClockRunOptions } from './clock/test-clock.js';
export { type HttpRequestTracker, trackHttpRequests } from './clock/track-http-requests.js';

export type { FailureKind } from './errors/failure-kind.js';
export { classifyResponse, classifyStatus, isRetryableKind } from './errors/failure-kind.js';
export type { RequestOutcome } from './errors/request-outcome.js';
export { isRequestOutcome, outcomeOfStatus } from './errors/request-outcome.js';
export { outcomeOf } from './errors/outcome-of.js';
export type { CoreErrorCode, MlcErrorOptions } from './errors/mlc-error.js';
export { MlcError, isMlcError } from './errors/mlc-error.js';
export { RedactedError, redactedCause } from './errors/redacted-error.js';
export {
  AbortedError,
  AuthError,
  HttpError,
  NetworkError,
  describeFetchFailure,
  findErrorCode,
} from './errors/http-errors.js';
export { notSent } from './errors/not-sent.js';

export type { LogFn, Logger } from './log/logger.js';
export { childLogger, silentLogger } from './log/logger.js';
export type { LogLevel, StderrLoggerOptions } from './log/stderr-logger.js';
export {
  LOG_LEVEL_ENV,
  createStderrLogger,
  defaultLogger,
  isLogLevel,
  resolveLogLevel,
} from './log/stderr-logger.js';
export { redactingLogger } from './log/redacting-logger.js';

export {
  REDACTED,
  SECRET_KEYS,
  isSecretKey,
  redactHeaders,
  redactText,
  redactUnparsedUrl,
  redactUrl,
  redactValue,
} from './redact/redact.js';

export type {
  QuotaAnswer,
  QuotaRecord,
  QuotaRequest,
  QuotaStore,
  QuotaUpdate,
  QuotaWindow,
} from './quota/rolling-quota.js';
export { longestQuotaWindow, quotaReadyAt } from './quota/rolling-quota.js';

export { formatCount, formatDuration, formatTime } from './values/format-for-humans.js';

export type { ParseRetryAfterOptions } from './retry/retry-after.js';
export { parseRetryAfter } from './retry/retry-after.js';
export type { RetryPolicy, RetryPolicyOptions } from './retry/retry-policy.js';
export { DEFAULT_RETRY_POLICY, resolveRetryPolicy } from './retry/retry-policy.js';
export { computeBackoff } from './retry/compute-backoff.js';
export type { RetryDecision, RetryState } from './retry/decide-retry.js';
export { decideRetry } from './retry/decide-retry.js';
export type { RetryEvent, WithRetryOptions } from './retry/with-retry.js';
export { withRetry } from './retry/with-retry.js';
export type { PRetryOptions } from './retry/p-retry-options.js';
export { pRetryOptions } from './retry/p-retry-options.js';

export type {
  AuthProvider,
  HttpClient,
  HttpClientOptions,
  HttpErrorContext,
  HttpMethod,
  HttpRequest,
  HttpResponse,
} from './http/http-types.js';
export { createHttpClient } from './http/create-http-client.js';
export type {
  AddedPolicy,
  PipelinePolicy,
  PipelineRequest,
  PipelineResponse,
  SendRequest,
} from './http/pipeline.js';
export { userAgentOf } from './http/user-agent.js';
export type { TlsOptions } from './http/tls-fetch.js';
export { createTlsFetch } from './http/tls-fetch.js';
export { tokenAuth } from './http/token-auth.js';

export type { DecimalRounding } from './values/decimal.js';
export { Decimal, isDecimal } from './values/decimal.js';
export { keepExactNumbers } from './values/keep-exact-numbers.js';
export type { ParsedStamp } from './values/parse-stamp.js';
export { parseStamp } from './values/parse-stamp.js';
export { epochDayOf, isCalendarDate } from './values/calendar-date.js';
