import type { FailurePhase, SyncAlert, SyncRecovered } from '../alerts/sync-alert.js';
import type { StreamCursor } from '../cursor/stream-cursor.js';
import type { PostOutcome } from '../sink/sync-sink.js';
import type { AuditEntryInput, BatchKind } from '../state-store/types.js';
import type { StreamRunResult } from '../engine/stream-run-result.js';

/** Counts and estimate of a running stream, emitted as `progress`. */
export interface SyncProgress {
  /** Stream. */
  stream: string;
  /** Run id. */
  runId: string;
  /** Records (valid or not) read from the source. */
  recordsRead: number;
  /** Records found unchanged by the ledger. */
  recordsUnchanged: number;
  /** Records quarantined. */
  recordsQuarantined: number;
  /** Rows posted and committed. */
  rowsPosted: number;
  /** Batches committed. */
  batches: number;
  /** Time spent waiting on the sink's quota. */
  throttledMs: number;
  /** Time since the run started. */
  elapsedMs: number;
  /** Share of the `[since, until)` window read so far (0–1), when stamps allow it. */
  fraction?: number;
  /** Estimated time to the end of the read, from `fraction`. */
  etaMs?: number;
}

/** Every event the engine emits, by name. */
export interface SyncEvents {
  /** A stream run began (after its lease and open intents). */
  'run-started': { stream: string; runId: string; since?: string; until: string; cursor?: StreamCursor };
  /** A stream run ended. */
  'run-finished': { stream: string; runId: string; result: StreamRunResult };
  /**
   * A stream run failed, in whatever phase (store, sink set-up, lease, source, sink, verification); state is as
   * committed before. `attempts` counts the consecutive failed runs; `retryAt` is set while scheduled runs back
   * off (configuration and credential failures).
   */
  'run-failed': {
    stream: string;
    runId: string;
    error: unknown;
    code: string;
    phase: FailurePhase;
    since: number;
    attempts: number;
    retryAt?: number;
  };
  /** A stream that was failing completed a run again. */
  recovered: SyncRecovered;
  /** A run did not start. */
  'run-skipped': { stream: string; reason: 'already-running' | 'lease-held' | 'stopping' };
  /** A POST returned. */
  'batch-posted': { stream: string; batchId: string; table: string; rows: number; outcome: PostOutcome };
  /** A batch committed. */
  'batch-committed': { stream: string; batchId: string; kind: BatchKind; rows: number; verified: boolean };
  /** A count was read during verification. */
  'batch-verified': {
    stream: string;
    batchId: string;
    counted: number;
    expected: number;
    decision: 'commit' | 'resend' | 'quarantine' | 'wait';
  };
  /** A batch may be partly in the sink: quarantined for a human. */
  'batch-quarantined': {
    stream: string;
    batchId: string;
    counted?: number;
    expected: number;
    deadLetterId: string;
  };
  /** A batch certainly did not land. */
  'batch-failed': { stream: string; batchId: string; error: unknown; deadLetterId: string };
  /** A record was quarantined. */
  'record-quarantined': {
    stream: string;
    key?: string;
    field?: string;
    reason: string;
    stage: 'source' | 'map';
    deadLetterId: string;
  };
  /** An append-mode key changed after it was posted (not re-posted). */
  'changed-after-post': { stream: string; key: string; postedHash: string; hash: string };
  /** A replace-mode rebuild started or resumed. */
  'rebuild-started': { stream: string; batchId: string; resumed: boolean };
  /** A replace-mode rebuild finished. */
  'rebuild-finished': { stream: string; batchId: string; rows: number };
  /** The sink made us wait for quota. */
  throttled: {
    stream: string;
    /** Time waited, or (with `resumeAt`) the time the stream is parked for. */
    ms: number;
    /**
     * Set when the sink asked for a wait beyond its in-request cap: emitted at once, before the wait; the stream is
     * parked until this epoch ms (its batch intent stays valid) and resumes by itself.
     */
    resumeAt?: number;
  };
  /** A credential will expire soon. */
  'credential-expiring': { credential: string; expiresAt: number; remainingMs: number };
  /** Counts and ETA. */
  progress: SyncProgress;
  /**
   * Something needs a human: a failing stream (first failure, reminders, a new failure), a quarantined batch,
   * quarantined records above the threshold, an unverifiable outcome, an expiring credential.
   */
  alert: SyncAlert;
  /** An audit entry was written. */
  audit: AuditEntryInput;
}

/** Name of an event. */
export type SyncEventName = keyof SyncEvents;

/** A listener of one event. */
export type SyncEventListener<K extends SyncEventName> = (event: SyncEvents[K]) => void;
