import { PowerBIValidationError } from '../errors/power-bi-validation-error.js';
import { POWER_BI_LIMITS } from '../limits.js';
import { BATCH_COLUMN, type ResolvedColumn, type ResolvedTable } from '../schema/schema-types.js';

// [documented] reference §4 (S7, S16): Int64.MaxValue and Int64.MinValue are not allowed, so the valid range is
// strictly between them.
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const DIGITS_RE = /^-?\d+$/;
const DECIMAL_RE = /^(-?)(\d+)(?:\.(\d+))?$/;
const NUMBER_TEXT_RE = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;
// ISO 8601 date-time with a zone, or a bare date (which ECMAScript reads as UTC midnight).
const ISO_ZONED_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
// Year 1 to 9999, the range of .NET DateTime ([inferred]: Power BI stores values as .NET/Tabular dates).
const MIN_DATE_MS = new Date('0001-01-01T00:00:00Z').getTime();
const MAX_DATE_MS = new Date('9999-12-31T23:59:59.999Z').getTime();

/** Options for {@link encodeRow}. */
export interface EncodeRowOptions {
  /** Value written to the reserved `_batch` column. */
  batchId?: string;
}

/**
 * Validates one row against its table and returns its JSON text, ready to be joined into a POST rows body. Values
 * are written in the form Power BI reads unambiguously: Int64 as exact integer literals (bigint and digit strings
 * included, beyond 2^53), Decimal as exact decimal literals, DateTime as ISO 8601 UTC (`…Z`). Missing or `null`
 * nullable values are omitted (left blank).
 *
 * @throws {PowerBIValidationError} `PBI_ROW_INVALID` naming the row index, the column and the reason.
 */
export function encodeRow(
  table: ResolvedTable,
  row: unknown,
  rowIndex: number,
  options: EncodeRowOptions = {},
): string {
  const fail = (reason: string, column?: string): never => {
    throw new PowerBIValidationError('PBI_ROW_INVALID', {
      reason,
      table: table.name,
      rowIndex,
      ...(column !== undefined ? { column } : {}),
    });
  };
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    fail(`a row must be an object (got ${typeName(row)})`);
  const record = row as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const column = table.columnsByName.get(key);
    if (!column) {
      // [inferred] the service's handling of unknown keys is not documented (§4): refuse rather than lose data.
      if (record[key] !== undefined)
        fail('unknown column (not in the table schema; names are case-sensitive)', key);
    } else if (column.reserved) {
      fail(`"${BATCH_COLUMN}" is reserved; pass append(rows, { batchId }) instead`, key);
    }
  }

  const names = quotedNames(table);
  let out = '';
  for (let c = 0; c < table.columns.length; c++) {
    const column = table.columns[c] as ResolvedColumn;
    let literal: string | undefined;
    if (column.reserved) {
      if (options.batchId !== undefined) literal = JSON.stringify(options.batchId);
    } else {
      const value = record[column.name];
      if (value === undefined || value === null) {
        if (!column.nullable) fail(`a value is required (the column is not nullable)`, column.name);
      } else {
        const encoded = encodeValue(column, value);
        if (typeof encoded !== 'string') fail(encoded.reason, column.name);
        literal = encoded as string;
      }
    }
    if (literal !== undefined) out += `${out === '' ? '' : ','}${names[c]}:${literal}`;
  }
  return `{${out}}`;
}

// The JSON-quoted column names of a table, computed once per table: encodeRow runs for every row posted.
const QUOTED_NAMES = new WeakMap<ResolvedTable, readonly string[]>();

function quotedNames(table: ResolvedTable): readonly string[] {
  let names = QUOTED_NAMES.get(table);
  if (!names) {
    names = table.columns.map((column) => JSON.stringify(column.name));
    QUOTED_NAMES.set(table, names);
  }
  return names;
}

