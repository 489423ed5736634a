import { type FailureKind, classifyResponse } from './failure-kind.js';
import { MlcError } from './mlc-error.js';
import type { RequestOutcome } from './request-outcome.js';

/** Facts common to errors raised by the HTTP layer. */
interface RequestFacts {
  /** HTTP method of the failed request. */
  method: string;
  /** Redacted URL of the failed request. */
  url: string;
}

/** A non-2xx answer from a remote. Subclass-free packages can use it directly; others map bodies via `errorFactory`. */
export class HttpError extends MlcError<'HTTP_ERROR'> {
  override name = 'HttpError';
  /** HTTP method. */
  readonly method: string;
  /** Redacted URL. */
  readonly url: string;
  /** The start of the response body, redacted and truncated. */
  readonly bodySnippet?: string;
  declare readonly status: number;

  constructor(
    facts: RequestFacts & {
      message: string;
      status: number;
      requestId?: string;
      retryAfterMs?: number;
      bodySnippet?: string;
      kind?: FailureKind;
      details?: Record<string, unknown>;
    },
  ) {
    // The outcome follows from the status (see `outcomeOfStatus`): MlcError's default.
    super({
      message: facts.message,
      code: 'HTTP_ERROR',
      kind: facts.kind ?? classifyResponse(facts.status, facts.retryAfterMs),
      status: facts.status,
      ...(facts.requestId !== undefined ? { requestId: facts.requestId } : {}),
      ...(facts.retryAfterMs !== undefined ? { retryAfterMs: facts.retryAfterMs } : {}),
      ...(facts.details !== undefined ? { details: facts.details } : {}),
    });
    this.method = facts.method;
    this.url = facts.url;
    if (facts.bodySnippet !== undefined) this.bodySnippet = facts.bodySnippet;
  }
}

/** The request never got a complete answer: refused, reset, DNS failure, TLS failure, or a timeout. */
export class NetworkError extends MlcError<'NETWORK_ERROR' | 'TIMEOUT'> {
  override name = 'NetworkError';
  /** HTTP method. */
  readonly method: string;
  /** Redacted URL. */
  readonly url: string;

  constructor(
    facts: RequestFacts & {
      message: string;
      cause: unknown;
      /**
       * Whether the remote may have applied the request: `not-applied` only when it certainly did not (connection
       * refused, name not resolved, TLS refused); a POST with `unknown` must be verified, not resent.
       */
      outcome: Exclude<RequestOutcome, 'applied'>;
      timeout?: boolean;
      kind?: FailureKind;
    },
  ) {
    super({
      message: facts.message,
      code: facts.timeout ? 'TIMEOUT' : 'NETWORK_ERROR',
      kind: facts.kind ?? 'transient',
      cause: facts.cause,
      outcome: facts.outcome,
    });
    this.method = facts.method;
    this.url = facts.url;
  }
}

/**
 * The caller's AbortSignal fired. Never retried. Its outcome is `unknown` (the request may have been in flight)
 * unless the code that stopped knows nothing was sent.
 */
export class AbortedError extends MlcError<'ABORTED'> {
  override name = 'AbortedError';
  constructor(facts: { message?: string; cause?: unknown } = {}) {
    super({
      message: facts.message ?? 'The operation was aborted',
      code: 'ABORTED',
      kind: 'client',
      cause: facts.cause,
      retryable: false,
      outcome: 'unknown',
    });
  }
}

/** A credential could not be obtained or was refused. */
export class AuthError extends MlcError<'AUTH_FAILED' | 'TOKEN_REFRESH_FAILED'> {
  override name = 'AuthError';
  constructor(options: {
    message: string;
    code?: 'AUTH_FAILED' | 'TOKEN_REFRESH_FAILED';
    cause?: unknown;
    status?: number;
    retryable?: boolean;
    details?: Record<string, unknown>;
    outcome?: RequestOutcome;
  }) {
    super({
      message: options.message,
      code: options.code ?? 'AUTH_FAILED',
      kind: options.retryable ? 'transient' : 'auth',
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
      ...(options.status !== undefined ? { status: options.status } : {}),
      ...(options.details !== undefined ? { details: options.details } : {}),
      ...(options.retryable !== undefined ? { retryable: options.retryable } : {}),
      ...(options.outcome !== undefined ? { outcome: options.outcome } : {}),
    });
  }
}

/** Socket-level error codes that prove the request never reached the remote application. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** TLS failures: configuration problems, not worth retrying. */
const TLS_CODE_RE = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|DEPTH_ZERO/;

/** Finds the first `code` along an error's cause chain (undici nests the socket error as `cause`). */
export function findErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ABORT_ERR') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Classifies a failed `fetch()`: was it sent, and is it worth retrying? */
export function describeFetchFailure(error: unknown): {
  kind: FailureKind;
  outcome: Exclude<RequestOutcome, 'applied'>;
  code?: string;
} {
  const code = findErrorCode(error);
  if (code && TLS_CODE_RE.test(code)) return { kind: 'client', outcome: 'not-applied', code };
  if (code && NOT_SENT_CODES.has(code)) return { kind: 'transient', outcome: 'not-applied', code };
  return { kind: 'transient', outcome: 'unknown', ...(code ? { code } : {}) };
}
