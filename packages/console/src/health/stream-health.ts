import type { StreamStatus } from '@mlc/sync-engine';

/**
 * A stream's health in one word: `failing` (its last run failed), `parked` (open dead letters wait for a human),
 * `throttled` (its last run waited on Power BI's quota), `ok`, or `idle` (it never ran). The first that holds wins.
 */
export type StreamHealth = 'failing' | 'parked' | 'throttled' | 'ok' | 'idle';

/** The health of a stream from its status (see {@link StreamHealth}). */
export function streamHealthOf(status: StreamStatus): StreamHealth {
  if (status.lastRun?.outcome === 'failed') return 'failing';
  if (status.deadLetters.open > 0) return 'parked';
  if ((status.lastRun?.counts?.throttledMs ?? 0) > 0) return 'throttled';
  return status.lastRun ? 'ok' : 'idle';
}
