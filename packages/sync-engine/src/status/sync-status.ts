import type { AlertSeverity, SyncAlert } from '../alerts/sync-alert.js';
import type { StreamCursor } from '../cursor/stream-cursor.js';
import type { Schedule } from '../definition/define-stream.js';
import type { DeadLetterStatus, StreamMode } from '../state-store/types.js';

/** Counters of a run as its audit entry recorded them. */
export interface RunCounts {
  /** Records read from the source. */
  recordsRead: number;
  /** Records the ledger found unchanged. */
  recordsUnchanged: number;
  /** Records quarantined. */
  recordsQuarantined: number;
  /** Rows posted and committed. */
  rowsPosted: number;
  /** Batches committed. */
  batches: number;
  /** Time spent waiting on sink quota. */
  throttledMs: number;
}

/** How a run ended, as {@link LastRunStatus} reports it. */
export type RunOutcome = 'started' | 'completed' | 'completed-with-quarantine' | 'stopped' | 'failed';

/** The outcome named by a `run-finished` audit message (`run <id> <status>: ...`). */
export function finishedOutcomeOf(message: string): RunOutcome {
  const status = /^run \S+ ([a-z-]+):/.exec(message)?.[1];
  return status === 'stopped' || status === 'completed-with-quarantine' ? status : 'completed';
}

/**
 * The last run of a stream, as the audit log tells it (so it is the same whichever worker ran it). `started`
 * means a `run-started` entry without its end: the run is going on, or its process died (the next run resolves
 * whatever it left open).
 */
export interface LastRunStatus {
  /** Run id (in every audit entry of the run). */
  runId: string;
  /** How it ended (`completed-with-quarantine`: completed, but records of the run were quarantined). */
  outcome: RunOutcome;
  /** Epoch ms of `run-started` (absent when the run failed before reading, e.g. in sink set-up). */
  startedAt?: number;
  /** Epoch ms of `run-finished` / `run-failed`. */
  finishedAt?: number;
  /** Counters, when the run ended. */
  counts?: RunCounts;
  /** Why it failed. */
  failure?: {
    /** Stable code. */
    code: string;
    /** Where it failed. */
    phase: string;
    /** Redacted message (from the audit entry). */
    message: string;
    /** Urgency, as the run's alert said it (absent in entries written before it was stored). */
    severity?: AlertSeverity;
    /** What to do, as the run's alert said it (absent in entries written before it was stored). */
    remedy?: string;
    /** Consecutive failed runs up to this one. */
    attempts: number;
    /** Epoch ms of the first failure of the streak. */
    since: number;
  };
}

/** A credential's expiry as last reported (`sync.credentialExpiring`, e.g. the X3 refresh token). */
export interface CredentialStatus {
  /** Which credential, e.g. `x3-refresh-token`. */
  credential: string;
  /** Epoch ms of expiry. */
  expiresAt: number;
  /** Whole days left at the time of the status (negative once expired). */
  daysLeft: number;
  /** Epoch ms of the report. */
  reportedAt: number;
}

/** What the operator needs to know about one stream, from one or two store reads. */
export interface StreamStatus {
  /** Stream. */
  stream: string;
  /** Sink table. */
  table: string;
  /** Mode. */
  mode: StreamMode;
  /** Schedule. */
  schedule: Schedule;
  /** Committed cursor, absent before the first commit. */
  cursor?: StreamCursor;
  /** How far the cursor's stamp is behind now (ms); absent without a cursor or with an unparsable stamp. */
  lagMs?: number;
  /** The last run. */
  lastRun?: LastRunStatus;
  /** Whether this instance is running the stream now (only `sync.status()` knows; the store-level read cannot). */
  running?: boolean;
  /** Epoch ms of the next scheduled run (after any backoff this instance applies); absent for manual streams. */
  nextRunAt?: number;
  /** Intents not yet committed or failed (the next run verifies them). */
  openIntents: { count: number; oldestCreatedAt?: number; batchIds: string[] };
  /** Dead letters by status. */
  deadLetters: Record<DeadLetterStatus, number>;
  /** Keys in the stream's ledger. */
  ledgerSize: number;
  /** Rows committed to the table by `rows` batches; `undefined` when the store cannot tell (see `streamTotals`). */
  rowsPosted?: number;
  /** Alerts that hold now for this stream. */
  alerts: SyncAlert[];
}

/** The operator's view of a sync (`sync.status()`, `readSyncStatus()`, `mlc status`). */
export interface SyncStatus {
  /** Epoch ms the status was read. */
  at: number;
  /** One entry per stream, in configuration order. */
  streams: StreamStatus[];
  /** Credential expiries last reported, one per credential. */
  credentials: CredentialStatus[];
  /** Every active alert (streams' and credentials'), most severe first. */
  alerts: SyncAlert[];
  /** True when no alert of severity `error` or `critical` is active. */
  healthy: boolean;
}
