// Public surface of @mlc/sync-engine. Every export is named; internals stay unexported. The engine knows only its
// contracts (SyncSource, SyncSink, StateStore): nothing here loads a Sage X3 or Power BI client. The X3 source and
// streams are `@mlc/sync-engine/sage-x3`, the Power BI sink `@mlc/sync-engine/powerbi`
// (test/entry-import-graph.test.ts keeps it so).

// Composition API
export type { CredentialExpiring, ReplayOptions, Sync } from './sync/sync.js';
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
} from './definition/define-stream.js';
export { defineStream } from './definition/define-stream.js';
export type { MappedRow, MappedValue, NormalizeRowOptions } from './definition/row-validation.js';
export { normalizeRow } from './definition/row-validation.js';
export { postedTableOf } from './definition/posted-table.js';

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
  SinkSetupNote,
  SinkTable,
  SyncSink,
} from './sink/sync-sink.js';
export { checkRowByTypes } from './sink/check-row-by-types.js';
export { isSinkSetupLost, markSinkSetupLost } from './sink/sink-setup-lost.js';

// Cursor and ledger helpers
export type { ParsedStamp } from './cursor/stamp.js';
export { compareStamps, formatInstant, parseStamp } from './cursor/stamp.js';
export type { StreamCursor } from './cursor/stream-cursor.js';
export { compareCursors } from './cursor/stream-cursor.js';
export { canonicalJson, contentHash } from './ledger/content-hash.js';

// State store contract and the in-memory store
export type { StateStore } from './state-store/state-store.js';
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
} from './state-store/types.js';
export { STATE_STORE_SCHEMA_VERSION } from './state-store/types.js';
export type { StateStoreErrorCode, StateStoreErrorInit } from './state-store/state-store-error.js';
export { StateStoreError, isStateStoreError } from './state-store/state-store-error.js';
export type {
  MemoryQuotaScope,
  MemoryStateStorage,
  MemoryStateStoreOptions,
} from './state-store/memory-state-store.js';
export { MemoryStateStore, createMemoryStateStorage } from './state-store/memory-state-store.js';

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
export type { FailureDescription } from './alerts/failure-description.js';
export type { SyncEventListener, SyncEventName, SyncEvents, SyncProgress } from './events/sync-events.js';

// Secrets
export type { SecretKey } from './secrets/secret-box.js';
export { SecretBox } from './secrets/secret-box.js';
export type { SecretTokenStore, StoredRefreshToken } from './secrets/secret-token-store.js';
export { createSecretTokenStore } from './secrets/secret-token-store.js';

// Scheduling
export { compileSchedule } from './scheduler/next-run-at.js';
