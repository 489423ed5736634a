import { Decimal, type DecimalRounding, isDecimal, parseStamp } from '@mlc/core';
import { POWER_BI_LIMITS } from '../limits.js';
import type { PowerBIDataType } from '../schema/schema-types.js';

/**
 * The one rule set for values bound for a push dataset. The encoder ({@link encodeRow}) and every pre-check
 * (the sync engine validates each mapped row with it before batching) call these functions, so a value that
 * passed a check is never refused when its batch is posted.
 */

/** Options of {@link checkValue} and {@link checkRow}. */
export interface CheckValueOptions {
  /**
   * Round Decimal values with more than 4 fraction digits to 4 with this rule, instead of refusing them. A
   * value that still needs more than 28 digits is refused either way. @default refuse
   */
  decimalRounding?: DecimalRounding;
  /**
   * Read a DateTime string without a zone (`2024-05-01T10:00:00`) as UTC instead of refusing it as ambiguous.
   * Sage X3 stores UTC, so the sync engine turns this on. @default false
   */
  assumeUtc?: boolean;
}

/** A value in the one form it is posted and hashed in. */
export type CheckedValue = string | number | boolean;

/** Result of {@link checkValue}: the normalised value, or why the column cannot hold it. */
export type ValueCheck = { ok: true; value: CheckedValue } | { ok: false; reason: string };

/** Result of {@link checkRow}: the normalised row (only table columns), or the first column at fault. */
export type RowCheck =
  | { ok: true; row: Record<string, CheckedValue | null> }
  | { ok: false; column?: string; reason: string };

/** A column as {@link checkRow} reads it. */
export interface CheckedColumn {
  /** Column name. */
  readonly name: string;
  /** Push data type. */
  readonly dataType: PowerBIDataType;
  /** Whether `null` / a missing value is allowed. @default true */
  readonly nullable?: boolean;
}

// [documented] reference §4 (S7, S16): Int64.MaxValue and Int64.MinValue are not allowed, so the valid range is
// strictly between them.
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const DIGITS_RE = /^-?\d+$/;
// ISO 8601 date-time with a zone, a zone-less one, or a bare date (UTC midnight).
const ISO_ZONED_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
const ISO_NAIVE_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/i;
const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
// Year 1 to 9999, the range of .NET DateTime ([inferred]: Power BI stores values as .NET/Tabular dates).
const MIN_DATE_MS = -62_135_596_800_000; // 0001-01-01T00:00:00.000Z
const MAX_DATE_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
/** Plain decimal text with at most 4 fraction digits and 24 integer digits: already in its posted form. */
const PLAIN_DECIMAL_RE = /^-?(?:0|[1-9]\d{0,23})(?:\.\d{0,3}[1-9])?$/;
const UTC_MS_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Checks one value against a push data type and returns it in the one form it is posted and hashed in:
 * Int64 as a number (a digit string beyond 2^53), Double as a finite number, Decimal as a number when a double
 * holds it exactly and as its exact text otherwise (`"12345678901234567890.12"`), DateTime as ISO 8601 UTC with
 * milliseconds (`…T10:00:00.000Z`), String and Boolean as they are. Accepted inputs: numbers, bigints, digit or
 * decimal strings and `Decimal`s (`@mlc/core`) for numeric types, `Date`s and ISO 8601 strings for DateTime
 * (parsed strictly: no roll-over, years 0001–9999). `null`/`undefined` are the caller's business
 * ({@link checkRow} handles nullability).
 */
export function checkValue(
  dataType: PowerBIDataType,
  value: unknown,
  options: CheckValueOptions = {},
): ValueCheck {
  const checked = valueOrRefusal(dataType, value, options);
  return checked instanceof Refusal ? { ok: false, reason: checked.reason } : { ok: true, value: checked };
}

/**
 * Why a value was refused. The checks return the normalised value itself or one of these, so a row check allocates
 * no result object per value (a sync checks every value of every row).
 */
