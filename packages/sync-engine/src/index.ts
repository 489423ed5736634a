// Public surface of @mlc/sync-engine. Every export is named; internals stay unexported.

// Composition API
export type { CredentialExpiring, ReplayOptions, Sync } from './sync/create-sync.js';
export { createSync } from './sync/create-sync.js';
export type {
  AlertOptions,
  ResolvedSyncOptions,
  StreamDefaults,
  SyncOptions,
} from './sync/resolve-sync-options.js';
export { resolveSyncOptions } from './sync/resolve-sync-options.js';
export type { ReplayResult } from './engine/replay-dead-letters.js';
export type { StreamRunResult } from './engine/stream-run-result.js';
export type { ProtocolStep, SyncHooks } from './engine/engine-context.js';

// Operator read API
export type {
  CredentialStatus,
  LastRunStatus,
  RunCounts,
  RunOutcome,
  StreamStatus,
  SyncStatus,
} from './status/sync-status.js';
export { finishedOutcomeOf } from './status/sync-status.js';
export type { ReadSyncStatusOptions, StatusStream } from './status/read-sync-status.js';
export { readSyncStatus } from './status/read-sync-status.js';
export { latestAudit } from './status/latest-audit.js';
export type { RecentRunsQuery, RunSummary } from './status/recent-runs.js';
export { readRecentRuns, runsOf } from './status/recent-runs.js';
export type { AuditSearch } from './status/search-audit.js';
export { searchAudit } from './status/search-audit.js';
export type { StreamTotalsRead } from './status/stream-totals.js';
export { streamTotalsOf } from './status/stream-totals.js';

// Streams
export type {
  MapContext,
  Schedule,
  StreamDefinition,
  StreamMapper,
  UnverifiablePolicy,
  VerificationOptions,
} from './stream/define-stream.js';
export { defineStream } from './stream/define-stream.js';
export type { MappedRow, MappedValue, NormalizeRowOptions } from './stream/row-validation.js';
export { MAX_STRING_LENGTH, normalizeRow } from './stream/row-validation.js';

// Source and sink contracts
export type {
  SourceInvalidRecord,
  SourceItem,
  SourceReadRequest,
  SourceRecord,
  SyncSource,
} from './source/sync-source.js';
export type {
  PostOutcome,
  PostResult,
  RowCheckRequest,
  SinkAlert,
  RowCheckResult,
  SinkColumnType,
  SinkTable,
  SyncSink,
} from './sink/sync-sink.js';
export { checkRowByTypes } from './sink/check-row-by-types.js';
export { isSinkSetupLost, markSinkSetupLost } from './sink/sink-setup-lost.js';

// Cursor and ledger helpers
export type { ParsedStamp } from './cursor/stamp.js';
export { compareStamps, formatInstant, parseStamp, stampToEpochMs } from './cursor/stamp.js';
export type { StreamCursor } from './cursor/stream-cursor.js';
export { compareCursors, maxCursor } from './cursor/stream-cursor.js';
export { canonicalJson, contentHash } from './ledger/content-hash.js';

// State store contract and the in-memory store
export type { StateStore } from './store/state-store.js';
// The shared-quota shapes of StateStore.reserveQuota / updateQuota (defined in @mlc/core, where the pacer uses them).
export type { QuotaAnswer, QuotaRequest, QuotaStore, QuotaUpdate, QuotaWindow } from '@mlc/core';
export type {
  AuditEntry,
  AuditEntryInput,
  AuditQuery,
  AuditType,
  BatchCommitOptions,
  BatchFailOptions,
  BatchFailure,
  BatchIntent,
  BatchIntentPatch,
  BatchKind,
  BatchStatus,
  DeadLetter,
  DeadLetterQuery,
  DeadLetterStatus,
  Fence,
  Lease,
  LeaseRequest,
  LedgerEntry,
  LedgerWrite,
  RebuildProgress,
  Row,
  RowValue,
  StreamMode,
  StreamTotals,
} from './store/types.js';
export { STATE_STORE_SCHEMA_VERSION } from './store/types.js';
export type { StateStoreErrorCode, StateStoreErrorInit } from './store/state-store-error.js';
export { StateStoreError, isStateStoreError } from './store/state-store-error.js';
export type {
  MemoryQuotaScope,
  MemoryStateStorage,
  MemoryStateStoreOptions,
} from './store/memory-state-store.js';
export { MemoryStateStore, createMemoryStateStorage } from './store/memory-state-store.js';

// Errors
export type { SyncErrorCode, SyncErrorInit } from './errors/sync-error.js';
export { SyncError, isSyncError } from './errors/sync-error.js';
export type { RecordErrorCode, RecordErrorInit, RecordErrorStage } from './errors/record-error.js';
export { RecordError, isRecordError } from './errors/record-error.js';

// Events and observability
export type {
  AlertSeverity,
  FailurePhase,
  SyncAlert,
  SyncAlertInput,
  SyncRecovered,
} from './alerts/sync-alert.js';
export type { SyncEventListener, SyncEventName, SyncEvents, SyncProgress } from './events/sync-events.js';

// Secrets
export type { SecretKey } from './secrets/secret-box.js';
export { SecretBox } from './secrets/secret-box.js';
export type { SecretTokenStore, StoredRefreshToken } from './secrets/secret-token-store.js';
export { createSecretTokenStore } from './secrets/secret-token-store.js';

// Scheduling
export { compileSchedule } from './scheduler/next-run-at.js';

// Adapters to the Sage X3 and Power BI clients
export type { X3SourceOptions } from './adapters/x3-source.js';
export { fromX3Change, x3Source } from './adapters/x3-source.js';
export type { PowerBISinkOptions, ThrottleMeter } from './adapters/powerbi-sink.js';
export { createThrottleMeter, datasetForTables, powerBISink } from './adapters/powerbi-sink.js';

// Ready-made streams for the six built-in X3 entities
export type { X3ClientWith, X3StreamOverrides } from './streams/x3-stream-options.js';
export { x3Stream } from './streams/x3-stream-options.js';
export type { X3ClientWithBuiltIns, X3StreamsOptions } from './streams/x3-streams.js';
export { datasetForStreams, postedTableOf, x3Streams } from './streams/x3-streams.js';
export { GL_ACCOUNTS_TABLE, glAccountsStream, mapGlAccount } from './streams/gl-accounts-stream.js';
export {
  GL_ENTRY_LINES_TABLE,
  glEntryLinesStream,
  mapGlEntryLines,
} from './streams/gl-entry-lines-stream.js';
export { SUPPLIERS_TABLE, mapSupplier, suppliersStream } from './streams/suppliers-stream.js';
export { PRODUCTS_TABLE, mapProduct, productsStream } from './streams/products-stream.js';
export {
  PURCHASE_ORDER_LINES_TABLE,
  mapPurchaseOrderLines,
  purchaseOrdersStream,
} from './streams/purchase-orders-stream.js';
export {
  SALES_INVOICE_LINES_TABLE,
  mapSalesInvoiceLines,
  salesInvoicesStream,
} from './streams/sales-invoices-stream.js';
