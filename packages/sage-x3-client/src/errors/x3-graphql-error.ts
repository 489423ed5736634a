import { type FailureKind, MlcError, isMlcError } from '@mlc/core';

/** One entry of a GraphQL `errors[]` array, as far as the SDK reads it. */
export interface X3GraphQLErrorEntry {
  /** The server's message. */
  message: string;
  /** Path of the field that failed, when given. */
  path?: ReadonlyArray<string | number>;
  /** Server extensions (e.g. an error code), when given. */
  extensions?: Record<string, unknown>;
}

/** Options of {@link X3GraphQLError}. */
export interface X3GraphQLErrorOptions {
  /** The `errors[]` entries. */
  errors: readonly X3GraphQLErrorEntry[];
  /** Partial `data` that came with the errors ([observed] reference §2.8: X3 returns both). */
  data?: unknown;
  /** Classification; `transient` ones are retried by the client. */
  kind: FailureKind;
  /** HTTP status of the response (200 when the errors came inside a successful answer). */
  status?: number;
  /** The operation name, for logs. */
  operation?: string;
}

/**
 * A GraphQL answer with `errors[]` (inside an HTTP 200 or not). Partial `data` stays available on `data` for
 * callers that want it ([observed] reference §2.8: "surface both; don't throw away data").
 */
export class X3GraphQLError extends MlcError<'X3_GRAPHQL_ERROR'> {
  override name = 'X3GraphQLError' as const;
  /** The `errors[]` entries (messages redacted). */
  readonly errors: readonly X3GraphQLErrorEntry[];
  /** Partial data returned together with the errors, if any. */
  readonly data?: unknown;

  constructor(options: X3GraphQLErrorOptions) {
    const first = options.errors[0]?.message ?? 'unknown error';
    const more = options.errors.length > 1 ? ` (+${options.errors.length - 1} more)` : '';
    super({
      message: `X3 GraphQL ${options.operation ? `${options.operation} ` : ''}failed: ${first}${more}`,
      code: 'X3_GRAPHQL_ERROR',
      kind: options.kind,
      // Only transient GraphQL errors are worth another attempt; a server error inside a 200 is deterministic.
      retryable: options.kind === 'transient' || options.kind === 'throttled',
      ...(options.status !== undefined ? { status: options.status } : {}),
      details: { errors: options.errors.map((e) => ({ message: e.message, path: e.path })) },
    });
    this.errors = (this.details?.errors as X3GraphQLErrorEntry[] | undefined) ?? [];
    if (options.data !== undefined) this.data = options.data;
  }

  /** True when the server returned some data along with the errors. */
  get hasPartialData(): boolean {
    return this.data !== undefined && this.data !== null;
  }
}

/** True when `error` is an {@link X3GraphQLError}, also one thrown by another installed copy of this package (core's brand). */
export function isX3GraphQLError(error: unknown): error is X3GraphQLError {
  return isMlcError(error, 'X3_GRAPHQL_ERROR');
}
