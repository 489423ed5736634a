import { MlcError, isMlcError } from '@mlc/core';

/** Stable codes of {@link X3AuthError}. */
export type X3AuthErrorCode =
  /** X3 answered 401/403 to a request (Basic credentials wrong, or a bearer token refused). */
  | 'X3_AUTH_REJECTED'
  /** A connected-application JWT was refused (`Error NN: Invalid token`). */
  | 'X3_JWT_REJECTED'
  /** The refresh token was already used (rotated away), revoked or expired: the pairing must be redone. */
  | 'X3_REFRESH_TOKEN_INVALID'
  /** No refresh token: none configured and the token store is empty. */
  | 'X3_REFRESH_TOKEN_MISSING'
  /** The token endpoint failed in another way (bad client credentials, unknown client, 5xx…). */
  | 'X3_TOKEN_ENDPOINT_ERROR'
  /** Saving the rotated refresh token failed; the new access token was not used. */
  | 'X3_TOKEN_STORE_FAILED';

/** Options of {@link X3AuthError}. */
export interface X3AuthErrorOptions {
  /** Human-readable message (never a secret). */
  message: string;
  /** Stable code. */
  code: X3AuthErrorCode;
  /** HTTP status, when a response caused it. */
  status?: number;
  /** The X3 error number of a refused JWT (`Error 21` → 21), when given. */
  x3ErrorNumber?: number;
  /** The server's own message (redacted before it is stored). */
  serverMessage?: string;
  /** Whether another attempt may help. @default false */
  retryable?: boolean;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * Authentication or authorisation failed. The message says what to do (fix the claim, redo the pairing…); it never
 * contains a password, secret or token.
 */
export class X3AuthError extends MlcError<X3AuthErrorCode> {
  override name = 'X3AuthError' as const;
  /** The X3 error number of a refused JWT, when given. */
  readonly x3ErrorNumber?: number;
  /** The server's message (redacted). */
  readonly serverMessage?: string;

  constructor(options: X3AuthErrorOptions) {
    super({
      message: options.message,
      code: options.code,
      kind: options.retryable ? 'transient' : 'auth',
      retryable: options.retryable ?? false,
      cause: options.cause,
      ...(options.status !== undefined ? { status: options.status } : {}),
      details: { x3ErrorNumber: options.x3ErrorNumber, serverMessage: options.serverMessage },
    });
    if (options.x3ErrorNumber !== undefined) this.x3ErrorNumber = options.x3ErrorNumber;
    if (options.serverMessage !== undefined) this.serverMessage = this.details?.serverMessage as string;
  }
}

/** Every code of {@link X3AuthError}: the compiler checks the list is complete. */
const X3_AUTH_ERROR_CODES = Object.keys({
  X3_AUTH_REJECTED: true,
  X3_JWT_REJECTED: true,
  X3_REFRESH_TOKEN_INVALID: true,
  X3_REFRESH_TOKEN_MISSING: true,
  X3_TOKEN_ENDPOINT_ERROR: true,
  X3_TOKEN_STORE_FAILED: true,
} satisfies Record<X3AuthErrorCode, true>) as X3AuthErrorCode[];

/** True when `error` is an {@link X3AuthError}, also one thrown by another installed copy of this package (core's brand). */
export function isX3AuthError(error: unknown): error is X3AuthError {
  return isMlcError(error, X3_AUTH_ERROR_CODES);
}
