import { MlcError, classifyResponse, isMlcError } from '@mlc/core';

/**
 * The fields of a Sage cloud gateway error body, `{"$severity","$dataCode","$message","$source"}` ([documented]
 * reference §2.8: e.g. 500 `{"$severity":"error","$dataCode":"InternalServerError","$message":"","$source":"Gateway"}`).
 */
export interface X3GatewayErrorBody {
  /** `$severity` (`error`…). */
  severity?: string;
  /** `$dataCode`: the gateway's machine-readable code (`InternalServerError`, `TooManyRequests`…). */
  dataCode?: string;
  /** `$message` (often empty). */
  message?: string;
  /** `$source`: which component answered (`Gateway`). */
  source?: string;
}

/** Options of {@link X3GatewayError}. */
export interface X3GatewayErrorOptions extends X3GatewayErrorBody {
  /** HTTP status. */
  status: number;
  /** HTTP method of the failed request. */
  method: string;
  /** The request URL (redacted). */
  url: string;
  /** Parsed `Retry-After` in ms. */
  retryAfterMs?: number;
  /** Request id header, when the server sent one. */
  requestId?: string;
}

/**
 * X3 (usually the Sage cloud gateway) answered with its `$dataCode` / `$source` error body. The body's fields are
 * kept on the error so an operator sees *which* component failed and its code, instead of a bare "HTTP 500".
 * Retry behaviour follows the status like any HTTP failure: 429 is throttled (Retry-After honoured), 5xx is a
 * server failure, other 4xx are not retried.
 */
export class X3GatewayError extends MlcError<'X3_GATEWAY_ERROR'> {
  override name = 'X3GatewayError' as const;
  /** `$dataCode`, e.g. `InternalServerError`. */
  readonly dataCode?: string;
  /** `$source`, e.g. `Gateway`. */
  readonly source?: string;
  /** `$severity`. */
  readonly severity?: string;
  /** `$message` (redacted; may be empty). */
  readonly gatewayMessage?: string;
  /** HTTP method. */
  readonly method: string;
  /** Redacted URL. */
  readonly url: string;
  declare readonly status: number;

  constructor(options: X3GatewayErrorOptions) {
    const kind = classifyResponse(options.status, options.retryAfterMs);
    const what = [options.dataCode, options.message].filter((s) => s !== undefined && s !== '').join(': ');
    super({
      message: `X3 ${options.source ?? 'server'} ${options.method} ${options.url} failed with HTTP ${options.status}${
        what ? ` (${what})` : ''
      }`,
      code: 'X3_GATEWAY_ERROR',
      kind,
      status: options.status,
      ...(options.retryAfterMs !== undefined ? { retryAfterMs: options.retryAfterMs } : {}),
      ...(options.requestId !== undefined ? { requestId: options.requestId } : {}),
      details: {
        url: options.url,
        dataCode: options.dataCode,
        source: options.source,
        severity: options.severity,
        message: options.message,
      },
    });
    if (options.dataCode !== undefined) this.dataCode = options.dataCode;
    if (options.source !== undefined) this.source = options.source;
    if (options.severity !== undefined) this.severity = options.severity;
    if (options.message !== undefined) this.gatewayMessage = this.details?.message as string;
    this.method = options.method;
    this.url = options.url;
  }
}

/** True when `error` is an {@link X3GatewayError}, also one thrown by another installed copy of this package (core's brand). */
export function isX3GatewayError(error: unknown): error is X3GatewayError {
  return isMlcError(error, 'X3_GATEWAY_ERROR');
}

/**
 * Reads a gateway error body: a JSON object with a string `$dataCode` or `$source`. Anything else (Syracuse
 * `$diagnoses`, GraphQL `errors[]`, plain text) is `undefined`.
 */
export function parseGatewayErrorBody(text: string): X3GatewayErrorBody | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const dataCode = str(b.$dataCode);
  const source = str(b.$source);
  if (dataCode === undefined && source === undefined) return undefined;
  const severity = str(b.$severity);
  const message = str(b.$message);
  return {
    ...(severity !== undefined ? { severity } : {}),
    ...(dataCode !== undefined ? { dataCode } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(source !== undefined ? { source } : {}),
  };
}
