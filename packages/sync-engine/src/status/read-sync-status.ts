import { alertAdvice } from '../alerts/alert-catalog.js';
import type { AlertSeverity, FailurePhase, SyncAlert } from '../alerts/sync-alert.js';
import { stampToEpochMs } from '../cursor/stamp.js';
import { compileSchedule } from '../scheduler/next-run-at.js';
import type { StateStore } from '../state-store/state-store.js';
import type { Schedule } from '../definition/define-stream.js';
import type { AuditEntry, StreamMode } from '../state-store/types.js';
import { latestAudit } from './latest-audit.js';
import { runCountsOf, runFailureOf } from './run-audit-data.js';
import { streamTotalsOf } from './stream-totals.js';
import {
  type CredentialStatus,
  type LastRunStatus,
  type StreamStatus,
  type SyncStatus,
  finishedOutcomeOf,
} from './sync-status.js';

const DAY_MS = 86_400_000;
const SEVERITY_ORDER = { critical: 0, error: 1, warning: 2, info: 3 } as const;

/** What the status needs of a stream: a `StreamDefinition` fits. */
export interface StatusStream {
  /** Stream name. */
  name: string;
  /** Sink table (only its name is read). */
  table: { name: string };
  /** @default 'append' */
  mode?: StreamMode;
  /** @default 'manual' */
  schedule?: Schedule;
}

/** Options of {@link readSyncStatus}. */
export interface ReadSyncStatusOptions {
  /** The state store, opened. Only read. */
  store: StateStore;
  /** The streams to report, in order. */
  streams: readonly StatusStream[];
  /** Epoch ms of "now" (lag, days left, next run). @default Date.now() */
  now?: number;
  /** A credential with fewer days left than this raises `SYNC_CREDENTIAL_EXPIRING`. @default 14 */
  credentialWarningDays?: number;
  /** Overrides the next run time of a stream (`sync.status()` applies its backoff here). */
  nextRunAt?: (stream: string, scheduled: number | undefined) => number | undefined;
  /** Whether a stream is running in this instance (`sync.status()` only). */
  running?: (stream: string) => boolean;
}

/**
 * Reads the operator's view of a sync from its state store alone: no source or sink call, and per stream a
 * handful of cheap reads (cursor, newest run audit entries, open intents, totals, ledger count). Works without
 * starting a sync (e.g. from a second process or the `mlc status` command) because everything it reports is in
 * the store: the last run and its failure come from the audit log, so they are the same whichever worker ran it.
 *
 * @example
 * await store.open();
 * const status = await readSyncStatus({ store, streams });
 * for (const s of status.streams) console.log(s.stream, s.lastRun?.outcome, s.deadLetters.open);
 */
export async function readSyncStatus(options: ReadSyncStatusOptions): Promise<SyncStatus> {
  const { store } = options;
  const now = options.now ?? Date.now();
  const streams: StreamStatus[] = [];
  for (const stream of options.streams) streams.push(await readStreamStatus(options, stream, now));
  const credentials = await readCredentials(store, now);
  const warningDays = options.credentialWarningDays ?? 14;
  const alerts: SyncAlert[] = streams.flatMap((s) => s.alerts);
  for (const credential of credentials) {
    if (credential.daysLeft >= warningDays) continue;
    const expired = credential.expiresAt <= now;
    const advice = alertAdvice('SYNC_CREDENTIAL_EXPIRING');
    alerts.push({
      code: 'SYNC_CREDENTIAL_EXPIRING',
      severity: expired ? 'critical' : advice.severity,
      message: expired
        ? `credential ${credential.credential} expired at ${new Date(credential.expiresAt).toISOString()}`
        : `credential ${credential.credential} expires in ${credential.daysLeft} days (${new Date(credential.expiresAt).toISOString()})`,
      remedy: advice.remedy,
      phase: 'credentials',
      since: credential.reportedAt,
      attempts: 1,
      reminder: false,
    });
  }
  alerts.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.since - b.since);
  return {
    at: now,
    streams,
    credentials,
    alerts,
    healthy: !alerts.some((a) => a.severity === 'error' || a.severity === 'critical'),
  };
}

