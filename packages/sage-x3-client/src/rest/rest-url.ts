import { X3ConfigError } from '../errors/x3-config-error.js';
import { assertSDataField } from './sdata-literal.js';
import type { SDataWhere } from './sdata-where.js';

/** Where a REST class lives: `/api1/{application}/{contract}/{endpoint}/{className}`. */
export interface RestLocation {
  /** Server root, e.g. `https://x3.example.com:8124` (a path prefix is kept). */
  baseUrl: string;
  /** Syracuse endpoint name (selects the folder; not always equal to it, [documented] §3 gotcha 3). */
  endpoint: string;
  /** Application segment. @default 'x3' */
  application?: string;
  /** Contract segment. @default 'erp' */
  contract?: string;
  /** X3 class code, e.g. `BPSUPPLIER`. */
  className: string;
  /** Representation code (mandatory in api1, [documented] §1.1). */
  representation: string;
}

/** One `orderBy` criterion. */
export interface RestOrderBy {
  /** Property of the representation's query facet. */
  field: string;
  /** @default 'asc' */
  direction?: 'asc' | 'desc';
}

/** `$query` parameters ([documented] reference §1.2). */
export interface RestQueryParams {
  /** Page size (`count`); the server may lower it (`$itemsPerPage` tells). */
  count?: number;
  /** Predicate built with `sdata`. */
  where?: SDataWhere;
  /** Sort criteria. */
  orderBy?: readonly RestOrderBy[];
  /** Key-range condition, e.g. `{ op: 'gt', key: ['0197'] }` → `key=gt.0197` (composite keys joined by `~`). */
  key?: { op: 'gt' | 'ge' | 'lt' | 'le'; key: readonly string[] };
}

const SEGMENT_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * Encodes one query-parameter value. Characters that the WHATWG URL parser (used by `fetch`) would rewrite are
 * percent-encoded here so the wire form is decided by this function, not by a parser ([documented] §3 gotcha 14
 * reports `%27` vs `'` conflicts; `fetch` always sends `'` as `%27` in an http(s) query, so that form is used).
 * `$`, `@`, `:` and `,` stay literal (legal in a query per RFC 3986, and the documented forms
 * `representation=REP.$query`, `@2024-01-01T00:00:00Z@`); `~` is never encoded by `encodeURIComponent`.
 */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(value)
    .replace(/'/g, '%27')
    .replace(/%24/g, '$')
    .replace(/%40/g, '@')
    .replace(/%3A/gi, ':')
    .replace(/%2C/gi, ',');
}

function checkSegment(name: string, value: string): string {
  if (!SEGMENT_RE.test(value))
    throw new X3ConfigError({ message: `${name} '${value}' is not a valid X3 name` });
  return value;
}

/** `https://host:port[/prefix]/api1/x3/erp/ENDPOINT/CLASS`, without query. */
export function restClassUrl(location: RestLocation): string {
  const base = location.baseUrl.replace(/\/+$/, '');
  return [
    base,
    'api1',
    checkSegment('application', location.application ?? 'x3'),
    checkSegment('contract', location.contract ?? 'erp'),
    checkSegment('endpoint', location.endpoint),
    checkSegment('class', location.className),
  ].join('/');
}

/** The `$query` URL of a class ([documented] §1.1–1.2). */
export function buildRestQueryUrl(location: RestLocation, params: RestQueryParams = {}): string {
  const parts = [
    `representation=${encodeQueryValue(`${checkSegment('representation', location.representation)}.$query`)}`,
  ];
  if (params.count !== undefined) {
    if (!Number.isInteger(params.count) || params.count < 1)
      throw new X3ConfigError({ message: `count must be a positive integer` });
    parts.push(`count=${params.count}`);
  }
  if (params.where) parts.push(`where=${encodeQueryValue(params.where.text)}`);
  if (params.orderBy && params.orderBy.length > 0) {
    const criteria = params.orderBy
      .map((o) => `${assertSDataField(o.field)} ${o.direction ?? 'asc'}`)
      .join(',');
    parts.push(`orderBy=${encodeQueryValue(criteria)}`);
  }
  if (params.key) parts.push(`key=${params.key.op}.${params.key.key.map(encodeQueryValue).join('~')}`);
  return `${restClassUrl(location)}?${parts.join('&')}`;
}

/**
 * The `$details` URL of one record: `CLASS('KEY')` with composite key parts joined by `~` ([documented] §1.1).
 * A quote inside a key is doubled ([inferred], same convention as `where` literals).
 */
export function buildRestDetailsUrl(location: RestLocation, key: readonly string[]): string {
  const keyText = key.map((k) => k.replace(/'/g, "''")).join('~');
  const representation = encodeQueryValue(
    `${checkSegment('representation', location.representation)}.$details`,
  );
  // Path form as in the documented examples (`BPCUSTOMER('MARTIN')`): quotes and parentheses stay literal.
  return `${restClassUrl(location)}('${encodeURIComponent(keyText)}')?representation=${representation}`;
}