class Refusal {
  constructor(readonly reason: string) {}
}

/** {@link checkValue} without its result object: the normalised value, or a {@link Refusal}. */
function valueOrRefusal(
  dataType: PowerBIDataType,
  value: unknown,
  options: CheckValueOptions,
): CheckedValue | Refusal {
  switch (dataType) {
    case 'Int64':
      return checkInt64(value);
    case 'Double':
      return checkDouble(value);
    case 'Decimal':
      return checkDecimal(value, options.decimalRounding);
    case 'Boolean':
      return typeof value === 'boolean'
        ? value
        : fail(`expected Boolean (true/false), got ${typeName(value)}`);
    case 'DateTime':
      return checkDateTime(value, options.assumeUtc === true);
    case 'String':
      return checkString(value);
  }
}

// The column names of a column list, computed once per list: checkRow runs for every row of a sync.
const COLUMN_NAMES = new WeakMap<readonly CheckedColumn[], ReadonlySet<string>>();

/**
 * The mark of a row {@link checkRow} returned: a non-enumerable own member holding the columns it was checked against.
 * Such a row is frozen, so it still holds exactly the values that passed: the encoder writes them without checking
 * them again when the table's columns are those columns (one rule, applied once per row on the sync path). Not
 * enumerable, so JSON, `Object.keys`, `for…in` and a spread copy (`{ ...row }`, which is not frozen) leave it out; it
 * is reached only through this module's symbol (forging it takes reading the symbol off a checked row on purpose, with
 * `Object.getOwnPropertySymbols`). A `WeakMap` from rows to columns said the same at a cost: one entry per row posted,
 * each an ephemeron the garbage collector handles while a batch holds its rows (in a loop that keeps 20,000 rows of
 * 19 columns alive as a batch does, about 1.1 µs per row more CPU than this member, [inferred] mostly the collector's).
 */
const CHECKED_AGAINST: unique symbol = Symbol('checkedAgainst');

/** The columns a row returned by {@link checkRow} was checked against, or `undefined` for any other object. */
export function checkedColumnsOf(row: object): readonly CheckedColumn[] | undefined {
  // Own only: an object whose prototype is a checked row inherits its values, not its check.
  return Object.hasOwn(row, CHECKED_AGAINST)
    ? (row as { [CHECKED_AGAINST]: readonly CheckedColumn[] })[CHECKED_AGAINST]
    : undefined;
}

/**
 * Checks a row against columns: every value with {@link checkValue}, `null`/missing only where the column is
 * nullable, and no key that is not a column. Returns the normalised row (columns in order, missing as `null`),
 * frozen: appended to a table of the same columns, it is encoded without being checked a second time.
 */
export function checkRow(
  columns: readonly CheckedColumn[],
  row: unknown,
  options: CheckValueOptions = {},
): RowCheck {
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    return { ok: false, reason: `a row must be an object (got ${typeName(row)})` };
  const record = row as Record<string, unknown>;
  const keys = Object.keys(record);
  if (!namesColumns(keys, columns)) {
    let known = COLUMN_NAMES.get(columns);
    if (!known) {
      known = new Set(columns.map((c) => c.name));
      COLUMN_NAMES.set(columns, known);
    }
    for (const key of keys) {
      if (!known.has(key) && record[key] !== undefined)
        return {
          ok: false,
          column: key,
          reason: 'unknown column (not in the table; names are case-sensitive)',
        };
    }
  }
  const out: Record<string, CheckedValue | null> = {};
  for (const column of columns) {
    const value = record[column.name];
    if (value === undefined || value === null) {
      if (column.nullable === false)
        return { ok: false, column: column.name, reason: 'a value is required (the column is not nullable)' };
      out[column.name] = null;
      continue;
    }
    const checked = valueOrRefusal(column.dataType, value, options);
    if (checked instanceof Refusal) return { ok: false, column: column.name, reason: checked.reason };
    out[column.name] = checked;
  }
  Object.defineProperty(out, CHECKED_AGAINST, { value: columns });
  Object.freeze(out);
  return { ok: true, row: out };
}

