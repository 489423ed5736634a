// Public surface of @mlc/powerbi-push-client. Every export is named; internals stay unexported.

export type { PowerBILimits } from './limits.js';
export { POWER_BI_LIMITS } from './limits.js';
export type { FollowTrustedRedirectsOptions } from './client/follow-trusted-redirects.js';
export { POWER_BI_REDIRECT_HOSTS, followTrustedRedirects } from './client/follow-trusted-redirects.js';

export type {
  AnyDatasetSchema,
  ColumnDefinition,
  ColumnSpec,
  ColumnValueTypes,
  DatasetDefinition,
  DatasetSchema,
  MeasureDefinition,
  PowerBIDataType,
  RelationshipDefinition,
  ResolvedColumn,
  ResolvedTable,
  RetentionPolicy,
  RowOf,
  RowOfTable,
  RowsByTable,
  SummarizeBy,
  TableDefinition,
  TableNameOf,
} from './schema/schema-types.js';
export { BATCH_COLUMN, POWER_BI_DATA_TYPES } from './schema/schema-types.js';
export { defineDataset } from './schema/define-dataset.js';
export type { ApiColumn, ApiCreateDatasetRequest, ApiTable } from './schema/to-api-dataset.js';
export { toApiCreateDataset, toApiTable } from './schema/to-api-dataset.js';

export type { EncodeRowOptions } from './rows/encode-row.js';
export { encodeRow } from './rows/encode-row.js';
export type {
  CheckValueOptions,
  CheckedColumn,
  CheckedValue,
  RowCheck,
  ValueCheck,
} from './rows/check-value.js';
export { checkRow, checkValue, literalOf } from './rows/check-value.js';
export type { PlanLimits, PlannedRequest } from './rows/plan-requests.js';
export { planRequests } from './rows/plan-requests.js';

export type { PacingOptions, ResolvedPacing } from './pacing/pacing-options.js';
export { resolvePacingOptions } from './pacing/pacing-options.js';
export type { PacerStats } from './pacing/dataset-pacer.js';
export { DatasetPacer } from './pacing/dataset-pacer.js';

export type {
  TokenCredential,
  TokenCredentialAccessToken,
  TokenCredentialGetTokenOptions,
} from './auth/token-credential.js';
export type { CredentialDefaults, EntraCredentialOptions } from './auth/entra-credential.js';
export { DEFAULT_AUTHORITY_HOST, EntraCredential } from './auth/entra-credential.js';
export type { ClientSecretCredentialOptions } from './auth/client-secret-credential.js';
export { ClientSecretCredential, clientSecretCredential } from './auth/client-secret-credential.js';
export type { ClientCertificateCredentialOptions } from './auth/client-certificate-credential.js';
export {
  ClientCertificateCredential,
  clientCertificateCredential,
} from './auth/client-certificate-credential.js';
export type {
  ClientAssertionAlgorithm,
  ClientAssertionOptions,
  ParsedCertificate,
} from './auth/build-client-assertion.js';
export { buildClientAssertion, parseCertificate } from './auth/build-client-assertion.js';

export { AADSTS_HINTS, OAUTH_ERROR_HINTS, authRemedyHint } from './errors/aadsts-hints.js';
export type { PowerBIAuthCode, PowerBIAuthFacts } from './errors/power-bi-auth-error.js';
export { PowerBIAuthError } from './errors/power-bi-auth-error.js';
export type { PbiErrorDetails, PowerBIHttpFacts } from './errors/power-bi-http-error.js';
export { PowerBIHttpError, PowerBIThrottledError } from './errors/power-bi-http-error.js';
export {
  PowerBIQueryAnswerError,
  PowerBIQueryError,
  PowerBIQueryUnavailableError,
} from './errors/power-bi-query-error.js';
export type { PowerBIDatasetCode } from './errors/power-bi-dataset-error.js';
export { PowerBIDatasetError } from './errors/power-bi-dataset-error.js';
export type { TableCapacityFacts } from './errors/power-bi-table-full-error.js';
export { PowerBITableFullError, TABLE_CAPACITY_REMEDY } from './errors/power-bi-table-full-error.js';
export type {
  PowerBIValidationCode,
  PowerBIValidationFacts,
} from './errors/power-bi-validation-error.js';
export { PowerBIValidationError } from './errors/power-bi-validation-error.js';
export type { PowerBIErrorCode } from './errors/is-power-bi-error.js';
export { isPowerBIError } from './errors/is-power-bi-error.js';

export type { DaxComparable } from './dax/dax-queries.js';
export {
  countGroupedByQuery,
  countRowsQuery,
  countWhereQuery,
  daxColumn,
  daxLiteral,
  daxTable,
} from './dax/dax-queries.js';

export type {
  DatasetInfo,
  DuplicateDatasetPolicy,
  PowerBIClientOptions,
  ResolvedPowerBIClientOptions,
  ThrottleEvent,
} from './client/power-bi-client-options.js';
export {
  DEFAULT_API_BASE,
  DEFAULT_POWER_BI_SCOPE,
  resolvePowerBIClientOptions,
} from './client/power-bi-client-options.js';
export type {
  EnsureDatasetOptions,
  EnsureDatasetReport,
  FindEnsuredDatasetOptions,
  KnownTableDefinitions,
} from './client/ensure-dataset.js';
export { tableFingerprint } from './client/table-fingerprint.js';
export type {
  AppendOptions,
  AppendRequestResult,
  AppendResult,
  TableCapacity,
} from './client/append-rows.js';
/** Core's one answer to "could this request have landed?", re-exported for the append results that carry it. */
export type { RequestOutcome } from '@mlc/core';
export type { PushTable, SignalOptions } from './client/push-table.js';
export type { EnsuredDataset, PowerBIClient, TableOptions } from './client/create-power-bi-client.js';
export { createPowerBIClient } from './client/create-power-bi-client.js';
