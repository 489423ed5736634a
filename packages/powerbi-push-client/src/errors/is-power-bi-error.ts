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

const CODES = new Set<string>([
  'PBI_SCHEMA_INVALID',
  'PBI_ROW_INVALID',
  'PBI_OPTIONS_INVALID',
  'PBI_AUTH_FAILED',
  'PBI_TOKEN_UNAVAILABLE',
  'PBI_DATASET_DUPLICATE',
  'PBI_DATASET_NOT_PUSH',
  'PBI_TABLE_MISSING',
  'PBI_SCHEMA_UNKNOWN',
  'PBI_DATASET_CREATION_RETIRED',
  'PBI_HTTP_ERROR',
  'PBI_THROTTLED',
  'PBI_QUERY_UNAVAILABLE',
  'PBI_QUERY_FAILED',
  'PBI_QUERY_ANSWER_UNREADABLE',
  'PBI_APPEND_STOPPED',
  'PBI_TABLE_FULL',
]);

/** True for errors raised by this package (optionally with one `code`), across duplicated installs. */
export function isPowerBIError<C extends PowerBIErrorCode>(error: unknown, code?: C): error is MlcError<C> {
  return isMlcError(error) && CODES.has(error.code) && (code === undefined || error.code === code);
}
