/**
 * HTML built only through the {@link html} tag: every interpolated value is escaped unless it is already
 * {@link SafeHtml} (the result of another `html` call). There is no other way to put text into a page, so a value
 * from Sage X3 or Power BI cannot become markup.
 */
export class SafeHtml {
  /** @param value markup known to be safe (built by {@link html}) */
  constructor(readonly value: string) {}

  /** The markup. */
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Characters that are invisible or reorder text: controls (but tab and line breaks) and format characters (soft
 * hyphen, the Arabic letter mark, zero-width spaces and joiners, bidirectional embeddings, overrides and isolates,
 * word joiners, the BOM, ...), and the line and paragraph separators. A hostile value could hide or disguise text with
 * them (`\u202E` makes `gpj.exe` read `exe.jpg`), so they are shown as visible `[U+XXXX]` marks.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
const KEPT = new Set(['\t', '\n', '\r']);

/**
 * Text as HTML: `& < > " ' \`` escaped (safe in element content and in quoted attributes) and invisible or
 * reordering characters made visible as `[U+XXXX]`.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(HIDDEN, (c) =>
      KEPT.has(c) ? c : `[U+${c.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}]`,
    )
    .replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

/** A value interpolated into {@link html}: text (escaped), numbers, safe markup, lists of them; nothing renders nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * The tag that builds every page: `html\`<td>${name}</td>\`` escapes `name`; nested `html` results and arrays of
 * them are inserted as they are.
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i] as HtmlValue) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}
