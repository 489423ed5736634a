import type { StateStore } from '../state-store/state-store.js';
import type { AuditEntry } from '../state-store/types.js';
import { latestAudit } from './latest-audit.js';
import { type RunOutcome, finishedOutcomeOf } from './sync-status.js';

/** One run as the audit log tells it (`mlc runs`, the console's runs history). */
export interface RunSummary {
  /** Run id (`seq-<n>` for an entry without one). */
  runId: string;
  /** Stream (`-` when the entry names none). */
  stream: string;
  /** How it ended; `started` while its end is not recorded. */
  outcome: RunOutcome;
  /** Epoch ms of `run-started`. */
  startedAt?: number;
  /** Epoch ms of `run-finished` / `run-failed`. */
  finishedAt?: number;
  /** Records read, when the run ended. */
  recordsRead?: number;
  /** Rows posted and committed, when the run ended. */
  rowsPosted?: number;
  /** Records quarantined, when the run ended. */
  recordsQuarantined?: number;
  /** Failure code of a failed run. */
  code?: string;
  /** Redacted failure message of a failed run. */
  message?: string;
}

/** Options of {@link readRecentRuns}. */
export interface RecentRunsQuery {
  /** Only these streams. @default every stream */
  streams?: readonly string[];
  /** At most this many runs. @default 20 */
  limit?: number;
}

const RUN_TYPES = ['run-started', 'run-finished', 'run-failed'] as const;

function num(data: Record<string, unknown> | undefined, key: string): number | undefined {
  const v = data?.[key];
  return typeof v === 'number' ? v : undefined;
}

/** Groups run audit entries (newest first) into runs, newest first. */
export function runsOf(entries: readonly AuditEntry[]): RunSummary[] {
  const runs = new Map<string, RunSummary>();
  for (const e of entries) {
    const runId = typeof e.data?.runId === 'string' ? e.data.runId : `seq-${e.seq}`;
    const run = runs.get(runId) ?? { runId, stream: e.stream ?? '-', outcome: 'started' };
    if (e.type === 'run-started') run.startedAt = e.at;
    else {
      run.finishedAt = e.at;
      run.outcome = e.type === 'run-failed' ? 'failed' : finishedOutcomeOf(e.message);
      const read = num(e.data, 'recordsRead');
      const posted = num(e.data, 'rowsPosted');
      const parked = num(e.data, 'recordsQuarantined');
      if (read !== undefined) run.recordsRead = read;
      if (posted !== undefined) run.rowsPosted = posted;
      if (parked !== undefined) run.recordsQuarantined = parked;
      if (e.type === 'run-failed') {
        if (typeof e.data?.code === 'string') run.code = e.data.code;
        run.message = e.message;
      }
    }
    runs.set(runId, run);
  }
  return [...runs.values()];
}

/**
 * The latest runs, newest first, from the audit log alone (so they are the same whichever worker ran them): at
 * most `limit`, of every stream or of the named ones.
 *
 * @example
 * for (const run of await readRecentRuns(store, { streams: ['suppliers'], limit: 10 })) console.log(run.outcome);
 */
export async function readRecentRuns(store: StateStore, query: RecentRunsQuery = {}): Promise<RunSummary[]> {
  const limit = query.limit ?? 20;
  const entries: AuditEntry[] = [];
  for (const stream of query.streams ?? [undefined]) {
    entries.push(
      ...(await latestAudit(store, {
        types: [...RUN_TYPES],
        limit: limit * 2 + 1,
        ...(stream !== undefined ? { stream } : {}),
      })),
    );
  }
  entries.sort((a, b) => b.seq - a.seq);
  return runsOf(entries).slice(0, limit);
}
