import type { StreamCursor } from '../cursor/stream-cursor.js';

/** What one stream run did. */
export interface StreamRunResult {
  /** Stream. */
  stream: string;
  /** Run id (also in audit entries). */
  runId: string;
  /**
   * `completed`, `completed-with-quarantine` (completed, but records of this run were quarantined: see
   * `sync.deadLetters()`), `skipped` (busy / stopping), or `stopped` (a graceful stop ended the read early).
   */
  status: 'completed' | 'completed-with-quarantine' | 'skipped' | 'stopped';
  /** Why it was skipped. */
  skippedReason?: 'already-running' | 'lease-held' | 'stopping';
  /** Records read from the source. */
  recordsRead: number;
  /** Records the ledger found unchanged. */
  recordsUnchanged: number;
  /** Records quarantined in this run. */
  recordsQuarantined: number;
  /** Rows posted and committed (including rebuild rows). */
  rowsPosted: number;
  /** Batches committed (rows, state, snapshot and rebuild). */
  batches: number;
  /** Open intents resolved before reading. */
  intentsResolved: number;
  /** Whether a `replace` rebuild ran. */
  rebuilt: boolean;
  /** Cursor before and after. */
  cursorBefore?: StreamCursor;
  /** Cursor after. */
  cursorAfter?: StreamCursor;
  /** `until` bound of the read (ISO UTC). */
  until?: string;
  /** Time spent waiting on sink quota. */
  throttledMs: number;
  /**
   * Time the run waited for nothing but batches whose POST outcome was unknown (a dropped answer, a 5xx, a crash) to
   * settle: a zero count is trusted only `verification.settleMs` after the POST and a second read `recheckMs` later.
   * The run posts on meanwhile, so this is only the wait that nothing else overlapped (mostly at the end of the run).
   */
  settleWaitMs: number;
  /** Duration. */
  elapsedMs: number;
}
