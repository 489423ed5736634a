import { type MlcError, isMlcError } from '@mlc/core';
import type { PowerBIAuthCode } from './power-bi-auth-error.js';
import type { PowerBIDatasetCode } from './power-bi-dataset-error.js';
import type { PowerBIValidationCode } from './power-bi-validation-error.js';

/** Every error code this package raises. */
export type PowerBIErrorCode =
  | PowerBIValidationCode
  | PowerBIAuthCode
  | PowerBIDatasetCode
  | 'PBI_HTTP_ERROR'
  | 'PBI_THROTTLED'
  | 'PBI_QUERY_UNAVAILABLE'
  | 'PBI_QUERY_FAILED'
  | 'PBI_QUERY_ANSWER_UNREADABLE'
  | 'PBI_APPEND_STOPPED'
  | 'PBI_TABLE_FULL';

/** Every code of this package: the compiler checks the list is complete. */
const CODES = Object.keys({
  PBI_SCHEMA_INVALID: true,
  PBI_ROW_INVALID: true,
  PBI_OPTIONS_INVALID: true,
  PBI_AUTH_FAILED: true,
  PBI_TOKEN_UNAVAILABLE: true,
  PBI_DATASET_DUPLICATE: true,
  PBI_DATASET_NOT_PUSH: true,
  PBI_TABLE_MISSING: true,
  PBI_SCHEMA_UNKNOWN: true,
  PBI_DATASET_CREATION_RETIRED: true,
  PBI_HTTP_ERROR: true,
  PBI_THROTTLED: true,
  PBI_QUERY_UNAVAILABLE: true,
  PBI_QUERY_FAILED: true,
  PBI_QUERY_ANSWER_UNREADABLE: true,
  PBI_APPEND_STOPPED: true,
  PBI_TABLE_FULL: true,
} satisfies Record<PowerBIErrorCode, true>) as PowerBIErrorCode[];

/**
 * True for errors raised by this package (optionally with one `code`), also ones thrown by another installed copy
 * of it: core's `isMlcError` brand, then the code.
 */
export function isPowerBIError<C extends PowerBIErrorCode>(error: unknown, code?: C): error is MlcError<C> {
  return isMlcError<C>(error, code ?? (CODES as C[]));
}
