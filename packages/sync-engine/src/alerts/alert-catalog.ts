import type { ClassifiedFailure } from './classify-failure.js';
import type { AlertSeverity, FailurePhase } from './sync-alert.js';

/** What the operator is told about an alert code: how urgent it is and what to do. */
export interface Advice {
  /** Urgency. */
  severity: AlertSeverity;
  /** What to do about it. */
  remedy: string;
}

/**
 * Remedies of the engine's own codes (and the stores'); the one place that advice lives. A source's or sink's codes
 * are theirs to describe (`describeFailure` of the source/sink contract): the engine knows none of them.
 */
const BY_CODE: Record<string, Advice> = {
  SYNC_SINK_MISSING: {
    severity: 'critical',
    remedy:
      "The sink's container (the table set, e.g. a dataset) was deleted. The next run creates it again and posts every record again (nothing is doubled); find out who deleted it, and point reports at the new container.",
  },
  SYNC_SINK_RECREATED: {
    severity: 'warning',
    remedy:
      "The sink's container was created again after a deletion; every record is being posted again from the source. Reports must use the new container.",
  },
  SYNC_CONFIG_INVALID: { severity: 'critical', remedy: 'Fix the configuration named in the message.' },
  SYNC_SECRET_INVALID: {
    severity: 'critical',
    remedy: 'The secret key does not open the stored secrets; restore the key the secrets were saved with.',
  },
  STORE_SCHEMA_NEWER: {
    severity: 'critical',
    remedy: 'A newer engine migrated the state store; upgrade this worker to the same version.',
  },
  STORE_UNREADABLE: {
    severity: 'critical',
    remedy: 'The state store cannot be read; check the database and restore it from a backup if needed.',
  },
  SYNC_LEASE_LOST: {
    severity: 'error',
    remedy: 'Another worker took the stream over; check that lease TTLs outlast pauses (GC, a slow store).',
  },
  SYNC_BATCH_FAILED: {
    severity: 'error',
    remedy:
      'The sink refused the batch; read its dead letter (sync.deadLetters()), fix the cause, then sync.replay().',
  },
  SYNC_BATCH_QUARANTINED: {
    severity: 'error',
    remedy:
      'A batch may be partly in the sink; check the table for its _batch id, then replay it (force) or resolve the dead letter.',
  },
  SYNC_VERIFICATION_UNAVAILABLE: {
    severity: 'critical',
    remedy:
      'The sink cannot count rows, so the outcome of a batch is unknown and nothing is resent: let the sink count (its documentation says how); the next run then verifies the batch. Or choose verification.whenUnsupported.',
  },
  SYNC_VERIFICATION_PENDING: {
    severity: 'warning',
    remedy: 'Row counts have not settled yet; the next run verifies the batch again.',
  },
  SYNC_COUNT_UNREADABLE: {
    severity: 'error',
    remedy:
      'The sink answered the batch count without a count (malformed or failed executeQueries answer); nothing was resent. The next run verifies again; if it persists, check the dataset and executeQueries.',
  },
  SYNC_SKIPPED_UNVERIFIED: {
    severity: 'error',
    remedy: 'Rows of the batch may be missing in the sink; compare counts and replay the batch if needed.',
  },
  SYNC_DUPLICATE_RISK: {
    severity: 'warning',
    remedy:
      'Rows of the batch may be in the sink twice; deduplicate on the _batch column if counts disagree.',
  },
  SYNC_REBUILD_RESTARTED: {
    severity: 'warning',
    remedy: 'The rebuild starts over from an empty table; nothing to do unless it keeps happening.',
  },
  SYNC_CREDENTIAL_EXPIRING: {
    severity: 'warning',
    remedy: 'Renew the credential before it expires (for X3 OAuth2: run the consent again).',
  },
  SYNC_STREAM_QUARANTINED: {
    severity: 'critical',
    remedy:
      'Every record of the run was quarantined: the mapping or the table schema is wrong. Fix it; with a new stream version the parked records are replayed by themselves.',
  },
  SYNC_DEAD_LETTERS_OPEN: {
    severity: 'warning',
    remedy:
      'Records or batches are parked; read them (mlc dead-letters list / sync.deadLetters()), fix the cause, then replay or discard them.',
  },
  SYNC_QUARANTINE_THRESHOLD: {
    severity: 'error',
    remedy:
      'Many records were quarantined; read the first reason and sync.deadLetters(), fix the data or the mapping, then replay.',
  },
};

/** Remedies by phase when the code has no entry of its own. */
const BY_PHASE: Record<FailurePhase, Advice> = {
  configuration: { severity: 'critical', remedy: 'Fix the configuration named in the message.' },
  credentials: {
    severity: 'critical',
    remedy:
      'Check the credentials and the permissions of the account named in the message; runs back off meanwhile.',
  },
  store: {
    severity: 'critical',
    remedy: 'The state store is unreachable or failing; check the database (connection, disk, permissions).',
  },
  'sink-setup': {
    severity: 'error',
    remedy: 'The sink tables could not be set up; check the workspace, its permissions and the message.',
  },
  lease: { severity: 'error', remedy: 'Check the store and the other workers sharing it.' },
  source: {
    severity: 'error',
    remedy: 'Check that the source is reachable and answers as expected.',
  },
  sink: {
    severity: 'error',
    remedy: 'Check that the sink is reachable and its tables still exist.',
  },
  verification: {
    severity: 'error',
    remedy: 'The outcome of a batch could not be verified; the next run retries.',
  },
  quarantine: {
    severity: 'error',
    remedy: 'Read the dead letters (sync.deadLetters()), fix the cause, then replay.',
  },
  run: { severity: 'error', remedy: 'Read the message; the next scheduled run tries again.' },
};

/**
 * The remedy a failure carries itself (`details.remedy` of an `MlcError`, e.g. the Power BI client's advice for a
 * full table): the source or sink knows its own system better than this catalogue, so it wins over the entry.
 */
export function remedyCarriedBy(error: unknown): string | undefined {
  const remedy = (error as { details?: { remedy?: unknown } } | null)?.details?.remedy;
  return typeof remedy === 'string' && remedy !== '' ? remedy : undefined;
}

/** Severity and remedy of an alert code (falling back to its phase). */
export function alertAdvice(code: string, phase?: FailurePhase): Advice {
  return BY_CODE[code] ?? BY_PHASE[phase ?? 'run'];
}

/**
 * Severity and remedy of a failed run, computed once when it fails: the alert says it, and the `run-failed` audit
 * entry stores it, so `readSyncStatus` (another process, later) tells the operator the same words. A remedy the
 * error carries wins, then the description of the source or sink that claimed the error, then this catalogue.
 */
export function failureAdvice(error: unknown, failure: ClassifiedFailure): Advice {
  const advice = alertAdvice(failure.code, failure.phase);
  return {
    severity: failure.description?.severity ?? advice.severity,
    remedy: remedyCarriedBy(error) ?? failure.description?.remedy ?? advice.remedy,
  };
}