/** Encodes one value as a JSON literal, or explains why it cannot be. */
export function encodeValue(
  column: Pick<ResolvedColumn, 'dataType'>,
  value: unknown,
): string | { reason: string } {
  switch (column.dataType) {
    case 'Int64':
      return encodeInt64(value);
    case 'Double':
      return encodeDouble(value);
    case 'Decimal':
      return encodeDecimal(value);
    case 'Boolean':
      return typeof value === 'boolean'
        ? String(value)
        : { reason: `expected Boolean (true/false), got ${typeName(value)}` };
    case 'DateTime':
      return encodeDateTime(value);
    case 'String':
      return encodeString(value);
  }
}

function encodeInt64(value: unknown): string | { reason: string } {
  let big: bigint;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return { reason: `expected an integer for Int64, got ${value}` };
    if (!Number.isSafeInteger(value)) {
      return {
        reason: `${value} is beyond 2^53 and has lost precision as a number; pass a bigint or a digit string`,
      };
    }
    return String(value);
  }
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'string' && DIGITS_RE.test(value)) big = BigInt(value);
  else return { reason: `expected Int64 (integer number, bigint or digit string), got ${typeName(value)}` };
  if (big >= INT64_MAX || big <= INT64_MIN) {
    return { reason: `Int64 value out of range (Int64.MinValue and Int64.MaxValue are not allowed)` };
  }
  return big.toString();
}

function encodeDouble(value: unknown): string | { reason: string } {
  if (typeof value !== 'number') return { reason: `expected Double (number), got ${typeName(value)}` };
  // [documented] §4 (S7): NaN is unsupported, Double.MaxValue/MinValue are not allowed; infinities break functions.
  if (!Number.isFinite(value)) return { reason: `Double must be finite (got ${value})` };
  if (Math.abs(value) === Number.MAX_VALUE)
    return { reason: 'Double.MaxValue / Double.MinValue are not allowed' };
  return JSON.stringify(value);
}

/** Plain decimal text (no exponent) with at most 4 fraction digits: already in the form Power BI gets. */
const PLAIN_DECIMAL_RE = /^-?(?:0|[1-9]\d{0,23})(?:\.\d{1,4})?$/;

function encodeDecimal(value: unknown): string | { reason: string } {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { reason: `Decimal must be finite (got ${value})` };
    text = String(value);
    // Fast path for the common case (amounts such as 1234.56): at most 24 + 4 digits, so within precision 28.
    if (PLAIN_DECIMAL_RE.test(text)) return text === '-0' ? '0' : text;
  } else if (typeof value === 'string') {
    if (!DECIMAL_RE.test(value.trim()))
      return { reason: `expected a decimal string like "-12.3456", got "${truncate(value)}"` };
    text = value.trim();
  } else if (typeof value === 'bigint') {
    text = value.toString();
  } else {
    return { reason: `expected Decimal (number or decimal string), got ${typeName(value)}` };
  }
  const parts = NUMBER_TEXT_RE.exec(text);
  if (!parts) return { reason: `not a decimal number: "${truncate(text)}"` };
  const [, sign = '', intDigits = '', fracDigits = '', exponentText] = parts;
  const exponent = exponentText ? Number(exponentText) : 0;
  // Shift the decimal point by the exponent to get plain digits, then trim insignificant zeros.
  const digits = intDigits + fracDigits;
  const pointAt = intDigits.length + exponent;
  let integerPart = pointAt <= 0 ? '0' : digits.slice(0, pointAt).padEnd(pointAt, '0');
  let fractionPart = pointAt <= 0 ? '0'.repeat(-pointAt) + digits : digits.slice(pointAt);
  integerPart = integerPart.replace(/^0+(?=\d)/, '');
  fractionPart = fractionPart.replace(/0+$/, '');
  // [documented] §4 (S7): Decimal has precision 28 and scale 4.
  if (fractionPart.length > POWER_BI_LIMITS.decimalScale) {
    return {
      reason: `Decimal scale ${fractionPart.length} exceeds ${POWER_BI_LIMITS.decimalScale} decimal places`,
    };
  }
  const significant = (integerPart === '0' ? '' : integerPart) + fractionPart;
  if (significant.length > POWER_BI_LIMITS.decimalPrecision) {
    return {
      reason: `Decimal precision ${significant.length} exceeds ${POWER_BI_LIMITS.decimalPrecision} digits`,
    };
  }
  const negative = sign === '-' && /[1-9]/.test(integerPart + fractionPart);
  return `${negative ? '-' : ''}${integerPart}${fractionPart ? `.${fractionPart}` : ''}`;
}

