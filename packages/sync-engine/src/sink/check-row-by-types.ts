import { Decimal, isDecimal, parseStamp } from '@mlc/core';
import type { RowValue } from '../state-store/types.js';
import type { RowCheckRequest, RowCheckResult, SinkColumnType } from './sync-sink.js';

const DIGITS_RE = /^-?\d+$/;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
/** Years 0001–9999: ISO 8601 text outside them needs an expanded year that few sinks read. */
const MIN_DATE_MS = -62_135_596_800_000;
const MAX_DATE_MS = 253_402_300_799_999;

type ValueCheck = { ok: true; value: RowValue } | { ok: false; reason: string };

/**
 * The engine's own rules for its column vocabulary ({@link SinkColumnType}), applied when a sink declares no
 * {@link SyncSink.checkRow}: each value must be of its column's type and is normalised to the one form it is
 * hashed, stored and posted in — Int64 a number (a digit string beyond 2^53), Double a finite number, Decimal a
 * number when a double holds it exactly and its exact text otherwise, DateTime ISO 8601 UTC with milliseconds (a
 * zone-less stamp read as UTC), String and Boolean as they are; `null` for absent values. No destination limit
 * applies here (string length, decimal scale): a sink that has such limits checks them in its own `checkRow`.
 */
export function checkRowByTypes(request: RowCheckRequest): RowCheckResult {
  const row: Record<string, RowValue> = {};
  for (const [name, type] of Object.entries(request.table.columns)) {
    const value = request.row[name];
    if (value === undefined || value === null) {
      row[name] = null;
      continue;
    }
    const checked = checkValueByType(type, value);
    if (!checked.ok) return { ok: false, field: name, reason: checked.reason };
    row[name] = checked.value;
  }
  return { ok: true, row };
}

function checkValueByType(type: SinkColumnType, value: unknown): ValueCheck {
  switch (type) {
    case 'String':
      return typeof value === 'string' ? { ok: true, value } : fail('String', value);
    case 'Boolean':
      return typeof value === 'boolean' ? { ok: true, value } : fail('Boolean', value);
    case 'Int64':
      return checkInt64(value);
    case 'Double': {
      const n = isDecimal(value) ? value.toNumber() : value;
      return typeof n === 'number' && Number.isFinite(n)
        ? { ok: true, value: n === 0 ? 0 : n }
        : fail(type, value);
    }
    case 'Decimal':
      return checkDecimal(value);
    case 'DateTime':
      return checkDateTime(value);
  }
}

function checkInt64(value: unknown): ValueCheck {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? { ok: true, value: value === 0 ? 0 : value } : fail('Int64', value);
  }
  let big: bigint;
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'string' && DIGITS_RE.test(value)) big = BigInt(value);
  else if (isDecimal(value) && value.scale === 0) big = value.unscaled;
  else return fail('Int64', value);
  if (big > INT64_MAX || big < INT64_MIN)
    return { ok: false, reason: 'Int64 value out of the signed 64-bit range' };
  const n = Number(big);
  return { ok: true, value: Number.isSafeInteger(n) ? n : big.toString() };
}

function checkDecimal(value: unknown): ValueCheck {
  let decimal: Decimal | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) decimal = Decimal.fromNumber(value);
  else if (typeof value === 'string') {
    decimal = Decimal.parse(value);
    // Say which form is wanted: a decimal comma ("12,5") or a thousands separator is the usual mistake.
    if (!decimal)
      return { ok: false, reason: `expected a decimal string like "-12.3456", got ${shown(value)}` };
  } else if (typeof value === 'bigint') decimal = Decimal.of(value);
  else if (isDecimal(value)) decimal = value;
  if (!decimal) return fail('Decimal', value);
  return { ok: true, value: decimal.isExactNumber() ? decimal.toNumber() : decimal.toString() };
}

function checkDateTime(value: unknown): ValueCheck {
  let time: number | undefined;
  if (value instanceof Date) time = value.getTime();
  else if (typeof value === 'string') time = parseStamp(value)?.epochMs;
  if (time === undefined || Number.isNaN(time) || time < MIN_DATE_MS || time > MAX_DATE_MS)
    return fail('DateTime', value);
  return { ok: true, value: new Date(time).toISOString() };
}

function fail(type: SinkColumnType, value: unknown): { ok: false; reason: string } {
  return { ok: false, reason: `expected ${type}, got ${shown(value)}` };
}

/** A value as an error message shows it: strings quoted (and cut at 40 characters), other values by kind. */
function shown(value: unknown): string {
  return typeof value === 'string'
    ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
    : value instanceof Date
      ? 'an invalid Date'
      : isDecimal(value)
        ? `Decimal(${value.toString()})`
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : Array.isArray(value)
            ? 'an array'
            : typeof value;
}
