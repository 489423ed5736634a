import { MlcError } from '@mlc/core';

/**
 * executeQueries is not available for this dataset or principal: the tenant setting "Dataset Execute Queries REST
 * API" is off, or the principal lacks Read+Build (reference §2.7). Verification by count is then impossible and
 * the caller's policy (resend / skip / halt) decides.
 */
export class PowerBIQueryUnavailableError extends MlcError<'PBI_QUERY_UNAVAILABLE'> {
  override name = 'PowerBIQueryUnavailableError' as const;
  /** Power BI's `error.code`, when the service gave one. */
  readonly serviceCode?: string;

  constructor(options: {
    message: string;
    status?: number;
    serviceCode?: string;
    requestId?: string;
    cause?: unknown;
  }) {
    super({
      message: options.message,
      code: 'PBI_QUERY_UNAVAILABLE',
      kind: 'client',
      retryable: false,
      ...(options.status !== undefined ? { status: options.status } : {}),
      ...(options.requestId !== undefined ? { requestId: options.requestId } : {}),
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
    });
    if (options.serviceCode !== undefined) this.serviceCode = options.serviceCode;
  }
}

/** A DAX query failed (HTTP 400 "DAX query failure", or an `error` object inside a 200 — reference §2.7). */
export class PowerBIQueryError extends MlcError<'PBI_QUERY_FAILED'> {
  override name = 'PowerBIQueryError' as const;
  /** The DAX text that failed (contains only schema names and the compared value, no credentials). */
  readonly query: string;

  constructor(options: {
    message: string;
    query: string;
    status?: number;
    requestId?: string;
    cause?: unknown;
  }) {
    super({
      message: options.message,
      code: 'PBI_QUERY_FAILED',
      kind: 'client',
      retryable: false,
      ...(options.status !== undefined ? { status: options.status } : {}),
      ...(options.requestId !== undefined ? { requestId: options.requestId } : {}),
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
    });
    this.query = options.query;
  }
}

/**
 * An executeQueries answer this client cannot read as what it asked for: a body that is not JSON (cut off), no
 * `results`, no table, no row, or a count cell that is absent, `null` or not a non-negative integer. What the
 * service counted is unknown — never zero. Asking again may help (the query changes nothing), so it is
 * retryable; a caller that decides on a count (resend or not) must treat it as "no answer".
 */
export class PowerBIQueryAnswerError extends MlcError<'PBI_QUERY_ANSWER_UNREADABLE'> {
  override name = 'PowerBIQueryAnswerError' as const;
  /** The DAX text that was asked (schema names and the compared value only). */
  readonly query: string;

  constructor(options: { message: string; query: string; requestId?: string; cause?: unknown }) {
    super({
      message: options.message,
      code: 'PBI_QUERY_ANSWER_UNREADABLE',
      kind: 'server',
      retryable: true,
      ...(options.requestId !== undefined ? { requestId: options.requestId } : {}),
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
    });
    this.query = options.query;
  }
}
