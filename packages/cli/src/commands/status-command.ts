import type { StreamStatus, SyncStatus } from '@mlc/sync-engine';
import { formatCount, formatDuration, formatTable, formatTime } from '../output/format.js';
import type { CommandContext, ExitCode } from './command-context.js';

const MARK = { critical: '✘', error: '✘', warning: '!', info: 'i' } as const;

function outcomeOf(s: StreamStatus): string {
  if (s.running) return 'running';
  if (!s.lastRun) return 'never ran';
  return s.lastRun.outcome === 'failed'
    ? `failed (${s.lastRun.failure?.code ?? '?'}, ${s.lastRun.failure?.attempts ?? 1}×)`
    : s.lastRun.outcome;
}

/** The status as the operator's table (or JSON), with alerts and their remedies. */
export function renderStatus(status: SyncStatus): string[] {
  const rows = status.streams.map((s) => [
    s.stream,
    s.table,
    outcomeOf(s),
    formatTime(s.lastRun?.finishedAt ?? s.lastRun?.startedAt),
    s.lastRun?.counts
      ? `${formatCount(s.lastRun.counts.recordsRead)}/${formatCount(s.lastRun.counts.rowsPosted)}`
      : '-',
    s.cursor ? formatDuration(s.lagMs) : '-',
    s.nextRunAt !== undefined ? formatTime(s.nextRunAt) : 'manual',
    String(s.openIntents.count),
    `${s.deadLetters.open}/${s.deadLetters.replayed}/${s.deadLetters.discarded}`,
    formatCount(s.ledgerSize),
    formatCount(s.rowsPosted),
  ]);
  const lines = formatTable(
    [
      'STREAM',
      'TABLE',
      'LAST RUN',
      'AT',
      'READ/POSTED',
      'LAG',
      'NEXT RUN',
      'INTENTS',
      'PARKED o/r/d',
      'LEDGER',
      'ROWS POSTED',
    ],
    rows,
  );
  for (const c of status.credentials) {
    lines.push(
      '',
      `credential ${c.credential}: ${c.daysLeft} days left (expires ${formatTime(c.expiresAt)})`,
    );
  }
  lines.push('');
  if (status.alerts.length === 0) lines.push('✔ no active alerts');
  for (const a of status.alerts) {
    lines.push(`${MARK[a.severity]} [${a.severity}] ${a.code}: ${a.message}`);
    lines.push(`    remedy: ${a.remedy}`);
  }
  lines.push(status.healthy ? '✔ healthy' : '✘ unhealthy');
  return lines;
}

/** `mlc status [--json]`: the operator read API, from the store alone. */
export async function statusCommand(ctx: CommandContext): Promise<ExitCode> {
  const status = await ctx.sync().status();
  if (ctx.flags.json) ctx.io.out(JSON.stringify(status, null, 2));
  else for (const line of renderStatus(status)) ctx.io.out(line);
  return 0;
}
