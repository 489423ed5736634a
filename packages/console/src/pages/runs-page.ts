import { formatCount, formatDuration } from '@mlc/core';
import type { RunSummary } from '@mlc/sync-engine';
import { type SafeHtml, html } from '../html/html.js';
import { type PageContext, layout } from '../html/layout.js';
import { timeOf } from '../html/parts.js';
import { streamFilter } from './filters.js';

/** The runs history, newest first (of one stream, or of all). */
export function runsPage(
  ctx: PageContext,
  runs: readonly RunSummary[],
  filter: { streams: readonly string[]; stream?: string },
): SafeHtml {
  const body = html`<form method="get" action="${ctx.base}/runs" class="filters">
${streamFilter(filter.streams, filter.stream)}
<button type="submit">Show</button>
</form>
${
  runs.length === 0
    ? html`<p>No runs recorded yet.</p>`
    : html`<div class="scroll"><table id="runs"><caption>Latest runs, newest first</caption>
<thead><tr><th scope="col">Started</th><th scope="col">Stream</th><th scope="col">Outcome</th><th scope="col">Took</th><th scope="col">Read</th><th scope="col">Posted</th><th scope="col">Parked</th><th scope="col">Run id</th></tr></thead>
<tbody>${runs.map(
        (
          r,
        ) => html`<tr><td>${timeOf(r.startedAt ?? r.finishedAt)}</td><td>${r.stream}</td><td>${r.outcome}${r.code ? html` <code>${r.code}</code>` : ''}${r.message ? html`<br><span class="muted">${r.message}</span>` : ''}</td>
<td>${r.startedAt !== undefined && r.finishedAt !== undefined ? formatDuration(r.finishedAt - r.startedAt) : '-'}</td>
<td class="num">${formatCount(r.recordsRead)}</td><td class="num">${formatCount(r.rowsPosted)}</td><td class="num">${formatCount(r.recordsQuarantined)}</td><td><code>${r.runId}</code></td></tr>`,
      )}</tbody></table></div>`
}`;
  return layout(ctx, { title: 'Runs', current: 'runs', body });
}
