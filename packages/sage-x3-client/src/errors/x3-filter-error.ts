import { MlcError, isMlcError } from '@mlc/core';

/** Options of {@link X3FilterError}. */
export interface X3FilterErrorOptions {
  /** The field the filter names that X3 (or the local builder) rejected, when it can be told. */
  field?: string;
  /** Why the filter was rejected. */
  reason: string;
  /** The `where` / `filter` text that was sent (it holds no secrets: user values are quoted literals). */
  filter?: string;
  /** HTTP status when X3 rejected it (500 for an unknown `where` field). */
  status?: number;
  /** The remote error. */
  cause?: unknown;
}

/**
 * A `where` (REST) or `filter`/`orderBy` (GraphQL) that X3 or the local builder refused. X3 answers an unknown
 * property in `where` with HTTP 500 ([documented] reference §1.4, §3 gotcha 2), which this error turns into a
 * non-retryable client error that names the field.
 */
export class X3FilterError extends MlcError<'X3_FILTER_INVALID'> {
  override name = 'X3FilterError' as const;
  /** The offending field, when known. */
  readonly field?: string;
  /** Why the filter was rejected. */
  readonly reason: string;
  /** The filter text that was sent. */
  readonly filter?: string;

  constructor(options: X3FilterErrorOptions) {
    const subject = options.field ? `field '${options.field}'` : 'filter';
    super({
      message: `X3 rejected the ${subject}: ${options.reason}`,
      code: 'X3_FILTER_INVALID',
      kind: options.status === undefined ? 'validation' : 'client',
      retryable: false,
      cause: options.cause,
      ...(options.status !== undefined ? { status: options.status } : {}),
      details: { field: options.field, filter: options.filter },
    });
    if (options.field !== undefined) this.field = options.field;
    this.reason = options.reason;
    if (options.filter !== undefined) this.filter = options.filter;
  }
}

/** True when `error` is an {@link X3FilterError}, also one thrown by another installed copy of this package (core's brand). */
export function isX3FilterError(error: unknown): error is X3FilterError {
  return isMlcError(error, 'X3_FILTER_INVALID');
}
