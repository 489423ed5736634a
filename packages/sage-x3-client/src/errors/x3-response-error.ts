import { MlcError, isMlcError } from '@mlc/core';

/** Stable codes of {@link X3ResponseError}. */
export type X3ResponseErrorCode =
  /** The body is not JSON and the backslash repair could not fix it. */
  | 'X3_MALFORMED_JSON'
  /** The body is JSON but not the documented shape (no `$resources`, no `data`, a page that does not advance…). */
  | 'X3_UNEXPECTED_RESPONSE'
  /** Another HTTP failure (4xx/5xx) that is not an auth or filter error. */
  | 'X3_HTTP_ERROR'
  /**
   * `keys()` received a key that is not strictly greater (UTF-16 code units) than the one before it: the server's
   * collation, its handling of `orderBy`, a duplicate or a non-string key order. The list is abandoned rather than
   * yielded out of order, because delete reconciliation would otherwise delete live rows.
   */
  | 'X3_KEY_ORDER_UNEXPECTED';

/** Options of {@link X3ResponseError}. */
export interface X3ResponseErrorOptions {
  /** Human-readable message. */
  message: string;
  /** Stable code. */
  code: X3ResponseErrorCode;
  /** The page / request URL (query secrets redacted). */
  url?: string;
  /** HTTP status. */
  status?: number;
  /** Character offset of a JSON syntax error. */
  position?: number;
  /** A short excerpt of the body around the problem (redacted). */
  excerpt?: string;
  /** Retryable? Defaults by status (5xx yes) and to `false` for malformed bodies (the same bytes come back). */
  retryable?: boolean;
  /** The underlying error. */
  cause?: unknown;
  /** Request id header, when the server sent one. */
  requestId?: string;
  /** `X3_KEY_ORDER_UNEXPECTED`: the key listed before the offending one. */
  previousKey?: string;
  /** `X3_KEY_ORDER_UNEXPECTED`: the offending key (not greater than `previousKey`). */
  key?: string;
}

/** X3 answered something the client cannot use. Names the page URL so the offending page can be found. */
export class X3ResponseError extends MlcError<X3ResponseErrorCode> {
  override name = 'X3ResponseError' as const;
  /** The page / request URL (redacted). */
  readonly url?: string;
  /** Character offset of a JSON syntax error. */
  readonly position?: number;
  /** Body excerpt around the problem (redacted). */
  readonly excerpt?: string;
  /** `X3_KEY_ORDER_UNEXPECTED`: the key listed before the offending one. */
  readonly previousKey?: string;
  /** `X3_KEY_ORDER_UNEXPECTED`: the offending key. */
  readonly key?: string;

  constructor(options: X3ResponseErrorOptions) {
    const kind = options.status === undefined ? 'server' : options.status >= 500 ? 'server' : 'client';
    super({
      message: options.message,
      code: options.code,
      kind,
      retryable: options.retryable ?? (options.code === 'X3_HTTP_ERROR' && kind === 'server'),
      cause: options.cause,
      ...(options.status !== undefined ? { status: options.status } : {}),
      ...(options.requestId !== undefined ? { requestId: options.requestId } : {}),
      details: {
        url: options.url,
        position: options.position,
        excerpt: options.excerpt,
        ...(options.previousKey !== undefined ? { previousKey: options.previousKey } : {}),
        ...(options.key !== undefined ? { key: options.key } : {}),
      },
    });
    if (options.url !== undefined) this.url = this.details?.url as string;
    if (options.position !== undefined) this.position = options.position;
    if (options.excerpt !== undefined) this.excerpt = this.details?.excerpt as string;
    if (options.previousKey !== undefined) this.previousKey = this.details?.previousKey as string;
    if (options.key !== undefined) this.key = this.details?.key as string;
  }
}

/** Every code of {@link X3ResponseError}: the compiler checks the list is complete. */
const X3_RESPONSE_ERROR_CODES = Object.keys({
  X3_MALFORMED_JSON: true,
  X3_UNEXPECTED_RESPONSE: true,
  X3_HTTP_ERROR: true,
  X3_KEY_ORDER_UNEXPECTED: true,
} satisfies Record<X3ResponseErrorCode, true>) as X3ResponseErrorCode[];

/** True when `error` is an {@link X3ResponseError}, also one thrown by another installed copy of this package (core's brand). */
export function isX3ResponseError(error: unknown): error is X3ResponseError {
  return isMlcError(error, X3_RESPONSE_ERROR_CODES);
}
