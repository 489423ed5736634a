import { MlcError } from '@mlc/core';
import { authRemedyHint } from './aadsts-hints.js';

/** Codes of {@link PowerBIAuthError}. */
export type PowerBIAuthCode = 'PBI_AUTH_FAILED' | 'PBI_TOKEN_UNAVAILABLE';

/** Facts taken from an Entra ID error response (reference §1.4) or a credential failure. */
export interface PowerBIAuthFacts {
  /** HTTP status of the token endpoint's answer. */
  status?: number;
  /** OAuth `error`, e.g. `invalid_client` — the field Microsoft says to branch on. */
  oauthError?: string;
  /** The first of `error_codes`, e.g. `7000215`. */
  aadstsCode?: number;
  /** Entra `trace_id`, for support requests. */
  traceId?: string;
  /** Entra `correlation_id`, for support requests. */
  correlationId?: string;
  /** Overrides the built-in remedy hint. */
  hint?: string;
  /** Whether retrying may help (e.g. `temporarily_unavailable`, 5xx). @default false */
  retryable?: boolean;
  /** The underlying error. */
  cause?: unknown;
}

/** What a {@link PowerBIAuthError} is built from. */
export interface PowerBIAuthErrorInit extends PowerBIAuthFacts {
  /** What failed; the remedy hint is appended. */
  message: string;
  /** @default 'PBI_AUTH_FAILED' */
  code?: PowerBIAuthCode;
}

/**
 * A Power BI access token could not be obtained: Entra ID refused the client credentials (with the AADSTS code,
 * trace and correlation ids and a remedy hint), or a custom `TokenCredential` failed.
 */
export class PowerBIAuthError extends MlcError<PowerBIAuthCode> {
  override name = 'PowerBIAuthError' as const;
  /** OAuth `error` string. */
  readonly oauthError?: string;
  /** AADSTS numeric code. */
  readonly aadstsCode?: number;
  /** Entra trace id. */
  readonly traceId?: string;
  /** Entra correlation id. */
  readonly correlationId?: string;
  /** What to check or change. */
  readonly hint?: string;

  constructor(facts: PowerBIAuthErrorInit) {
    const { message, code = 'PBI_AUTH_FAILED' } = facts;
    const hint = facts.hint ?? authRemedyHint(facts.aadstsCode, facts.oauthError);
    super({
      message: hint ? `${message}. Hint: ${hint}` : message,
      code,
      kind: facts.retryable ? 'transient' : 'auth',
      retryable: facts.retryable ?? false,
      ...(facts.status !== undefined ? { status: facts.status } : {}),
      ...(facts.cause !== undefined ? { cause: facts.cause } : {}),
      ...(facts.traceId !== undefined ? { requestId: facts.traceId } : {}),
      details: {
        ...(facts.oauthError !== undefined ? { oauthError: facts.oauthError } : {}),
        ...(facts.aadstsCode !== undefined ? { aadstsCode: facts.aadstsCode } : {}),
        ...(facts.traceId !== undefined ? { traceId: facts.traceId } : {}),
        ...(facts.correlationId !== undefined ? { correlationId: facts.correlationId } : {}),
      },
    });
    if (facts.oauthError !== undefined) this.oauthError = facts.oauthError;
    if (facts.aadstsCode !== undefined) this.aadstsCode = facts.aadstsCode;
    if (facts.traceId !== undefined) this.traceId = facts.traceId;
    if (facts.correlationId !== undefined) this.correlationId = facts.correlationId;
    if (hint !== undefined) this.hint = hint;
  }
}
