import { MlcError, isMlcError } from '@mlc/core';

/** Stable codes of {@link X3ConfigError}. */
export type X3ConfigErrorCode =
  /** Client options are invalid (missing endpoint, bad URL, unknown entity…). */
  | 'X3_CONFIG_INVALID'
  /** The GraphQL schema of this endpoint lacks a package/node/field the entity mapping asks for. */
  | 'X3_SCHEMA_MISMATCH';

/**
 * The client is configured in a way that cannot work (bad options, or an entity mapping that the endpoint's
 * GraphQL schema does not have). Not retryable: fix the configuration or the entity overrides.
 */
export class X3ConfigError extends MlcError<X3ConfigErrorCode> {
  override name = 'X3ConfigError' as const;

  constructor(options: { message: string; code?: X3ConfigErrorCode; cause?: unknown }) {
    super({
      message: options.message,
      code: options.code ?? 'X3_CONFIG_INVALID',
      kind: 'validation',
      retryable: false,
      cause: options.cause,
    });
  }
}

/** Every code of {@link X3ConfigError}: the compiler checks the list is complete. */
const X3_CONFIG_ERROR_CODES = Object.keys({
  X3_CONFIG_INVALID: true,
  X3_SCHEMA_MISMATCH: true,
} satisfies Record<X3ConfigErrorCode, true>) as X3ConfigErrorCode[];

/** True when `error` is an {@link X3ConfigError}, also one thrown by another installed copy of this package (core's brand). */
export function isX3ConfigError(error: unknown): error is X3ConfigError {
  return isMlcError(error, X3_CONFIG_ERROR_CODES);
}
