import type { SyncProgress } from '@mlc/sync-engine';
import { formatCount, formatDuration } from '../output/format.js';

/** `1,234 read · 1,200 posted · 2 parked · 350/s · ETA 12s · throttled 2s` ('' without progress yet). */
export function describeProgress(p: SyncProgress | undefined, throttledMs: number): string {
  if (!p) return '';
  const rate = p.elapsedMs > 0 ? Math.round((p.recordsRead * 1000) / p.elapsedMs) : 0;
  const parts = [
    `${formatCount(p.recordsRead)} read`,
    `${formatCount(p.rowsPosted)} posted`,
    ...(p.recordsQuarantined > 0 ? [`${formatCount(p.recordsQuarantined)} parked`] : []),
    `${formatCount(rate)}/s`,
    ...(p.fraction !== undefined ? [`${Math.round(p.fraction * 100)}%`] : []),
    ...(p.etaMs !== undefined ? [`ETA ${formatDuration(p.etaMs)}`] : []),
    ...(Math.max(throttledMs, p.throttledMs) > 0
      ? [`throttled ${formatDuration(Math.max(throttledMs, p.throttledMs))}`]
      : []),
  ];
  return parts.join(' · ');
}
