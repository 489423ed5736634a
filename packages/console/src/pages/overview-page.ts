import { formatCount, formatDuration } from '@mlc/core';
import type { RunSummary, StreamStatus, SyncAlert, SyncStatus } from '@mlc/sync-engine';
import { type StreamHealth, streamHealthOf } from '../health/stream-health.js';
import { type SafeHtml, html } from '../html/html.js';
import { type PageContext, csrfField, layout } from '../html/layout.js';
import { sparkline, timeOf } from '../html/parts.js';

const HEALTH_LABEL: Record<StreamHealth, string> = {
  failing: '✘ failing',
  parked: '⚠ parked records',
  throttled: '⏳ throttled',
  ok: '✔ ok',
  idle: '– never ran',
};

const SEVERITY_MARK = { critical: '✘', error: '✘', warning: '⚠', info: 'ℹ' } as const;

function lastRunText(s: StreamStatus): string {
  if (s.running) return 'running';
  const run = s.lastRun;
  if (!run) return 'never ran';
  return run.outcome === 'failed'
    ? `failed (${run.failure?.code ?? '?'}, ${run.failure?.attempts ?? 1}×)`
    : run.outcome;
}

function streamRow(ctx: PageContext, s: StreamStatus, runs: readonly RunSummary[]): SafeHtml {
  const health = streamHealthOf(s);
  const rows = runs
    .filter((r) => r.rowsPosted !== undefined)
    .map((r) => r.rowsPosted as number)
    .reverse();
  return html`<tr data-stream="${s.stream}">
<th scope="row"><a href="${ctx.base}/runs?stream=${encodeURIComponent(s.stream)}">${s.stream}</a><br><span class="muted">${s.table} · ${s.mode}</span></th>
<td class="health health-${health}">${HEALTH_LABEL[health]}</td>
<td>${s.cursor ? formatDuration(s.lagMs) : '-'}</td>
<td>${lastRunText(s)}<br>${timeOf(s.lastRun?.finishedAt ?? s.lastRun?.startedAt)}</td>
<td>${s.nextRunAt !== undefined ? timeOf(s.nextRunAt) : 'manual'}</td>
<td class="num">${formatCount(s.rowsPosted)}</td>
<td>${sparkline(rows, `rows posted by the last ${rows.length} runs of ${s.stream}, oldest first`)}</td>
<td class="num"><a href="${ctx.base}/dead-letters?stream=${encodeURIComponent(s.stream)}">${s.deadLetters.open} open</a></td>
${
  ctx.csrfToken
    ? html`<td><form method="post" action="${ctx.base}/actions/run" data-confirm="Run stream ${s.stream} now?">${csrfField(ctx)}<input type="hidden" name="stream" value="${s.stream}"><button type="submit">Run now<span class="visually-hidden"> ${s.stream}</span></button></form></td>`
    : ''
}
</tr>`;
}

function alertItem(a: SyncAlert): SafeHtml {
  return html`<li class="alert-${a.severity}"><strong>${SEVERITY_MARK[a.severity]} ${a.severity}</strong> <code>${a.code}</code>${a.stream ? html` (${a.stream})` : ''}: ${a.message}<br><span class="remedy">Remedy: ${a.remedy}</span></li>`;
}

/** The overview: streams with health, lag, last and next run, rows posted and a sparkline; credentials; alerts. */
export function overviewPage(
  ctx: PageContext,
  status: SyncStatus,
  runs: ReadonlyMap<string, readonly RunSummary[]>,
): SafeHtml {
  const body = html`<p class="summary" role="status">${status.healthy ? '✔ Healthy' : '✘ Needs attention'}: ${status.streams.length} streams, ${status.alerts.length} active alert(s).</p>
<section aria-labelledby="streams-h"><h2 id="streams-h">Streams</h2>
<div class="scroll"><table id="streams">
<caption>Each stream's health, cursor lag, runs and parked records</caption>
<thead><tr><th scope="col">Stream</th><th scope="col">Health</th><th scope="col">Cursor lag</th><th scope="col">Last run</th><th scope="col">Next run</th><th scope="col">Rows posted</th><th scope="col">Rows per run</th><th scope="col">Dead letters</th>${ctx.csrfToken ? html`<th scope="col">Action</th>` : ''}</tr></thead>
<tbody>
${status.streams.map((s) => streamRow(ctx, s, runs.get(s.stream) ?? []))}
</tbody></table></div></section>
<section aria-labelledby="alerts-h"><h2 id="alerts-h">Active alerts</h2>
${status.alerts.length === 0 ? html`<p>✔ No active alerts.</p>` : html`<ul class="alerts">${status.alerts.map(alertItem)}</ul>`}
</section>
<section aria-labelledby="credentials-h"><h2 id="credentials-h">Credentials</h2>
${
  status.credentials.length === 0
    ? html`<p>No credential expiry reported.</p>`
    : html`<table><caption>Credentials and days until they expire</caption><thead><tr><th scope="col">Credential</th><th scope="col">Days left</th><th scope="col">Expires</th></tr></thead><tbody>${status.credentials.map(
        (c) =>
          html`<tr><th scope="row">${c.credential}</th><td class="num">${c.daysLeft}${c.daysLeft < 14 ? html` <strong>(renew soon)</strong>` : ''}</td><td>${timeOf(c.expiresAt)}</td></tr>`,
      )}</tbody></table>`
}
</section>`;
  return layout(ctx, { title: 'Overview', current: 'overview', body });
}
