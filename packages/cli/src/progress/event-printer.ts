import type { CliIO } from '../output/cli-io.js';
import { formatTime } from '../output/format.js';

/** How a run's events are shown. */
export type ReportMode = 'live' | 'lines' | 'json';

/** Prints one event: its name, its data (for `json`) and its one-line text (for `lines`). */
export type EventPrinter = (event: string, data: Record<string, unknown>, text: string) => void;

/** The printer of `mode`: one JSON object per event, one timestamped line per event, or nothing (`live` draws). */
export function eventPrinter(io: CliIO, mode: ReportMode): EventPrinter {
  return (event, data, text) => {
    if (mode === 'json') io.out(JSON.stringify({ at: new Date().toISOString(), event, ...data }));
    else if (mode === 'lines') io.out(`${formatTime(Date.now())} ${text}`);
  };
}