/**
 * Whether a row's keys are exactly the columns' names, in order: then none is unknown, without a set look-up per key
 * (a mapping usually returns its columns in the table's order).
 */
function namesColumns(keys: readonly string[], columns: readonly CheckedColumn[]): boolean {
  if (keys.length !== columns.length) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== columns[i]?.name) return false;
  return true;
}

/** The JSON literal of a value {@link checkValue} returned for `dataType`. */
export function literalOf(dataType: PowerBIDataType, value: CheckedValue): string {
  if (typeof value === 'string') {
    // Int64 and Decimal texts are posted as JSON numbers (exact digits); ISO instants need no escaping.
    if (dataType === 'Int64' || dataType === 'Decimal') return value;
    if (dataType === 'DateTime') return `"${value}"`;
    return JSON.stringify(value);
  }
  return String(value);
}

function fail(reason: string): Refusal {
  return new Refusal(reason);
}

function checkInt64(value: unknown): CheckedValue | Refusal {
  let big: bigint;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return fail(`expected an integer for Int64, got ${value}`);
    if (!Number.isSafeInteger(value)) {
      return fail(
        `${value} is beyond 2^53 and has lost precision as a number; pass a bigint or a digit string`,
      );
    }
    return value === 0 ? 0 : value;
  }
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'string' && DIGITS_RE.test(value)) big = BigInt(value);
  else if (isDecimal(value) && value.scale === 0) big = value.unscaled;
  else return fail(`expected Int64 (integer number, bigint or digit string), got ${typeName(value)}`);
  if (big >= INT64_MAX || big <= INT64_MIN) {
    return fail('Int64 value out of range (Int64.MinValue and Int64.MaxValue are not allowed)');
  }
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : big.toString();
}

function checkDouble(value: unknown): CheckedValue | Refusal {
  const n = isDecimal(value) ? value.toNumber() : value;
  if (typeof n !== 'number') return fail(`expected Double (number), got ${typeName(value)}`);
  // [documented] §4 (S7): NaN is unsupported, Double.MaxValue/MinValue are not allowed; infinities break functions.
  if (!Number.isFinite(n)) return fail(`Double must be finite (got ${n})`);
  if (Math.abs(n) === Number.MAX_VALUE) return fail('Double.MaxValue / Double.MinValue are not allowed');
  return n === 0 ? 0 : n;
}

function checkDecimal(value: unknown, rounding: DecimalRounding | undefined): CheckedValue | Refusal {
  let decimal: Decimal | undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return fail(`Decimal must be finite (got ${value})`);
    // Fast path for the common case (amounts such as 1234.56): in range and already in its posted form.
    if (PLAIN_DECIMAL_RE.test(String(value))) return value === 0 ? 0 : value;
    decimal = Decimal.fromNumber(value);
  } else if (typeof value === 'string') {
    decimal = Decimal.parse(value);
    if (!decimal) return fail(`expected a decimal string like "-12.3456", got "${truncate(value)}"`);
  } else if (typeof value === 'bigint') {
    decimal = Decimal.of(value);
  } else if (isDecimal(value)) {
    decimal = value;
  } else {
    return fail(`expected Decimal (number, decimal string or Decimal), got ${typeName(value)}`);
  }
  // [documented] §4 (S7): Decimal has precision 28 and scale 4.
  if (decimal.scale > POWER_BI_LIMITS.decimalScale) {
    if (!rounding) {
      return fail(
        `Decimal scale ${decimal.scale} exceeds ${POWER_BI_LIMITS.decimalScale} decimal places (${truncate(decimal.toString())}; declare decimalRounding to round)`,
      );
    }
    decimal = decimal.round(POWER_BI_LIMITS.decimalScale, rounding);
  }
  if (decimal.precision > POWER_BI_LIMITS.decimalPrecision) {
    return fail(
      `Decimal precision ${decimal.precision} exceeds ${POWER_BI_LIMITS.decimalPrecision} digits (${truncate(decimal.toString())})`,
    );
  }
  // [inferred] precision 28 with scale 4 reads as SQL's decimal(28,4): at most 24 digits before the point, whatever
  // the value's own scale (the Power BI simulator refuses the same values).
  const integerDigits = decimal.precision - decimal.scale;
  const maxIntegerDigits = POWER_BI_LIMITS.decimalPrecision - POWER_BI_LIMITS.decimalScale;
  if (integerDigits > maxIntegerDigits) {
    return fail(
      `Decimal has ${integerDigits} integer digits; precision ${POWER_BI_LIMITS.decimalPrecision} with scale ${POWER_BI_LIMITS.decimalScale} holds at most ${maxIntegerDigits} (${truncate(decimal.toString())})`,
    );
  }
  return decimal.isExactNumber() ? decimal.toNumber() : decimal.toString();
}

