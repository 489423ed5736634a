import { type AuditEntry, type RunOutcome, finishedOutcomeOf, latestAudit } from '@mlc/sync-engine';
import { formatCount, formatDuration, formatTable, formatTime } from '../output/format.js';
import { type CommandContext, type ExitCode, limitOf } from './command-context.js';

/** One run as `mlc runs` lists it. */
export interface RunSummary {
  runId: string;
  stream: string;
  outcome: RunOutcome;
  startedAt?: number;
  finishedAt?: number;
  recordsRead?: number;
  rowsPosted?: number;
  recordsQuarantined?: number;
  code?: string;
  message?: string;
}

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

/** `mlc runs [--stream s] [--limit n] [--json]`: the latest runs, newest first, from the audit log. */
export async function runsCommand(ctx: CommandContext): Promise<ExitCode> {
  const limit = limitOf(ctx.flags, 20);
  const store = ctx.config.store;
  await store.open();
  const streams = ctx.flags.stream ?? [undefined];
  const entries: AuditEntry[] = [];
  for (const stream of streams) {
    entries.push(
      ...(await latestAudit(store, {
        types: ['run-started', 'run-finished', 'run-failed'],
        limit: limit * 2 + 1,
        ...(stream !== undefined ? { stream } : {}),
      })),
    );
  }
  entries.sort((a, b) => b.seq - a.seq);
  const runs = runsOf(entries).slice(0, limit);
  if (ctx.flags.json) {
    ctx.io.out(JSON.stringify(runs, null, 2));
    return 0;
  }
  if (runs.length === 0) {
    ctx.io.out('no runs recorded yet');
    return 0;
  }
  const rows = runs.map((r) => [
    formatTime(r.startedAt ?? r.finishedAt),
    r.stream,
    r.outcome + (r.code ? ` ${r.code}` : ''),
    r.startedAt !== undefined && r.finishedAt !== undefined
      ? formatDuration(r.finishedAt - r.startedAt)
      : '-',
    formatCount(r.recordsRead),
    formatCount(r.rowsPosted),
    formatCount(r.recordsQuarantined),
    r.runId,
  ]);
  for (const line of formatTable(
    ['STARTED', 'STREAM', 'OUTCOME', 'TOOK', 'READ', 'POSTED', 'PARKED', 'RUN'],
    rows,
  )) {
    ctx.io.out(line);
  }
  for (const r of runs.filter((run) => run.message)) ctx.io.out(`  ${r.runId}: ${r.message}`);
  return 0;
}
