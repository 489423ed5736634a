import { MlcError, isMlcError } from '@mlc/core';

/** Stable codes of {@link StateStoreError}. */
export type StateStoreErrorCode =
  | 'STORE_NOT_OPEN'
  | 'STORE_UNREADABLE'
  | 'STORE_SCHEMA_NEWER'
  | 'STORE_STALE_FENCE'
  | 'STORE_LEASE_LOST'
  | 'STORE_BATCH_EXISTS'
  | 'STORE_BATCH_NOT_FOUND'
  | 'STORE_BATCH_NOT_OPEN'
  | 'STORE_CURSOR_BACKWARDS'
  | 'STORE_INVALID_ARGUMENT';

/** Fields of a {@link StateStoreError}. */
export interface StateStoreErrorInit {
  /** Stable code. */
  code: StateStoreErrorCode;
  /** Message (no secrets). */
  message: string;
  /** Underlying error. */
  cause?: unknown;
}

/**
 * The one error type a {@link StateStore} throws for contract violations. Custom stores must use it (with
 * these codes) so the engine can tell a stale fencing token from a broken database. Being loud is the point:
 * an unreadable or newer store is never treated as empty.
 */
export class StateStoreError extends MlcError<StateStoreErrorCode> {
  /** Literal name. */
  override name = 'StateStoreError';

  /** Builds the error. Store contract violations are `client` failures and never retried blindly. */
  constructor(init: StateStoreErrorInit) {
    super({
      message: init.message,
      code: init.code,
      kind: 'client',
      retryable: false,
      ...(init.cause !== undefined ? { cause: init.cause } : {}),
    });
  }
}

/** Every code of {@link StateStoreError}: the compiler checks the list is complete. */
const STATE_STORE_ERROR_CODES = Object.keys({
  STORE_NOT_OPEN: true,
  STORE_UNREADABLE: true,
  STORE_SCHEMA_NEWER: true,
  STORE_STALE_FENCE: true,
  STORE_LEASE_LOST: true,
  STORE_BATCH_EXISTS: true,
  STORE_BATCH_NOT_FOUND: true,
  STORE_BATCH_NOT_OPEN: true,
  STORE_CURSOR_BACKWARDS: true,
  STORE_INVALID_ARGUMENT: true,
} satisfies Record<StateStoreErrorCode, true>) as StateStoreErrorCode[];

/** True when `error` is a {@link StateStoreError} (optionally with the given code). */
export function isStateStoreError(error: unknown, code?: StateStoreErrorCode): error is StateStoreError {
  // Core's brand and the code, not `instanceof`: the ESM/CJS builds and the `/testing` entry may hold separate copies.
  return isMlcError<StateStoreErrorCode>(error, code ?? STATE_STORE_ERROR_CODES);
}
