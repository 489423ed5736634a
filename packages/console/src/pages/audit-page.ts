import type { AuditEntry } from '@mlc/sync-engine';
import { type SafeHtml, html } from '../html/html.js';
import { type PageContext, layout } from '../html/layout.js';
import { timeOf } from '../html/parts.js';
import { choiceFilter, streamFilter, textFilter } from './filters.js';

/** The audit filter as the page's form holds it (raw form values). */
export interface AuditFilterForm {
  stream?: string;
  type?: string;
  since?: string;
  batch?: string;
  key?: string;
  limit?: string;
}

/** The `since` choices: a duration before now, in ms. */
export const SINCE_CHOICES: ReadonlyArray<readonly [string, string, number]> = [
  ['', 'any time', 0],
  ['1h', 'last hour', 3_600_000],
  ['24h', 'last 24 hours', 86_400_000],
  ['7d', 'last 7 days', 7 * 86_400_000],
  ['30d', 'last 30 days', 30 * 86_400_000],
];

/** The audit trail, filtered, oldest first (the last `limit` that match). */
export function auditPage(
  ctx: PageContext,
  entries: readonly AuditEntry[],
  filter: { streams: readonly string[]; form: AuditFilterForm; limit: number },
): SafeHtml {
  const { form } = filter;
  const body = html`<form method="get" action="${ctx.base}/audit" class="filters">
${streamFilter(filter.streams, form.stream)}
${textFilter('Types (comma-separated)', 'type', form.type)}
${choiceFilter(
  'Since',
  'since',
  SINCE_CHOICES.map(([v, t]) => [v, t] as const),
  form.since,
)}
${textFilter('Batch', 'batch', form.batch)}
${textFilter('Record key', 'key', form.key)}
<label>Limit <input type="number" name="limit" min="1" max="1000" value="${filter.limit}"></label>
<button type="submit">Filter</button>
</form>
${
  entries.length === 0
    ? html`<p>No matching audit entries.</p>`
    : html`<div class="scroll"><table id="audit"><caption>${entries.length} audit entries, oldest first</caption>
<thead><tr><th scope="col">#</th><th scope="col">At</th><th scope="col">Type</th><th scope="col">Stream</th><th scope="col">Batch / key</th><th scope="col">Message</th></tr></thead>
<tbody>${entries.map(
        (e) =>
          html`<tr><td class="num">${e.seq}</td><td>${timeOf(e.at)}</td><td><code>${e.type}</code></td><td>${e.stream ?? '-'}</td><td>${e.batchId ? html`batch <code>${e.batchId}</code>` : ''}${e.key ? html` key <code>${e.key}</code>` : ''}</td><td>${e.message}</td></tr>`,
      )}</tbody></table></div>`
}`;
  return layout(ctx, { title: 'Audit trail', current: 'audit', body });
}
