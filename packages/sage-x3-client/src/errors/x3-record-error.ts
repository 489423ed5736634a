import { MlcError, isMlcError } from '@mlc/core';

/** Options of {@link X3RecordError}. */
export interface X3RecordErrorOptions {
  /** Entity name (`'supplier'`, a custom entity name…). */
  entity: string;
  /** The record's key, when it could be read. */
  key?: string;
  /** Path of the offending field in the normalized record, e.g. `lines[2].amount` (`''` for the whole record). */
  field: string;
  /** Why the value was rejected, in plain words. */
  reason: string;
  /** The underlying validation error (e.g. a zod issue list). */
  cause?: unknown;
}

/**
 * A record read from X3 does not fit its entity schema. Yielded inside `{ ok: false, error }` by the readers (or
 * thrown in strict mode); never retryable: the same bytes would fail again.
 */
export class X3RecordError extends MlcError<'X3_RECORD_INVALID'> {
  override name = 'X3RecordError' as const;
  /** Entity name. */
  readonly entity: string;
  /** Record key, when known. */
  readonly key?: string;
  /** Path of the offending field in the normalized record. */
  readonly field: string;
  /** Why the value was rejected. */
  readonly reason: string;

  constructor(options: X3RecordErrorOptions) {
    const where = options.key === undefined ? 'record without a readable key' : `record '${options.key}'`;
    super({
      message: `Invalid ${options.entity} ${where}: field '${options.field || '(record)'}' ${options.reason}`,
      code: 'X3_RECORD_INVALID',
      kind: 'validation',
      cause: options.cause,
      details: { entity: options.entity, key: options.key, field: options.field, reason: options.reason },
    });
    this.entity = options.entity;
    if (options.key !== undefined) this.key = options.key;
    this.field = options.field;
    this.reason = options.reason;
  }
}

/** True when `error` is an {@link X3RecordError}, also one thrown by another installed copy of this package (core's brand). */
export function isX3RecordError(error: unknown): error is X3RecordError {
  return isMlcError(error, 'X3_RECORD_INVALID');
}
