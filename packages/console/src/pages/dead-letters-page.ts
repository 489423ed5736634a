import type { DeadLetter, DeadLetterStatus } from '@mlc/sync-engine';
import { type SafeHtml, html } from '../html/html.js';
import { type PageContext, csrfField, layout } from '../html/layout.js';
import { timeOf } from '../html/parts.js';
import { choiceFilter, streamFilter } from './filters.js';

const PREVIEW_CHARS = 2_000;

/** The parked content of a letter (already redacted): the record, or the batch's rows. */
export function previewOf(letter: DeadLetter, maxChars: number): string {
  const content =
    letter.kind === 'batch'
      ? { table: letter.table, rows: letter.rows ?? [] }
      : (letter.record ?? letter.raw ?? null);
  const text = JSON.stringify(content, null, 2) ?? 'null';
  return text.length > maxChars
    ? `${text.slice(0, maxChars)}\n… (${text.length - maxChars} more characters)`
    : text;
}

function letterActions(ctx: PageContext, letter: DeadLetter): SafeHtml {
  if (!ctx.csrfToken || letter.status !== 'open') return html``;
  return html`<div class="actions">
<form method="post" action="${ctx.base}/actions/replay" data-confirm="Replay dead letter ${letter.id}?">${csrfField(ctx)}<input type="hidden" name="id" value="${letter.id}">${
    letter.partial
      ? html`<label><input type="checkbox" name="force" value="1"> force (part of this batch may already be in Power BI)</label>`
      : ''
  }<button type="submit">Replay<span class="visually-hidden"> ${letter.id}</span></button></form>
<form method="post" action="${ctx.base}/actions/discard" data-confirm="Discard dead letter ${letter.id}? It will not be replayed.">${csrfField(ctx)}<input type="hidden" name="id" value="${letter.id}"><label>Reason <input type="text" name="reason" maxlength="500" autocomplete="off"></label><button type="submit">Discard<span class="visually-hidden"> ${letter.id}</span></button></form>
</div>`;
}

function what(letter: DeadLetter): SafeHtml {
  if (letter.kind === 'batch')
    return html`batch <code>${letter.batchId ?? '?'}</code> (${letter.rows?.length ?? 0} rows${letter.partial ? ', partly applied' : ''})`;
  return html`record <code>${letter.key ?? '?'}</code>${letter.field ? html`, field <code>${letter.field}</code>` : ''}`;
}

function letterArticle(ctx: PageContext, letter: DeadLetter, previewChars: number): SafeHtml {
  return html`<article class="letter" id="letter-${letter.id}" data-id="${letter.id}" aria-labelledby="letter-${letter.id}-h">
<h2 id="letter-${letter.id}-h"><a href="${ctx.base}/dead-letters/${encodeURIComponent(letter.id)}">${letter.id}</a></h2>
<dl>
<dt>Stream</dt><dd>${letter.stream}</dd>
<dt>Status</dt><dd class="status-${letter.status}">${letter.status}${letter.settledAt ? html` (${timeOf(letter.settledAt)})` : ''}</dd>
<dt>What</dt><dd>${what(letter)}</dd>
<dt>Reason</dt><dd class="reason">${letter.reason}</dd>
<dt>Parked at</dt><dd>${timeOf(letter.createdAt)}</dd>
</dl>
<details${previewChars > PREVIEW_CHARS ? html` open` : ''}><summary>Preview of the ${letter.kind === 'batch' ? 'rows' : 'record'} (secrets redacted)</summary><pre class="preview">${previewOf(letter, previewChars)}</pre></details>
${letterActions(ctx, letter)}
</article>`;
}

/** Dead letters with their reason, a redacted preview, and replay / discard for allowed requests. */
export function deadLettersPage(
  ctx: PageContext,
  letters: readonly DeadLetter[],
  filter: { streams: readonly string[]; stream?: string; status: DeadLetterStatus | 'all' },
): SafeHtml {
  const body = html`<form method="get" action="${ctx.base}/dead-letters" class="filters">
${streamFilter(filter.streams, filter.stream)}
${choiceFilter(
  'Status',
  'status',
  [
    ['open', 'open'],
    ['replayed', 'replayed'],
    ['discarded', 'discarded'],
    ['all', 'all'],
  ],
  filter.status,
)}
<button type="submit">Show</button>
</form>
<p role="status">${letters.length} ${filter.status === 'all' ? '' : `${filter.status} `}dead letter(s).</p>
${letters.map((l) => letterArticle(ctx, l, PREVIEW_CHARS))}`;
  return layout(ctx, { title: 'Dead letters', current: 'dead-letters', body });
}

/** One dead letter with its whole (redacted) content. */
export function deadLetterPage(ctx: PageContext, letter: DeadLetter): SafeHtml {
  return layout(ctx, {
    title: `Dead letter ${letter.id}`,
    current: 'dead-letters',
    refresh: false,
    body: letterArticle(ctx, letter, 200_000),
  });
}
