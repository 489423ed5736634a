import { type SafeHtml, html } from '../html/html.js';

/** A labelled `<select>` of the streams (and "all"). */
export function streamFilter(streams: readonly string[], selected: string | undefined): SafeHtml {
  return html`<label>Stream <select name="stream"><option value="">all</option>${streams.map(
    (s) => html`<option value="${s}"${s === selected ? html` selected` : ''}>${s}</option>`,
  )}</select></label>`;
}

/** A labelled `<select>` of fixed choices. */
export function choiceFilter(
  label: string,
  name: string,
  choices: ReadonlyArray<readonly [string, string]>,
  selected: string | undefined,
): SafeHtml {
  return html`<label>${label} <select name="${name}">${choices.map(
    ([value, text]) =>
      html`<option value="${value}"${value === (selected ?? '') ? html` selected` : ''}>${text}</option>`,
  )}</select></label>`;
}

/** A labelled text input. */
export function textFilter(label: string, name: string, value: string | undefined): SafeHtml {
  return html`<label>${label} <input type="text" name="${name}" value="${value ?? ''}" autocomplete="off"></label>`;
}
