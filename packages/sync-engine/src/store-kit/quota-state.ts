// The shared-quota part of a StateStore (§optional.quota), written once: the memory, SQLite and PostgreSQL stores
// read the scope's state inside their transaction, ask `decideQuota`, and write what it says. A custom store does
// the same in one atomic step (a transaction, a compare-and-set loop, a Lua script).
import {
  type QuotaAnswer,
  type QuotaRecord,
  type QuotaRequest,
  type QuotaUpdate,
  longestQuotaWindow,
  quotaReadyAt,
} from '@mlc/core';
import { StateStoreError } from '../state-store/state-store-error.js';

/** What a store reads about a quota scope before deciding a reservation. */
export interface QuotaScopeState {
  /** Records of the scope reserved after `quotaHorizon(request)` (older ones may be left out). */
  records: readonly QuotaRecord[];
  /** The scope's pause (0 when never paused). */
  pausedUntil: number;
  /** The recorded size of the request's target (0 when unknown). */
  targetSize: number;
}

/**
 * Throws `STORE_INVALID_ARGUMENT` unless the request is well formed (§optional.quota): a non-empty scope, a
 * target, finite `now`, `units` ≥ 0, and windows of positive length with limits ≥ 1.
 */
export function assertQuotaRequest(request: QuotaRequest): void {
  const bad = (reason: string) =>
    new StateStoreError({ code: 'STORE_INVALID_ARGUMENT', message: `reserveQuota: ${reason}` });
  if (typeof request.scope !== 'string' || request.scope === '')
    throw bad('scope must be a non-empty string');
  if (typeof request.target !== 'string') throw bad('target must be a string');
  if (!Number.isFinite(request.now)) throw bad('now must be a finite epoch ms');
  if (!Number.isFinite(request.units) || request.units < 0) throw bad('units must be a finite number >= 0');
  if (!Array.isArray(request.windows) || request.windows.length === 0) throw bad('windows must not be empty');
  for (const window of request.windows) {
    if (!(Number.isFinite(window.ms) && window.ms > 0)) throw bad('every window needs a positive ms');
    for (const limit of [window.maxRequests, window.maxUnits]) {
      if (limit !== undefined && !(Number.isFinite(limit) && limit >= 1))
        throw bad('window limits must be >= 1');
    }
  }
}

/** Records reserved at or before this instant can never count again for `request`'s windows: drop them. */
export function quotaHorizon(request: QuotaRequest): number {
  return request.now - longestQuotaWindow(request.windows);
}

/**
 * The decision of a reservation: `{ reserved: true }` when one more request fits every window and the scope is not
 * paused at `request.now` (the store then records `{ at: now, units }` in the same atomic step), else the instant
 * to ask again (always after `now`).
 */
export function decideQuota(request: QuotaRequest, state: QuotaScopeState): QuotaAnswer {
  const readyAt = Math.max(
    state.pausedUntil,
    quotaReadyAt(
      state.records,
      { units: request.units, now: request.now, targetSize: state.targetSize },
      request.windows,
    ),
  );
  return readyAt <= request.now ? { reserved: true } : { reserved: false, retryAt: readyAt };
}

/**
 * The target's size after a `set-size` or `add-size` update (§optional.quota): set replaces it, add grows it and
 * never past `cap`; never below 0. Check the update with {@link assertQuotaUpdate} first.
 */
export function nextQuotaSize(current: number, update: Exclude<QuotaUpdate, { kind: 'pause' }>): number {
  if (update.kind === 'set-size') return Math.max(0, update.size);
  return Math.max(0, Math.min(update.cap ?? Number.POSITIVE_INFINITY, current + update.units));
}

/** Throws `STORE_INVALID_ARGUMENT` unless `update` is one of the {@link QuotaUpdate} kinds with a valid scope. */
export function assertQuotaUpdate(scope: string, update: QuotaUpdate): void {
  const ok =
    typeof scope === 'string' &&
    scope !== '' &&
    ((update.kind === 'pause' && Number.isFinite(update.until)) ||
      (update.kind === 'set-size' && typeof update.target === 'string' && Number.isFinite(update.size)) ||
      (update.kind === 'add-size' &&
        typeof update.target === 'string' &&
        Number.isFinite(update.units) &&
        (update.cap === undefined || !Number.isNaN(update.cap))));
  if (!ok) {
    throw new StateStoreError({
      code: 'STORE_INVALID_ARGUMENT',
      message: `updateQuota: not a valid update (${String((update as { kind?: unknown }).kind)})`,
    });
  }
}
