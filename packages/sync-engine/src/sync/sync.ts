import type { ReplayResult } from '../engine/replay-dead-letters.js';
import type { StreamRunResult } from '../engine/stream-run-result.js';
import type { SyncEventListener, SyncEventName } from '../events/sync-events.js';
import type { SecretTokenStore } from '../secrets/secret-token-store.js';
import type { SyncStatus } from '../status/sync-status.js';
import type { AuditEntry, AuditQuery, DeadLetter, DeadLetterQuery } from '../state-store/types.js';

/** Options of {@link Sync.replay}. */
export interface ReplayOptions {
  /** Only this stream. @default all streams */
  stream?: string;
  /** Only these dead letters. @default every open one */
  ids?: string[];
  /** Replay batches that may be partly in the sink (their rows are re-posted as they are). @default false */
  force?: boolean;
}

/** A credential-expiry notice (e.g. from the X3 OAuth2 strategy's `onRefreshTokenExpiring`). */
export interface CredentialExpiring {
  /** Which credential, e.g. `x3-refresh-token`. */
  credential: string;
  /** Epoch ms of expiry. */
  expiresAt: number;
  /** Time left. */
  remainingMs: number;
}

/** A running sync: the composition API for host apps. */
export interface Sync {
  /** Stream names. */
  readonly streams: readonly string[];
  /** Opens the store (checks its schema version) and ensures sink tables. Called by every run. */
  ready(): Promise<void>;
  /** Runs every stream once, one after the other; a failing stream does not stop the others. */
  run(options?: {
    signal?: AbortSignal;
  }): Promise<Array<StreamRunResult | { stream: string; error: unknown }>>;
  /** Runs one stream once (skipped, not queued, when it is already running here or under another lease). */
  runStream(name: string, options?: { signal?: AbortSignal }): Promise<StreamRunResult>;
  /** Whether a run of `stream` (or of any stream) is in flight in this instance (health checks). */
  isRunning(stream?: string): boolean;
  /** Starts the schedules of streams whose schedule is not `manual`. */
  start(): void;
  /**
   * Stops schedules and in-flight runs gracefully: a batch already posting finishes (committed or left as an
   * open intent that the next run verifies), no new batch starts. After `timeoutMs` in-flight requests are
   * aborted; their intents stay open. Nothing is lost or duplicated either way.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /** Replays dead letters (after a fix); audited. */
  replay(options?: ReplayOptions): Promise<ReplayResult>;
  /**
   * Discards open dead letters (a human decided they need no replay): marked `discarded` under their stream's
   * lease, one `discarded` audit entry per letter with `reason`. Returns the ids discarded; ids that are unknown or
   * not open are left alone. `SYNC_STREAM_BUSY` when a stream is running elsewhere.
   */
  discard(ids: readonly string[], options?: { reason?: string }): Promise<string[]>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends SyncEventName>(event: K, listener: SyncEventListener<K>): () => void;
  /**
   * The operator's view (cursor and lag, last run, next run, open intents, dead letters, ledger size, rows
   * posted, credential expiry, active alerts) from the store alone: no source or sink call. Adds what only this
   * instance knows: whether a stream is running here and the backoff of its next scheduled run.
   */
  status(options?: { credentialWarningDays?: number }): Promise<SyncStatus>;
  /** Lists dead letters. */
  deadLetters(query?: DeadLetterQuery): Promise<DeadLetter[]>;
  /** Reads the audit log. */
  auditLog(query?: AuditQuery): Promise<AuditEntry[]>;
  /** A token store for the X3 OAuth2 strategy, encrypted with `secretKey`. @param slot @default 'x3.refreshToken' */
  tokenStore(slot?: string): SecretTokenStore;
  /** Reports an expiring credential: event, alert and audit entry. */
  credentialExpiring(notice: CredentialExpiring): Promise<void>;
  /**
   * Stops (see {@link Sync.stop}) and closes the store, releasing its connections: after `stop()` then
   * `close()` the sync holds no timer, socket or pool, so a service's process ends by itself.
   */
  close(): Promise<void>;
  /** `await using sync = createSync(...)` closes it at the end of the scope (same as {@link Sync.close}). */
  [Symbol.asyncDispose](): Promise<void>;
}
