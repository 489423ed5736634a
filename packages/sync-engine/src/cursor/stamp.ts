/**
 * Update stamps are kept as the raw strings the source returned (never re-formatted, never rounded: peers lost
 * rows by rounding bounds, see peers.md §7 #8) and compared by instant, then sub-millisecond digits, then raw text.
 * All arithmetic here is UTC and never touches the host time zone (peers.md §7 #11): a stamp without an offset
 * is read as UTC, which is what Sage X3 stores (`UPDDATTIM` is UTC [documented] sage-x3.md §1.7).
 */

/** A stamp parsed to an instant. */
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

/** Parses an ISO-8601-like stamp without consulting the host time zone; `undefined` when it is not one. */
export function parseStamp(raw: string): ParsedStamp | undefined {
  const hit = memo.get(raw);
  if (hit !== undefined) return hit ?? undefined;
  const parsed = parseUncached(raw);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(raw, parsed ?? null);
  return parsed;
}

function parseUncached(raw: string): ParsedStamp | undefined {
  const m = STAMP_RE.exec(raw.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const fracPadded = frac.padEnd(9, '0').slice(0, 9);
  const ms = Number(fracPadded.slice(0, 3));
  const subMsNanos = Number(fracPadded.slice(3, 9));
  let epochMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (!Number.isFinite(epochMs)) return undefined;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
    epochMs -= sign * offsetMin * 60_000;
  }
  return { epochMs, subMsNanos };
}

/** The instant of a stamp in epoch ms; throws a `TypeError` naming the stamp when it cannot be parsed. */
export function stampToEpochMs(raw: string): number {
  const parsed = parseStamp(raw);
  if (!parsed) throw new TypeError(`not an ISO-8601 update stamp: ${JSON.stringify(raw)}`);
  return parsed.epochMs;
}

/** Formats an instant as an ISO-8601 UTC string (`…Z`), independent of the host time zone. */
export function formatInstant(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/**
 * Total order of stamps: by instant, then by the digits beyond the millisecond, then by the raw string (so two
 * spellings of one instant still order deterministically). Unparseable stamps sort after parseable ones.
 */
export function compareStamps(a: string, b: string): number {
  if (a === b) return 0;
  const pa = parseStamp(a);
  const pb = parseStamp(b);
  if (pa && pb) {
    if (pa.epochMs !== pb.epochMs) return pa.epochMs < pb.epochMs ? -1 : 1;
    if (pa.subMsNanos !== pb.subMsNanos) return pa.subMsNanos < pb.subMsNanos ? -1 : 1;
  } else if (pa) return -1;
  else if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
