/** How urgent an alert is: `critical` means no stream can make progress until a human acts. */
export type AlertSeverity = 'info' | 'warning' | 'error' | 'critical';

/**
 * Where a failure happened. `configuration` and `credentials` failures do not heal by themselves, so scheduled
 * runs back off exponentially while they last.
 */
export type FailurePhase =
  | 'configuration'
  | 'credentials'
  | 'store'
  | 'sink-setup'
  | 'lease'
  | 'source'
  | 'sink'
  | 'verification'
  | 'quarantine'
  | 'run';

/**
 * Something needs a human: emitted as the `alert` event and logged at `warn` (`error` for `critical`).
 * Failing runs alert on changes of state only: the first failure, a reminder every `alerts.reminderMs` while
 * it lasts, and a different failure code; the end of a failure is the `recovered` event.
 */
export interface SyncAlert {
  /** Stable machine code: the failure's own code (`PBI_AUTH_FAILED`, `STORE_UNREADABLE`, ...) or a `SYNC_*` one. */
  code: string;
  /** Urgency. */
  severity: AlertSeverity;
  /** What happened (redacted: never a secret). */
  message: string;
  /** What to do about it. */
  remedy: string;
  /** Where it happened. */
  phase?: FailurePhase;
  /** Stream, when the alert is about one. */
  stream?: string;
  /** Batch, when the alert is about one. */
  batchId?: string;
  /** Epoch ms when this state began (the first failure of a streak; the event itself for one-off alerts). */
  since: number;
  /** Consecutive failed runs so far (1 for one-off alerts). */
  attempts: number;
  /** True when this repeats an alert already raised for the same ongoing failure. */
  reminder: boolean;
  /** Epoch ms of the next scheduled attempt when runs are backing off. */
  retryAt?: number;
  /** Structured facts (counts, the first reason, ...). */
  data?: Record<string, unknown>;
}

/** What engine code passes to raise an alert; severity and remedy default from the code's catalogue entry. */
export type SyncAlertInput = Omit<SyncAlert, 'severity' | 'remedy' | 'since' | 'attempts' | 'reminder'> &
  Partial<Pick<SyncAlert, 'severity' | 'remedy' | 'since' | 'attempts' | 'reminder'>>;

/** A stream that was failing ran successfully again (the `recovered` event). */
export interface SyncRecovered {
  /** Stream. */
  stream: string;
  /** Run id of the successful run. */
  runId: string;
  /** Code of the failure that ended. */
  code: string;
  /** Epoch ms of the first failure of the streak. */
  since: number;
  /** Failed runs in the streak. */
  attempts: number;
  /** How long the stream was failing. */
  downMs: number;
}
