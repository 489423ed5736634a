import { type SafeHtml, html } from '../html/html.js';
import { type PageContext, layout } from '../html/layout.js';
import { notice } from '../html/parts.js';

/** A page that reports one outcome (an action's result, a refusal, an error) with a way back. */
export function messagePage(
  ctx: PageContext,
  page: {
    title: string;
    kind: 'ok' | 'error';
    message: SafeHtml | string;
    details?: SafeHtml;
    back?: string;
  },
): SafeHtml {
  const back = page.back ?? '/';
  return layout(ctx, {
    title: page.title,
    refresh: false,
    body: html`${notice(page.kind, page.message)}${page.details ?? ''}<p><a href="${ctx.base}${back}">Back</a></p>`,
  });
}
