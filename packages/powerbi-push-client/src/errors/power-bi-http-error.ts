import { type FailureKind, MlcError, classifyResponse } from '@mlc/core';

/** The `pbi.error` object of Power BI's rich error form (reference §2.8). */
export interface PbiErrorDetails {
  /** Repeats `error.code`. */
  code?: string;
  /** Free-form parameters. */
  parameters?: Record<string, unknown>;
  /** Detail entries; the human text sits in `detail.value`. */
  details?: Array<{ code?: string; detail?: { type?: number; value?: string } }>;
  /** Which side Power BI blames (1 = caller) [inferred]. */
  exceptionCulprit?: number;
}

/** Facts of a failed Power BI REST call. */
export interface PowerBIHttpFacts {
  /** HTTP status. */
  status: number;
  /** HTTP method. */
  method: string;
  /** Redacted URL. */
  url: string;
  /** Power BI's `error.code` (or `error.pbi.error.code`), e.g. `ItemNotFound`, `TokenExpired`. */
  serviceCode?: string;
  /** The service's message, with `<pi>` privacy markers removed. */
  serviceMessage?: string;
  /** `error.pbi.error` when present. */
  pbiError?: PbiErrorDetails;
  /** `error.details[]` of validation errors (`{ message, target }`). */
  errorDetails?: Array<{ message?: string; target?: string }>;
  /** The `RequestId` response header: quote it in support cases. */
  requestId?: string;
  /** Parsed `Retry-After` in ms. */
  retryAfterMs?: number;
  /** What to check or change. */
  hint?: string;
  /** Overrides the classification by status. */
  kind?: FailureKind;
}

/**
 * Power BI answered with a non-2xx status. Carries the status, the service's `error.code`, the `pbi.error` details,
 * the `RequestId` header and, for common causes (not a workspace member, tenant setting off), a remedy hint.
 */
export class PowerBIHttpError extends MlcError<'PBI_HTTP_ERROR'> {
  override name = 'PowerBIHttpError' as const;
  declare readonly status: number;
  /** HTTP method. */
  readonly method: string;
  /** Redacted URL. */
  readonly url: string;
  /** Power BI's `error.code`. */
  readonly serviceCode?: string;
  /** The service's message. */
  readonly serviceMessage?: string;
  /** `pbi.error` details. */
  readonly pbiError?: PbiErrorDetails;
  /** Validation details. */
  readonly errorDetails?: Array<{ message?: string; target?: string }>;
  /** What to check or change. */
  readonly hint?: string;

  constructor(facts: PowerBIHttpFacts) {
    const what = [facts.serviceCode, facts.serviceMessage].filter(Boolean).join(': ');
    const base = `Power BI ${facts.method} ${facts.url} failed with ${facts.status}${what ? ` (${what})` : ''}`;
    // Its outcome (`outcomeOf`) follows from the status: a 5xx may have been applied, anything else was not.
    super({
      message: facts.hint ? `${base}. Hint: ${facts.hint}` : base,
      code: 'PBI_HTTP_ERROR',
      kind: facts.kind ?? classifyResponse(facts.status, facts.retryAfterMs),
      status: facts.status,
      ...(facts.requestId !== undefined ? { requestId: facts.requestId } : {}),
      ...(facts.retryAfterMs !== undefined ? { retryAfterMs: facts.retryAfterMs } : {}),
      details: {
        ...(facts.serviceCode !== undefined ? { serviceCode: facts.serviceCode } : {}),
        ...(facts.pbiError !== undefined ? { pbiError: facts.pbiError } : {}),
        ...(facts.errorDetails !== undefined ? { errorDetails: facts.errorDetails } : {}),
      },
    });
    this.method = facts.method;
    this.url = facts.url;
    if (facts.serviceCode !== undefined) this.serviceCode = facts.serviceCode;
    if (facts.serviceMessage !== undefined) this.serviceMessage = facts.serviceMessage;
    if (facts.pbiError !== undefined) this.pbiError = facts.pbiError;
    if (facts.errorDetails !== undefined) this.errorDetails = facts.errorDetails;
    if (facts.hint !== undefined) this.hint = facts.hint;
  }
}

/**
 * Power BI throttled the request (429, reference §2.8/§3): `retryAfterMs` says how long it asked us to wait. Raised
 * only when the client gave up waiting (after `retry.maxThrottledRetries` consecutive 429s); normally 429s are waited
 * out without counting as failed attempts.
 */
export class PowerBIThrottledError extends MlcError<'PBI_THROTTLED'> {
  override name = 'PowerBIThrottledError' as const;
  declare readonly status: number;
  /** HTTP method. */
  readonly method: string;
  /** Redacted URL. */
  readonly url: string;
  /** The service's message (e.g. "You are over your rows per hour limit…"). */
  readonly serviceMessage?: string;

  constructor(facts: {
    method: string;
    url: string;
    retryAfterMs?: number;
    requestId?: string;
    serviceMessage?: string;
    status?: number;
  }) {
    super({
      message: `Power BI throttled ${facts.method} ${facts.url}${
        facts.retryAfterMs !== undefined ? `; retry after ${facts.retryAfterMs} ms` : ''
      }${facts.serviceMessage ? ` (${facts.serviceMessage})` : ''}`,
      code: 'PBI_THROTTLED',
      kind: 'throttled',
      // A throttled request is refused before processing [inferred], so it was not applied.
      outcome: 'not-applied',
      status: facts.status ?? 429,
      ...(facts.retryAfterMs !== undefined ? { retryAfterMs: facts.retryAfterMs } : {}),
      ...(facts.requestId !== undefined ? { requestId: facts.requestId } : {}),
    });
    this.method = facts.method;
    this.url = facts.url;
    if (facts.serviceMessage !== undefined) this.serviceMessage = facts.serviceMessage;
  }
}
