import type { RunStats } from '../engine/engine-context.js';
import type { ClassifiedFailure } from './classify-failure.js';

/** A run's quarantine, when it is a state to alert about: the failure it is tracked as, and the alert's data. */
export interface QuarantineCondition {
  /** Tracked like a failed run (code, phase `quarantine`, message), so it alerts once, reminds, and recovers. */
  failure: ClassifiedFailure;
  /** Counts and the first reason, for the alert. */
  data: Record<string, unknown>;
}

/**
 * Whether a finished run's quarantine is a condition the operator must hear of: every record it read was
 * quarantined (`SYNC_STREAM_QUARANTINED`: a wrong mapping or table schema), or more than `threshold` of them
 * (`SYNC_QUARANTINE_THRESHOLD`). `undefined` when the run stayed at or below the threshold (the condition, if there
 * was one, has ended) or read nothing.
 */
export function quarantineCondition(
  runId: string,
  stats: RunStats,
  threshold: number,
): QuarantineCondition | undefined {
  const quarantined = stats.recordsQuarantined;
  const read = stats.recordsRead;
  const share = read === 0 ? 0 : quarantined / read;
  const whole = read > 0 && quarantined >= read;
  if (quarantined === 0 || read === 0 || (!whole && share <= threshold)) return undefined;
  const first = stats.firstQuarantine;
  const firstText = first
    ? ` First: ${first.key !== undefined ? `record ${first.key}` : 'a record'}${first.field ? ` field ${first.field}` : ''}: ${first.reason}`
    : '';
  return {
    failure: {
      code: whole ? 'SYNC_STREAM_QUARANTINED' : 'SYNC_QUARANTINE_THRESHOLD',
      phase: 'quarantine',
      message: whole
        ? `all ${read} records read were quarantined.${firstText}`
        : `${quarantined} of ${read} records read (${(share * 100).toFixed(1)} %) were quarantined, above ${(threshold * 100).toFixed(1)} %.${firstText}`,
      backsOff: false,
    },
    data: {
      runId,
      recordsRead: read,
      recordsQuarantined: quarantined,
      share,
      threshold,
      ...(first ? { first } : {}),
    },
  };
}
