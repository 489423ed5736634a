import type { Sync } from '@mlc/sync-engine';
import type { CliIO } from '../output/cli-io.js';
import { type ReportMode, eventPrinter } from './event-printer.js';
import { LiveDisplay } from './live-display.js';
import { watchRunEvents } from './watch-run-events.js';

/**
 * Shows a sync's events while it runs: a live display per stream on a terminal (records read, rows posted, rate,
 * ETA including quota waits, throttles), one plain line per event otherwise, one JSON object per event with `json`.
 * The live display lists `streams` (default: all of the sync's) and redraws every 120 ms in place.
 * Returns the function that stops listening (and draws the final state).
 */
export function reportRun(
  sync: Pick<Sync, 'on' | 'streams'>,
  io: CliIO,
  mode: ReportMode,
  streams: readonly string[] = sync.streams,
): () => void {
  const display = new LiveDisplay(io, streams, mode === 'live');
  const offs = watchRunEvents(sync, display, eventPrinter(io, mode));
  return () => {
    display.stop();
    for (const off of offs) off();
  };
}
