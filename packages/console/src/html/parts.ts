import { formatTime } from '@mlc/core';
import { type SafeHtml, html } from './html.js';

/** An instant as `<time>` (ISO-8601 UTC to the second), or `-`. */
export function timeOf(epochMs: number | undefined): SafeHtml {
  if (epochMs === undefined || !Number.isFinite(epochMs)) return html`-`;
  return html`<time datetime="${new Date(epochMs).toISOString()}">${formatTime(epochMs)}</time>`;
}

/**
 * A small line chart of numbers (oldest first) as inline SVG, with its values as the accessible name and as text
 * for whoever cannot see it.
 */
export function sparkline(values: readonly number[], label: string): SafeHtml {
  if (values.length === 0) return html`<span class="muted">no runs yet</span>`;
  // One run draws a flat line, not an invisible point.
  const drawn = values.length === 1 ? [values[0] as number, values[0] as number] : values;
  const width = 96;
  const height = 24;
  const max = Math.max(1, ...values);
  const step = width / (drawn.length - 1);
  const points = drawn
    .map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`)
    .join(' ');
  const text = `${label}: ${values.join(', ')}`;
  return html`<svg class="spark" role="img" aria-label="${text}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><title>${text}</title><polyline fill="none" stroke="currentColor" stroke-width="1.5" points="${points}"/></svg>`;
}

/** A notice box: `role="status"` for good news, `role="alert"` for refusals and errors. */
export function notice(kind: 'ok' | 'error', body: SafeHtml | string): SafeHtml {
  return html`<div class="notice ${kind}" role="${kind === 'ok' ? 'status' : 'alert'}"><p>${kind === 'ok' ? '✔ ' : '✘ '}${body}</p></div>`;
}
