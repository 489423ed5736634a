import type { EngineContext } from '../engine/engine-context.js';
import { SyncEventEmitter } from '../events/sync-event-emitter.js';
import { SyncTelemetry } from '../observability/sync-telemetry.js';
import type { ResolvedSyncOptions } from './resolve-sync-options.js';

/** The engine context of a new sync instance: its store, clock, logger, hooks and ids, new events and telemetry. */
export function newEngineContext(config: ResolvedSyncOptions): EngineContext {
  const { store, clock, logger } = config;
  return {
    store,
    clock,
    logger,
    events: new SyncEventEmitter(logger),
    telemetry: new SyncTelemetry(),
    hooks: config.hooks,
    newId: config.newId,
  };
}
