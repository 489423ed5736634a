import { readRecentRuns } from '@mlc/sync-engine';
import { formatCount, formatDuration, formatTable, formatTime } from '../output/format.js';
import { type CommandContext, type ExitCode, limitOf } from './command-context.js';

/** `mlc runs [--stream s] [--limit n] [--json]`: the latest runs, newest first, from the audit log. */
export async function runsCommand(ctx: CommandContext): Promise<ExitCode> {
  const limit = limitOf(ctx.flags, 20);
  const store = ctx.config.store;
  await store.open();
  const runs = await readRecentRuns(store, {
    limit,
    ...(ctx.flags.stream ? { streams: ctx.flags.stream } : {}),
  });
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
