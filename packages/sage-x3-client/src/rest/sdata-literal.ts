import { X3FilterError } from '../errors/x3-filter-error.js';

const DATE_ONLY_BRAND = Symbol('SDataDate');
const DATETIME_BRAND = Symbol('SDataDateTime');

/** A plain calendar date (no zone), formatted `@YYYY-MM-DD@`. Create with {@link sdataDate}. */
export interface SDataDate {
  readonly [DATE_ONLY_BRAND]: true;
  /** `YYYY-MM-DD`. */
  readonly value: string;
}

/** A UTC instant, formatted `@YYYY-MM-DDTHH:MM:SSZ@`. Create with {@link sdataDateTime} or pass a `Date`. */
export interface SDataDateTime {
  readonly [DATETIME_BRAND]: true;
  /** `YYYY-MM-DDTHH:MM:SS[.sss]Z`. */
  readonly value: string;
}

/** A value the `where` builder can format as an SData literal. */
export type SDataValue = string | number | bigint | boolean | Date | SDataDate | SDataDateTime;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A calendar date literal (`@2024-01-31@`, [documented] reference §1.2). Business dates such as `INVDAT` are plain
 * dates with no zone ([documented] §3 gotcha 5), so a string, not a `Date`, is the honest input.
 */
export function sdataDate(value: string): SDataDate {
  const m = DATE_RE.exec(value);
  if (
    !m ||
    Number.isNaN(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) ||
    Number(m[2]) > 12 ||
    Number(m[3]) > 31
  ) {
    throw new X3FilterError({ reason: `'${value}' is not a YYYY-MM-DD date` });
  }
  return { [DATE_ONLY_BRAND]: true, value };
}

/**
 * A UTC datetime literal (`@2024-01-31T10:00:00Z@`, [documented] reference §1.2). Accepts a `Date`, epoch ms, or an
 * ISO string with a zone (a zone-less string is refused: X3 datetimes are UTC and guessing a zone loses data).
 * A `…Z` string is used verbatim; other inputs are written in whole seconds without fraction as in the documented
 * form, with `.sss` only when the milliseconds are not zero ([inferred]: X3 datetimes have second precision).
 */
export function sdataDateTime(value: string | number | Date): SDataDateTime {
  let ms: number;
  if (typeof value === 'string') {
    const m = DATETIME_RE.exec(value);
    if (!m?.[8])
      throw new X3FilterError({ reason: `'${value}' is not an ISO datetime with a zone (e.g. …Z)` });
    ms = Date.parse(value);
    // A UTC string is sent as written, fraction digits included: a stamp read from X3 must compare equal to itself
    // (`UPDDATTIM eq @…@`), which re-formatting through Date (millisecond precision) could break.
    if (m[8] === 'Z' && Number.isFinite(ms)) return { [DATETIME_BRAND]: true, value };
  } else {
    ms = typeof value === 'number' ? value : value.getTime();
  }
  if (!Number.isFinite(ms)) throw new X3FilterError({ reason: `'${String(value)}' is not a valid datetime` });
  return { [DATETIME_BRAND]: true, value: formatUtcInstant(ms) };
}

/** `YYYY-MM-DDTHH:MM:SSZ`, with `.sss` only when the milliseconds are not zero. */
export function formatUtcInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

function isBranded<B extends symbol>(value: unknown, brand: B): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/**
 * Formats one value as an SData `where` literal. Strings are single-quoted with embedded quotes doubled
 * (`O'Neil` → `'O''Neil'`): quoting is [documented] (§1.2) but escaping is not ([inferred] from SData/SQL
 * convention; the reference asks to test it). Numbers must be finite and are written without exponent.
 */
export function formatSDataLiteral(value: SDataValue): string {
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      throw new X3FilterError({ reason: 'string literal contains a NUL character' });
    return `'${value.replace(/'/g, "''")}'`;
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new X3FilterError({ reason: `number ${value} cannot be sent to X3` });
    const text = String(value);
    if (/e/i.test(text)) {
      throw new X3FilterError({ reason: `number ${text} needs an exponent; X3 literals have none` });
    }
    return text;
  }
  // [inferred] SData boolean literals; X3 classic booleans are often local menus 1/2: filter those as numbers.
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return `@${sdataDateTime(value).value}@`;
  if (isBranded(value, DATE_ONLY_BRAND)) return `@${(value as SDataDate).value}@`;
  if (isBranded(value, DATETIME_BRAND)) return `@${(value as SDataDateTime).value}@`;
  throw new X3FilterError({ reason: `unsupported literal type ${typeof value}` });
}

const FIELD_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Checks a property name before it goes into a `where`/`orderBy` (names are code, not data: only
 * `NAME` or dotted `ref.code` forms, as in the documented examples, are accepted).
 */
export function assertSDataField(field: string): string {
  if (!FIELD_RE.test(field)) throw new X3FilterError({ field, reason: 'is not a valid X3 property name' });
  return field;
}
