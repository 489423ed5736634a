import type { EngineContext } from '../engine/engine-context.js';
import { readSyncStatus } from '../status/read-sync-status.js';
import type { SyncStatus } from '../status/sync-status.js';
import type { ResolvedSyncOptions } from './resolve-sync-options.js';
import type { RunControl } from './run-control.js';
import type { RunOutcomes } from './run-outcomes.js';
import type { StreamSchedules } from './stream-schedules.js';

/** The parts of a sync instance its status is read from. */
export interface InstanceStatusParts {
  /** The engine context (store, clock). */
  ctx: EngineContext;
  /** The sync's resolved options (its streams). */
  config: ResolvedSyncOptions;
  /** The runs in flight here. */
  control: RunControl;
  /** The backoff of failing streams. */
  outcomes: RunOutcomes;
  /** The streams' schedules. */
  schedules: StreamSchedules;
}

/**
 * `Sync.status`: what the store says ({@link readSyncStatus}) plus what only this instance knows: whether a stream
 * is running here, and the next run of a stream whose failure backs off (the first tick at or after the backoff).
 */
export function readInstanceStatus(
  parts: InstanceStatusParts,
  options: { credentialWarningDays?: number },
): Promise<SyncStatus> {
  const { ctx, config, control, outcomes, schedules } = parts;
  return readSyncStatus({
    store: ctx.store,
    streams: config.streams.map((s) => ({
      name: s.name,
      table: s.businessTable,
      mode: s.mode,
      schedule: s.schedule,
    })),
    now: ctx.clock.now(),
    ...(options.credentialWarningDays !== undefined
      ? { credentialWarningDays: options.credentialWarningDays }
      : {}),
    running: (name) => control.running.has(name),
    nextRunAt: (name, scheduled) => {
      const notBefore = outcomes.notBefore(name);
      if (notBefore === undefined || scheduled === undefined) return scheduled;
      return schedules.firstTickFrom(name, notBefore) ?? scheduled;
    },
  });
}
