/**
 * Update stamps are kept as the raw strings the source returned (never re-formatted, never rounded: peers lost
 * rows by rounding bounds, see peers.md §7 #8) and compared by instant, then sub-millisecond digits, then raw text.
 * All arithmetic here is UTC and never touches the host time zone (peers.md §7 #11): a stamp without an offset
 * is read as UTC, which is what Sage X3 stores (`UPDDATTIM` is UTC [documented] sage-x3.md §1.7).
 */

import { parseStamp } from '@mlc/core';

// One strict parser for the whole SDK (no roll-over, four-digit years kept): `@mlc/core`'s `parseStamp`.
export { type ParsedStamp, parseStamp } from '@mlc/core';

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
