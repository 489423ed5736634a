import { Decimal } from '@mlc/core';
/** The canonical push-dataset data types ([documented] reference §4, S7). */
export type CanonicalDataType = 'Int64' | 'Double' | 'Decimal' | 'Boolean' | 'DateTime' | 'String';

/**
 * A value as the simulator stores it: Int64 beyond 2^53 and a Decimal a double cannot hold exactly are kept as their
 * exact digit text; DateTime as a naive ISO string.
 */
export type StoredValue = string | number | boolean | null;

/** The result of checking one value against its column type. */
export type CoerceResult = { ok: true; value: StoredValue } | { ok: false; reason: string };

// [documented] S6/S7/S16: samples mix spellings, swagger types dataType as a free string → [inferred] the
// service matches case-insensitively with these aliases.
const ALIASES: Record<string, CanonicalDataType> = {
  int64: 'Int64',
  int: 'Int64',
  double: 'Double',
  decimal: 'Decimal',
  boolean: 'Boolean',
  bool: 'Boolean',
  datetime: 'DateTime',
  string: 'String',
};

/** Maps a `dataType` spelling to its canonical type, or undefined when the simulator does not know it. */
export function canonicalDataType(raw: unknown): CanonicalDataType | undefined {
  return typeof raw === 'string' ? ALIASES[raw.toLowerCase()] : undefined;
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const NUMERIC_STRING = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** Checks and normalises one value for a column of `type`. `null` (blank) is accepted for every type [inferred]. */
export function coerceValue(type: CanonicalDataType, value: unknown, maxStringLength: number): CoerceResult {
  if (value === null) return { ok: true, value: null };
  switch (type) {
    case 'Int64':
      return coerceInt64(value);
    case 'Double':
    case 'Decimal':
      return coerceNumber(type, value);
    case 'Boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      // [inferred] string coercion: production writers send every value as a string (reference §4, Keboola).
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) {
        return { ok: true, value: value.toLowerCase() === 'true' };
      }
      return fail(value, type);
    case 'DateTime':
      return coerceDateTime(value);
    case 'String': {
      if (typeof value !== 'string') return fail(value, type);
      // [documented] S5/S7: 4,000 characters per string value. [inferred] counted as .NET's String.Length, in UTF-16
      // code units (the service is .NET): a character outside the BMP (an emoji) counts two, as the client counts.
      if (value.length > maxStringLength) {
        return {
          ok: false,
          reason: `String value of ${value.length} characters exceeds the limit of ${maxStringLength}`,
        };
      }
      return { ok: true, value };
    }
  }
}

function fail(value: unknown, type: CanonicalDataType): CoerceResult {
  return { ok: false, reason: `Value ${preview(value)} is not a valid ${type}` };
}

/** A short, safe rendering of a value for error messages (long strings are cut). */
export function preview(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function coerceInt64(value: unknown): CoerceResult {
  if (typeof value === 'number') {
    // JSON numbers beyond 2^53 have already lost precision when parsed, so they are refused [inferred, stricter
    // than the service]; clients send big Int64 values as digit strings.
    if (!Number.isSafeInteger(value)) return fail(value, 'Int64');
    return { ok: true, value };
  }
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) {
    const big = BigInt(value);
    // [documented] S7/S16: Int64.MaxValue and Int64.MinValue are not allowed.
    if (big >= INT64_MAX || big <= INT64_MIN) {
      return { ok: false, reason: `Value ${preview(value)} is out of the allowed Int64 range` };
    }
    const n = Number(big);
    return { ok: true, value: Number.isSafeInteger(n) ? n : big.toString() };
  }
  return fail(value, 'Int64');
}

function coerceNumber(type: 'Double' | 'Decimal', value: unknown): CoerceResult {
  if (type === 'Decimal') return coerceDecimal(value);
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && NUMERIC_STRING.test(value))
    n = Number(value); // [inferred] coercion
  else return fail(value, type);
  // [documented] S7: NaN unsupported, Double.MaxValue/MinValue not allowed; ±Infinity refused [inferred].
  if (!Number.isFinite(n) || Math.abs(n) === Number.MAX_VALUE) return fail(value, type);
  return { ok: true, value: n };
}

/**
 * A Decimal, exactly ([documented] S7: precision 28, scale 4). The value is read from its exact text (the route
 * parses long number literals as text), so `12345678901234567890.12` is stored with every digit: as a number when
 * a double holds it exactly, as its digit text otherwise. [inferred] extra fraction digits are rounded half-even
 * (the .NET decimal default), not refused; more than 24 integer digits cannot fit and are refused.
 */
function coerceDecimal(value: unknown): CoerceResult {
  let decimal: Decimal | undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) === Number.MAX_VALUE) return fail(value, 'Decimal');
    decimal = Decimal.fromNumber(value);
  } else if (typeof value === 'string' && NUMERIC_STRING.test(value)) {
    // [inferred] coercion of numeric strings; exponent forms go through a double.
    decimal = Decimal.parse(value) ?? Decimal.fromNumber(Number(value));
  } else return fail(value, 'Decimal');
  const rounded = decimal.scale > 4 ? decimal.round(4, 'half-even') : decimal;
  if (rounded.precision - rounded.scale > 24)
    return { ok: false, reason: `Value ${preview(value)} exceeds Decimal precision 28` };
  const n = rounded.toNumber();
  const exact = Number.isFinite(n) && Decimal.fromNumber(n).compare(rounded) === 0;
  return { ok: true, value: exact ? (n === 0 ? 0 : n) : rounded.toString() };
}

function coerceDateTime(value: unknown): CoerceResult {
  if (typeof value !== 'string') return fail(value, 'DateTime');
  const us = US_DATE.exec(value);
  if (us) {
    // [documented] S6 sample rows use "07/30/2014" (M/D/Y).
    return formatDate(Number(us[3]), Number(us[1]), Number(us[2]), 0, 0, 0, 0, value);
  }
  const m = ISO_DATE.exec(value);
  if (!m) return fail(value, 'DateTime');
  const fraction = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  // [C-3p] reference §4 (S15): the offset is dropped, no time zone is stored ("…Z" came back without "Z").
  // [inferred] a non-Z offset is dropped the same way (wall-clock time kept, not converted).
  return formatDate(
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    fraction,
    value,
  );
}

function formatDate(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  raw: string,
): CoerceResult {
  // setUTCFullYear, not Date.UTC: Date.UTC maps the years 0–99 to 1900–1999, and .NET DateTime holds years
  // 0001–9999 ([inferred] the Tabular engine stores .NET dates).
  const probe = new Date(0);
  probe.setUTCFullYear(y, mo - 1, d);
  if (
    y < 1 ||
    mo < 1 ||
    mo > 12 ||
    probe.getUTCFullYear() !== y ||
    probe.getUTCMonth() !== mo - 1 ||
    probe.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59
  ) {
    return fail(raw, 'DateTime');
  }
  // [documented] S7: fractions of a second are quantised to multiples of 1/300 s.
  const q = Math.min(999, Math.round(Math.round((ms * 300) / 1000) * (1000 / 300)));
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const base = `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}`;
  return { ok: true, value: q === 0 ? base : `${base}.${pad(q, 3)}` };
}
