import type { AuditEntry } from '../state-store/types.js';
import type { RunCounts } from './sync-status.js';

/** The counters a `run-finished` or `run-failed` audit entry holds (0 for any it lacks). */
export function runCountsOf(data: Record<string, unknown> | undefined): RunCounts {
  return {
    recordsRead: numberOr(data, 'recordsRead', 0),
    recordsUnchanged: numberOr(data, 'recordsUnchanged', 0),
    recordsQuarantined: numberOr(data, 'recordsQuarantined', 0),
    rowsPosted: numberOr(data, 'rowsPosted', 0),
    batches: numberOr(data, 'batches', 0),
    throttledMs: numberOr(data, 'throttledMs', 0),
  };
}

/**
 * The failure streak a `run-failed` audit entry records, as `sync.status()` shows it and a restarted engine takes it
 * up: the code, where it failed, the consecutive failed runs up to this one and the first failure's epoch ms
 * (entries that lack them: `SYNC_RUN_FAILED`, `run`, 1 and the entry's own time).
 */
export function runFailureOf(entry: AuditEntry): {
  code: string;
  phase: string;
  attempts: number;
  since: number;
} {
  const data = entry.data;
  return {
    code: typeof data?.code === 'string' ? data.code : 'SYNC_RUN_FAILED',
    phase: typeof data?.phase === 'string' ? data.phase : 'run',
    attempts: numberOr(data, 'attempts', 0) || 1,
    since: numberOr(data, 'since', 0) || entry.at,
  };
}

function numberOr(data: Record<string, unknown> | undefined, key: string, fallback: number): number {
  const value = data?.[key];
  return typeof value === 'number' ? value : fallback;
}
