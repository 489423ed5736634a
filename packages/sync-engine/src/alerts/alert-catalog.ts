import type { AlertSeverity, FailurePhase } from './sync-alert.js';

const TABLE_FALLBACK_REMEDY =
  'The table is at or near its row cap: make room (split the data, keep a rolling window, or write to a new table); the message says how.';

/** What the operator is told about an alert code: how urgent it is and what to do. */
export interface Advice {
  /** Urgency. */
  severity: AlertSeverity;
  /** What to do about it. */
  remedy: string;
}

/** Remedies by stable code; the one place operators' advice lives. */
const BY_CODE: Record<string, Advice> = {
  PBI_AUTH_FAILED: {
    severity: 'critical',
    remedy:
      'Check the Entra tenant id, client id and client secret (the AADSTS code in the message names the cause); rotate an expired secret.',
  },
  PBI_NOT_AUTHORIZED: {
    severity: 'critical',
    remedy:
      'Power BI refuses the service principal: a Fabric/Power BI admin must enable the tenant setting "Service principals can use Fabric APIs" (formerly "Allow service principals to use Power BI APIs") for a security group containing it, and it must be a Member or Admin of the workspace. Tenant setting changes take 15–30 minutes.',
  },
  PBI_TOKEN_UNAVAILABLE: {
    severity: 'error',
    remedy: 'The Entra token endpoint is unreachable; check network access to login.microsoftonline.com.',
  },
  PBI_DATASET_NOT_PUSH: {
    severity: 'critical',
    remedy: 'The dataset name is taken by a non-push dataset; choose another dataset name or remove it.',
  },
  PBI_DATASET_DUPLICATE: {
    severity: 'critical',
    remedy:
      'Several datasets share the name; delete the extra ones in the workspace, keeping the one with data.',
  },
  // The Power BI client's error message and the sink's alert carry the full advice (TABLE_CAPACITY_REMEDY of
  // @mlc/powerbi-push-client); the engine knows no sink, so this is the fallback only.
  PBI_TABLE_FULL: { severity: 'critical', remedy: TABLE_FALLBACK_REMEDY },
  PBI_TABLE_NEARLY_FULL: { severity: 'warning', remedy: TABLE_FALLBACK_REMEDY },
  PBI_TABLE_MISSING: {
    severity: 'error',
    remedy: 'A table of the dataset is missing; the next run recreates it, check who deletes it.',
  },
  SYNC_SINK_MISSING: {
    severity: 'critical',
    remedy:
      'The Power BI dataset was deleted in the workspace. The next run creates it again and posts every record again (nothing is doubled); find out who deleted it, and point reports at the new dataset.',
  },
  SYNC_SINK_RECREATED: {
    severity: 'warning',
    remedy:
      'The dataset was created again after a deletion; every record is being posted again from the source. Reports must use the new dataset.',
  },
  X3_AUTH_REJECTED: {
    severity: 'critical',
    remedy:
      'Sage X3 refused the credentials; check the user and password (or OAuth2 client) of the X3 source.',
  },
  X3_REFRESH_TOKEN_INVALID: {
    severity: 'critical',
    remedy:
      'The X3 refresh token is invalid or expired; run the OAuth2 consent again and store the new token.',
  },
  X3_REFRESH_TOKEN_MISSING: {
    severity: 'critical',
    remedy:
      'No X3 refresh token is stored; run the OAuth2 consent and save the token with sync.tokenStore().',
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
      'The sink cannot count rows, so the outcome of a batch is unknown and nothing is resent: a Power BI admin must enable the tenant setting "Dataset Execute Queries REST API" (the principal also needs Read and Build on the dataset); the next run then verifies the batch. Or choose verification.whenUnsupported.',
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
    remedy: 'Check that the source (Sage X3) is reachable and answers as expected.',
  },
  sink: {
    severity: 'error',
    remedy: 'Check that the sink (Power BI) is reachable and the dataset still exists.',
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
 * entry stores it, so `readSyncStatus` (another process, later) tells the operator the same words.
 */
export function failureAdvice(error: unknown, code: string, phase: FailurePhase): Advice {
  const advice = alertAdvice(code, phase);
  const carried = remedyCarriedBy(error);
  return carried ? { ...advice, remedy: carried } : advice;
}
