import { X3FilterError } from '../errors/x3-filter-error.js';

/** A value inside an Xtrem `filter` / `orderBy` object. */
export type XtremFilterValue =
  | string
  | number
  | boolean
  | null
  | readonly XtremFilterValue[]
  | { readonly [key: string]: XtremFilterValue };

const KEY_RE = /^[_$A-Za-z][_$A-Za-z0-9]*$/;

/**
 * Serialises an Xtrem `filter` or `orderBy` argument: a JSON-like object with unquoted keys and single-quoted
 * strings (`{_updateStamp: {_gte: '2024-01-01T00:00:00Z'}}`, [documented] reference §2.6). Keys must be plain
 * identifiers (they are code); string values are quoted with `\` and `'` backslash-escaped ([inferred]: the
 * format accepts JSON5-style strings; the value travels in a GraphQL variable, never inside the document).
 */
export function formatXtremFilter(value: XtremFilterValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string')
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new X3FilterError({ reason: `number ${value} cannot be sent to X3` });
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map((v) => formatXtremFilter(v)).join(', ')}]`;
  const entries = Object.entries(value as Record<string, XtremFilterValue>);
  return `{${entries
    .map(([key, inner]) => {
      if (!KEY_RE.test(key))
        throw new X3FilterError({ field: key, reason: 'is not a valid GraphQL property name' });
      return `${key}: ${formatXtremFilter(inner)}`;
    })
    .join(', ')}}`;
}
