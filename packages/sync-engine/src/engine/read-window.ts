import { compareStamps, formatInstant, parseStamp } from '../cursor/stamp.js';
import type { ResolvedStream } from './engine-context.js';

/**
 * A run's exclusive upper bound, fixed once per run (peers.md §7 #6, #10): `safetyLagMs` before `now`, so rows
 * stamped later, or still committing, are read next time.
 */
export function untilOf(stream: ResolvedStream, now: number): string {
  return formatInstant(now - stream.safetyLagMs);
}

/** Lower bound of a run: the cursor's raw stamp, or `lookbackMs` before it (UTC instant). */
export function computeSince(stream: ResolvedStream, cursorStamp: string | undefined): string | undefined {
  if (cursorStamp === undefined) return stream.initialSince;
  if (stream.lookbackMs <= 0) return cursorStamp;
  const parsed = parseStamp(cursorStamp);
  if (!parsed) return cursorStamp;
  const back = formatInstant(parsed.epochMs - stream.lookbackMs);
  return compareStamps(back, cursorStamp) < 0 ? back : cursorStamp;
}
