import { epochDayOf, isCalendarDate } from './calendar-date.js';

/** A date-time parsed to an instant. */
export interface ParsedStamp {
  /** Milliseconds since the epoch (UTC). */
  epochMs: number;
  /** Fraction digits beyond the millisecond, scaled to nanoseconds within the millisecond (0–999999). */
  subMsNanos: number;
}

const STAMP_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,12}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Recently parsed stamps. Records of one page share few distinct stamps and every comparison parses both sides,
 * so a small memo turns the hot path into a map look-up. Pure data, bounded, safe to share.
 */
const memo = new Map<string, ParsedStamp | null>();
const MEMO_LIMIT = 4096;
const DAY_MS = 86_400_000;

/**
 * Parses an ISO-8601 date or date-time (`2024-05-01`, `2024-05-01T10:00:00.123456Z`, `…+02:00`, a space for the
 * `T`) strictly and without consulting the host time zone: a stamp without an offset is read as UTC (what Sage
 * X3 stores). Nothing rolls over — `2024-02-30`, `25:00`, `:61` are refused, not moved to the next day — and the
 * year is read as written with four digits, 0001–9999 (`0099` is the year 99, never 1999). `undefined` when the
 * text is not such a date-time.
 */
export function parseStamp(raw: string): ParsedStamp | undefined {
  const hit = memo.get(raw);
  if (hit !== undefined) return hit ?? undefined;
  const parsed = parseUncached(raw);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(raw, parsed ?? null);
  return parsed;
}

function parseUncached(raw: string): ParsedStamp | undefined {
  if (isZuluSeconds(raw)) {
    const year = digitsAt(raw, 0, 4);
    const month = digitsAt(raw, 5, 7);
    const day = digitsAt(raw, 8, 10);
    const hour = digitsAt(raw, 11, 13);
    const minute = digitsAt(raw, 14, 16);
    const second = digitsAt(raw, 17, 19);
    return instantOf(year, month, day, hour, minute, second, '', undefined);
  }
  const m = STAMP_RE.exec(raw.trim());
  if (!m) return undefined;
  const [, y = '', mo = '', d = '', h = '0', mi = '0', s = '0', frac = '', zone] = m;
  return instantOf(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), frac, zone);
}

/**
 * Whether the text is exactly `DDDD-DD-DDTDD:DD:DDZ` (D a digit; the form X3 sends): its fields are then read
 * without the regular expression, to the same numbers {@link STAMP_RE} would give (this is only the quicker way
 * there); any other text goes through the expression.
 */
function isZuluSeconds(raw: string): boolean {
  if (raw.length !== 20 || raw.charCodeAt(10) !== 0x54 || raw.charCodeAt(19) !== 0x5a) return false;
  for (let i = 0; i < 19; i++) {
    const c = raw.charCodeAt(i);
    if (i === 4 || i === 7) {
      if (c !== 0x2d) return false;
    } else if (i === 13 || i === 16) {
      if (c !== 0x3a) return false;
    } else if (i !== 10 && (c < 0x30 || c > 0x39)) return false;
  }
  return true;
}

/** The number written by the ASCII digits `raw[from, to)`. */
function digitsAt(raw: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + raw.charCodeAt(i) - 0x30;
  return n;
}

/** The instant of the fields as written (fraction digits and zone as matched), or undefined when one is out of range. */
function instantOf(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  frac: string,
  zone: string | undefined,
): ParsedStamp | undefined {
  if (year < 1 || !isCalendarDate(year, month, day)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  // The fraction's first nine digits as nanoseconds, read digit by digit: the same numbers as padding it to nine
  // digits and slicing, without the three strings per stamp that cost (a stamp is parsed for every record read).
  let nanos = 0;
  for (let i = 0; i < 9; i++) nanos = nanos * 10 + (i < frac.length ? frac.charCodeAt(i) - 0x30 : 0);
  const ms = Math.floor(nanos / 1_000_000);
  const subMsNanos = nanos % 1_000_000;
  let epochMs = epochDayOf(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMinutes = Number(digits.slice(2, 4) || '0');
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    epochMs -= sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  return { epochMs, subMsNanos };
}