function checkDateTime(value: unknown, assumeUtc: boolean): CheckedValue | Refusal {
  let time: number;
  if (value instanceof Date) {
    time = value.getTime();
    if (Number.isNaN(time)) return fail('invalid Date');
  } else if (typeof value === 'string') {
    // Fast paths for the two forms a sync sends (a UTC instant with milliseconds, a date): the same answers as the
    // general path below, without its other patterns and, for a date, without a Date object.
    if (UTC_MS_RE.test(value)) {
      const at = parseStamp(value)?.epochMs;
      if (at !== undefined && at >= MIN_DATE_MS && at <= MAX_DATE_MS) return value;
    } else if (ISO_DATE_RE.test(value)) {
      const at = parseStamp(value)?.epochMs;
      // Midnight UTC of a year 0001–9999: what `new Date(at).toISOString()` writes.
      if (at !== undefined && at >= MIN_DATE_MS && at <= MAX_DATE_MS) return `${value}T00:00:00.000Z`;
    }
    // The exact form this function returns (what the sync engine sends): valid by construction once parsed.
    const zoned = ISO_ZONED_RE.test(value) || ISO_DATE_RE.test(value);
    // [inferred] a date-time without a zone is ambiguous (the service stores naive values, §4): refused unless
    // the caller knows its zone is UTC.
    if (!zoned && !(assumeUtc && ISO_NAIVE_RE.test(value))) {
      return fail(
        `expected an ISO 8601 date-time with a zone (Z or ±hh:mm) or a date, got "${truncate(value)}"`,
      );
    }
    // Strict: 2024-02-30 or 25:61 are refused, never rolled over to another day.
    const parsed = parseStamp(value);
    if (!parsed) return fail(`invalid date "${truncate(value)}"`);
    time = parsed.epochMs;
    if (time >= MIN_DATE_MS && time <= MAX_DATE_MS && UTC_MS_RE.test(value)) return value;
  } else {
    return fail(`expected DateTime (Date or ISO 8601 string), got ${typeName(value)}`);
  }
  if (time < MIN_DATE_MS || time > MAX_DATE_MS) return fail('DateTime outside years 0001–9999');
  // [documented-3p] §4 (S15): the offset is dropped on storage, so values are sent as UTC.
  return new Date(time).toISOString();
}

function checkString(value: unknown): CheckedValue | Refusal {
  if (typeof value !== 'string') return fail(`expected String, got ${typeName(value)}`);
  // [documented] §3/§4 (S5, S7): 4,000 characters per string value (UTF-16 code units, as .NET counts them).
  if (value.length > POWER_BI_LIMITS.maxStringLength) {
    return fail(`string of ${value.length} characters exceeds ${POWER_BI_LIMITS.maxStringLength}`);
  }
  return value;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'Date';
  if (isDecimal(value)) return `Decimal(${truncate(value.toString())})`;
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
