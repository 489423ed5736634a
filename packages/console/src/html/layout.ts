import { formatTime } from '@mlc/core';
import { type SafeHtml, html } from './html.js';

/** What every page of one request knows. */
export interface PageContext {
  /** The console's base path (no trailing slash; empty at the root). */
  base: string;
  /** Title of the console. */
  title: string;
  /** Present when the request may act: the CSRF token its forms carry. */
  csrfToken?: string;
  /** Auto-refresh period of read pages (0: off). */
  refreshSeconds: number;
  /** Epoch ms the page was rendered at. */
  now: number;
}

/** The pages of the navigation. */
export type PageName = 'overview' | 'runs' | 'audit' | 'dead-letters';

const NAV: Array<[PageName, string, string]> = [
  ['overview', '/', 'Overview'],
  ['runs', '/runs', 'Runs'],
  ['audit', '/audit', 'Audit trail'],
  ['dead-letters', '/dead-letters', 'Dead letters'],
];

/** A whole page: head, skip link, navigation, main content, the progressive script. */
export function layout(
  ctx: PageContext,
  page: { title: string; current?: PageName; refresh?: boolean; body: SafeHtml },
): SafeHtml {
  const refresh = page.refresh !== false ? ctx.refreshSeconds : 0;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · ${ctx.title}</title>
<link rel="stylesheet" href="${ctx.base}/assets/console.css">
<script src="${ctx.base}/assets/console.js" defer></script>
</head>
<body data-refresh="${refresh}">
<a class="skip" href="#main">Skip to content</a>
<header>
<p class="brand">${ctx.title}</p>
<nav aria-label="Console"><ul>
${NAV.map(
  ([name, path, label]) =>
    html`<li><a href="${ctx.base}${path}"${name === page.current ? html` aria-current="page"` : ''}>${label}</a></li>`,
)}
</ul></nav>
<p class="mode">${ctx.csrfToken ? 'Actions allowed' : 'Read-only'} · rendered <time datetime="${new Date(ctx.now).toISOString()}">${formatTime(ctx.now)}</time>${
    refresh > 0
      ? html` · <span id="refresh-state">refreshes every ${refresh} s</span> <button type="button" id="refresh-toggle" hidden aria-pressed="false">Pause auto-refresh</button>`
      : ''
  }</p>
</header>
<main id="main" tabindex="-1">
<h1>${page.title}</h1>
${page.body}
</main>
</body>
</html>
`;
}

/** A hidden CSRF field for a form of an allowed request. */
export function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken ?? ''}">`;
}
