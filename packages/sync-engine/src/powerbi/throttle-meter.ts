import type { ThrottleEvent } from '@mlc/powerbi-push-client';

/** Adds up the time the Power BI client waited for quota. Pass `onThrottle` to `createPowerBIClient`. */
export interface ThrottleMeter {
  /** The `onThrottle` option of `createPowerBIClient`. */
  onThrottle(event: ThrottleEvent): void;
  /** Milliseconds waited so far (for one dataset, or all). */
  totalMs(datasetId?: string): number;
}

/** Creates a {@link ThrottleMeter}. */
export function createThrottleMeter(): ThrottleMeter {
  const byDataset = new Map<string, number>();
  let total = 0;
  return {
    onThrottle(event) {
      total += event.delayMs;
      if (event.datasetId)
        byDataset.set(event.datasetId, (byDataset.get(event.datasetId) ?? 0) + event.delayMs);
    },
    totalMs: (datasetId) => (datasetId === undefined ? total : (byDataset.get(datasetId) ?? 0)),
  };
}