function encodeDateTime(value: unknown): string | { reason: string } {
  let time: number;
  if (value instanceof Date) {
    time = value.getTime();
    if (Number.isNaN(time)) return { reason: 'invalid Date' };
  } else if (typeof value === 'string') {
    // [inferred] a date-time without a zone is ambiguous (the service stores naive values, §4), so it is refused.
    if (!ISO_ZONED_RE.test(value) && !ISO_DATE_RE.test(value)) {
      return {
        reason: `expected an ISO 8601 date-time with a zone (Z or ±hh:mm) or a date, got "${truncate(value)}"`,
      };
    }
    // Date.parse rolls impossible fields over (2024-02-30 becomes 2024-03-01): refuse them instead.
    if (!calendarFieldsValid(value)) return { reason: `invalid date "${truncate(value)}"` };
    time = Date.parse(value);
    if (Number.isNaN(time)) return { reason: `invalid date "${truncate(value)}"` };
    // A bare date is UTC midnight; a value already in the exact UTC form toISOString() writes (what the sync
    // engine sends) needs no re-formatting. Both are the common cases, and re-formatting is the costly part.
    if (value.length === 10) {
      if (time < MIN_DATE_MS || time > MAX_DATE_MS) return { reason: 'DateTime outside years 0001–9999' };
      return `"${value}T00:00:00.000Z"`;
    }
    if (value.length === 24 && value.charCodeAt(23) === 90 /* Z */ && value.charCodeAt(19) === 46 /* . */) {
      if (time < MIN_DATE_MS || time > MAX_DATE_MS) return { reason: 'DateTime outside years 0001–9999' };
      return `"${value}"`;
    }
  } else {
    return { reason: `expected DateTime (Date or ISO 8601 string), got ${typeName(value)}` };
  }
  if (time < MIN_DATE_MS || time > MAX_DATE_MS) return { reason: 'DateTime outside years 0001–9999' };
  // [documented-3p] §4 (S15): the offset is dropped on storage, so values are sent as UTC.
  return JSON.stringify(new Date(time).toISOString());
}

const THIRTY_DAY_MONTHS = new Set([4, 6, 9, 11]);

/** Month, day (leap years included), hour, minute and second of an ISO string are within their ranges. */
function calendarFieldsValid(iso: string): boolean {
  const year = Number(iso.slice(0, 4));
  const month = Number(iso.slice(5, 7));
  const day = Number(iso.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : THIRTY_DAY_MONTHS.has(month) ? 30 : 31;
  if (day > daysInMonth) return false;
  if (iso.length === 10) return true;
  const hour = Number(iso.slice(11, 13));
  const minute = Number(iso.slice(14, 16));
  const second = iso.charCodeAt(16) === 58 /* : */ ? Number(iso.slice(17, 19)) : 0;
  return hour <= 23 && minute <= 59 && second <= 59;
}

function encodeString(value: unknown): string | { reason: string } {
  if (typeof value !== 'string') return { reason: `expected String, got ${typeName(value)}` };
  // [documented] §3/§4 (S5, S7): 4,000 characters per string value (UTF-16 code units, as .NET counts them).
  if (value.length > POWER_BI_LIMITS.maxStringLength) {
    return { reason: `string of ${value.length} characters exceeds ${POWER_BI_LIMITS.maxStringLength}` };
  }
  return JSON.stringify(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'Date';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