async function readStreamStatus(
  options: ReadSyncStatusOptions,
  stream: StatusStream,
  now: number,
): Promise<StreamStatus> {
  const { store } = options;
  const name = stream.name;
  const schedule = stream.schedule ?? 'manual';
  const [cursor, runEntries, open, totals, ledgerSize] = await Promise.all([
    store.getCursor(name),
    latestAudit(store, { stream: name, types: ['run-started', 'run-finished', 'run-failed'], limit: 4 }),
    store.listOpenBatches(name),
    streamTotalsOf(store, name),
    store.countLedger(name),
  ]);
  const lastRun = lastRunOf(runEntries);
  const scheduled = compileSchedule(schedule, name)?.(now);
  const nextRunAt = options.nextRunAt ? options.nextRunAt(name, scheduled) : scheduled;
  const lag = cursor ? lagOf(cursor.stamp, now) : undefined;
  const status: StreamStatus = {
    stream: name,
    table: stream.table.name,
    mode: stream.mode ?? 'append',
    schedule,
    ...(cursor ? { cursor } : {}),
    ...(lag !== undefined ? { lagMs: lag } : {}),
    ...(lastRun ? { lastRun } : {}),
    ...(options.running ? { running: options.running(name) } : {}),
    ...(nextRunAt !== undefined ? { nextRunAt } : {}),
    openIntents: {
      count: open.length,
      ...(open[0] ? { oldestCreatedAt: open[0].createdAt } : {}),
      batchIds: open.map((b) => b.batchId),
    },
    deadLetters: totals.deadLetters,
    ledgerSize,
    ...(totals.rowsPosted !== undefined ? { rowsPosted: totals.rowsPosted } : {}),
    alerts: [],
  };
  status.alerts = streamAlerts(status);
  return status;
}

function isAlertSeverity(value: unknown): value is AlertSeverity {
  return typeof value === 'string' && value in SEVERITY_ORDER;
}

function lagOf(stamp: string, now: number): number | undefined {
  try {
    const at = stampToEpochMs(stamp);
    return Number.isFinite(at) ? Math.max(0, now - at) : undefined;
  } catch {
    return undefined;
  }
}

/** The newest run from its newest audit entries (newest first). */
function lastRunOf(entries: readonly AuditEntry[]): LastRunStatus | undefined {
  const newest = entries[0];
  if (!newest) return undefined;
  const runId = typeof newest.data?.runId === 'string' ? newest.data.runId : '';
  const started = entries.find((e) => e.type === 'run-started' && e.data?.runId === runId);
  const base = { runId, ...(started ? { startedAt: started.at } : {}) };
  if (newest.type === 'run-started') return { ...base, outcome: 'started' };
  const counts = runCountsOf(newest.data);
  if (newest.type === 'run-finished') {
    // The entry's message names the run's status (completed, completed-with-quarantine, stopped).
    return { ...base, outcome: finishedOutcomeOf(newest.message), finishedAt: newest.at, counts };
  }
  const data = newest.data;
  const { code, phase, attempts, since } = runFailureOf(newest);
  return {
    ...base,
    outcome: 'failed',
    finishedAt: newest.at,
    counts,
    failure: {
      code,
      phase,
      message: newest.message,
      ...(isAlertSeverity(data?.severity) ? { severity: data.severity } : {}),
      ...(typeof data?.remedy === 'string' ? { remedy: data.remedy } : {}),
      attempts,
      since,
    },
  };
}

function streamAlerts(status: StreamStatus): SyncAlert[] {
  const alerts: SyncAlert[] = [];
  const failure = status.lastRun?.failure;
  if (failure) {
    const phase = failure.phase as FailurePhase;
    // The advice stored with the failure is the alert's own; the catalogue answers only for older entries.
    const advice = alertAdvice(failure.code, phase);
    alerts.push({
      code: failure.code,
      severity: failure.severity ?? advice.severity,
      message: failure.message,
      remedy: failure.remedy ?? advice.remedy,
      phase,
      stream: status.stream,
      since: failure.since,
      attempts: failure.attempts,
      reminder: false,
    });
  }
  if (status.deadLetters.open > 0) {
    const advice = alertAdvice('SYNC_DEAD_LETTERS_OPEN');
    alerts.push({
      code: 'SYNC_DEAD_LETTERS_OPEN',
      severity: advice.severity,
      message: `stream ${status.stream}: ${status.deadLetters.open} open dead letter(s)`,
      remedy: advice.remedy,
      phase: 'quarantine',
      stream: status.stream,
      since: status.lastRun?.finishedAt ?? 0,
      attempts: 1,
      reminder: false,
      data: { open: status.deadLetters.open },
    });
  }
  return alerts;
}

async function readCredentials(store: StateStore, now: number): Promise<CredentialStatus[]> {
  const entries = await latestAudit(store, { types: ['credential-expiring'], limit: 50 });
  const byName = new Map<string, CredentialStatus>();
  for (const entry of entries) {
    const credential = entry.data?.credential;
    const expiresAt = entry.data?.expiresAt;
    if (typeof credential !== 'string' || typeof expiresAt !== 'number' || byName.has(credential)) continue;
    byName.set(credential, {
      credential,
      expiresAt,
      daysLeft: Math.floor((expiresAt - now) / DAY_MS),
      reportedAt: entry.at,
    });
  }
  return [...byName.values()];
}
