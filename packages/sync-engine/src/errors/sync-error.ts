import { type FailureKind, MlcError, isMlcError } from '@mlc/core';

/** Stable codes of {@link SyncError}. */
export type SyncErrorCode =
  | 'SYNC_CONFIG_INVALID'
  | 'SYNC_STREAM_UNKNOWN'
  | 'SYNC_STREAM_BUSY'
  | 'SYNC_LEASE_LOST'
  | 'SYNC_BATCH_FAILED'
  | 'SYNC_BATCH_QUARANTINED'
  | 'SYNC_VERIFICATION_UNAVAILABLE'
  | 'SYNC_VERIFICATION_PENDING'
  /** Verification read no count (malformed answer, failed query): outcome unknown, intent left open. */
  | 'SYNC_COUNT_UNREADABLE'
  | 'SYNC_STOPPED'
  | 'SYNC_SECRET_INVALID'
  | 'SYNC_REPLAY_REFUSED'
  /** A source's `keys()` was not strictly ascending (UTF-16): delete reconciliation stopped, nothing deleted. */
  | 'SYNC_SOURCE_KEYS_UNORDERED'
  /** The sink's container (the Power BI dataset) no longer exists: deleted under the sync. */
  | 'SYNC_SINK_MISSING';

/** Fields every {@link SyncError} is built from. */
export interface SyncErrorInit {
  /** Human-readable message (never contains secrets). */
  message: string;
  /** Stable machine code. */
  code: SyncErrorCode;
  /** Failure class. @default 'client' */
  kind?: FailureKind;
  /** Whether running again later may succeed. @default by kind */
  retryable?: boolean;
  /** Stream the failure belongs to. */
  stream?: string;
  /** Batch the failure belongs to. */
  batchId?: string;
  /** The underlying error. */
  cause?: unknown;
}

/** Errors raised by the sync engine itself (not by the store, the source or the sink). */
export class SyncError extends MlcError<SyncErrorCode> {
  /** Literal name. */
  override name = 'SyncError';
  /** Stream the failure belongs to. */
  readonly stream?: string;
  /** Batch the failure belongs to. */
  readonly batchId?: string;

  /** Builds the error from one init object. */
  constructor(init: SyncErrorInit) {
    super({
      message: init.message,
      code: init.code,
      kind: init.kind ?? 'client',
      ...(init.cause !== undefined ? { cause: init.cause } : {}),
      ...(init.retryable !== undefined ? { retryable: init.retryable } : {}),
      details: { stream: init.stream, batchId: init.batchId },
    });
    if (init.stream !== undefined) this.stream = init.stream;
    if (init.batchId !== undefined) this.batchId = init.batchId;
  }
}

/** Every code of {@link SyncError}: the compiler checks the list is complete. */
const SYNC_ERROR_CODES = Object.keys({
  SYNC_CONFIG_INVALID: true,
  SYNC_STREAM_UNKNOWN: true,
  SYNC_STREAM_BUSY: true,
  SYNC_LEASE_LOST: true,
  SYNC_BATCH_FAILED: true,
  SYNC_BATCH_QUARANTINED: true,
  SYNC_VERIFICATION_UNAVAILABLE: true,
  SYNC_VERIFICATION_PENDING: true,
  SYNC_COUNT_UNREADABLE: true,
  SYNC_STOPPED: true,
  SYNC_SECRET_INVALID: true,
  SYNC_REPLAY_REFUSED: true,
  SYNC_SOURCE_KEYS_UNORDERED: true,
  SYNC_SINK_MISSING: true,
} satisfies Record<SyncErrorCode, true>) as SyncErrorCode[];

/** True when `error` is a {@link SyncError} (optionally with the given code). */
export function isSyncError(error: unknown, code?: SyncErrorCode): error is SyncError {
  // Core's brand and the code, not `instanceof`: the ESM/CJS builds and the `/testing` entry may hold separate copies.
  return isMlcError<SyncErrorCode>(error, code ?? SYNC_ERROR_CODES);
}
