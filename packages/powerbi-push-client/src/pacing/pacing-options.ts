import type { QuotaWindow } from '@mlc/core';
import { PowerBIValidationError } from '../errors/power-bi-validation-error.js';
import { POWER_BI_LIMITS } from '../limits.js';

/**
 * How the client paces POST rows requests per dataset so Power BI does not have to throttle it
 * ([documented] limits, reference §3; the pacing policy itself is [inferred] from §3's suggestion).
 */
export interface PacingOptions {
  /** Requests in flight per dataset. @default 5 */
  maxInFlight?: number;
  /** POST rows requests per rolling minute per dataset. @default 120 */
  postsPerMinute?: number;
  /** POST rows requests per rolling hour per dataset while the target table holds ≥ `largeTableRowThreshold` rows. @default 120 */
  postsPerHourLargeTable?: number;
  /** Table size at which the hourly request cap applies. @default 250_000 */
  largeTableRowThreshold?: number;
  /** Rows per rolling hour per dataset. @default 1_000_000 */
  rowsPerHour?: number;
  /**
   * Added to every window, to absorb the latency between our send time and the service's count (a request sent at
   * 59.9 s may be counted at 60.1 s). @default 1_000
   */
  windowMarginMs?: number;
  /**
   * Divides the minute and hour windows: against a simulator that compresses time by the same factor, pacing stays
   * exact. Leave at 1 against Power BI. @default 1
   */
  timeScale?: number;
}

/** {@link PacingOptions} with defaults filled in, or `false` when pacing is off. */
export interface ResolvedPacing {
  /** See {@link PacingOptions.maxInFlight}. */
  maxInFlight: number;
  /** See {@link PacingOptions.postsPerMinute}. */
  postsPerMinute: number;
  /** See {@link PacingOptions.postsPerHourLargeTable}. */
  postsPerHourLargeTable: number;
  /** See {@link PacingOptions.largeTableRowThreshold}. */
  largeTableRowThreshold: number;
  /** See {@link PacingOptions.rowsPerHour}. */
  rowsPerHour: number;
  /** See {@link PacingOptions.windowMarginMs}. */
  windowMarginMs: number;
  /** The "minute" window after `timeScale`, in ms. */
  minuteMs: number;
  /** The "hour" window after `timeScale`, in ms. */
  hourMs: number;
}

/** Fills the defaults of {@link PacingOptions}; `false` disables pacing (then Power BI's 429s do the pacing). */
export function resolvePacingOptions(options: PacingOptions | false | undefined): ResolvedPacing | false {
  if (options === false) return false;
  const input = options ?? {};
  const timeScale = input.timeScale ?? 1;
  const resolved: ResolvedPacing = {
    maxInFlight: input.maxInFlight ?? POWER_BI_LIMITS.maxPendingPosts,
    postsPerMinute: input.postsPerMinute ?? POWER_BI_LIMITS.maxPostsPerMinute,
    postsPerHourLargeTable: input.postsPerHourLargeTable ?? POWER_BI_LIMITS.maxPostsPerHourLargeTable,
    largeTableRowThreshold: input.largeTableRowThreshold ?? POWER_BI_LIMITS.largeTableRowThreshold,
    rowsPerHour: input.rowsPerHour ?? POWER_BI_LIMITS.maxRowsPerHour,
    windowMarginMs: input.windowMarginMs ?? 1_000,
    minuteMs: 60_000 / timeScale,
    hourMs: 3_600_000 / timeScale,
  };
  for (const [key, value] of Object.entries({ ...resolved, timeScale })) {
    if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
      throw new PowerBIValidationError({
        code: 'PBI_OPTIONS_INVALID',
        reason: `pacing.${key} must be a finite number >= 0`,
      });
    }
  }
  if (
    resolved.maxInFlight < 1 ||
    resolved.postsPerMinute < 1 ||
    resolved.postsPerHourLargeTable < 1 ||
    timeScale <= 0
  ) {
    throw new PowerBIValidationError({
      code: 'PBI_OPTIONS_INVALID',
      reason: 'pacing.maxInFlight, postsPerMinute, postsPerHourLargeTable and timeScale must be positive',
    });
  }
  if (resolved.rowsPerHour < POWER_BI_LIMITS.maxRowsPerRequest) {
    throw new PowerBIValidationError({
      code: 'PBI_OPTIONS_INVALID',
      reason: `pacing.rowsPerHour must be at least ${POWER_BI_LIMITS.maxRowsPerRequest} (one full request)`,
    });
  }
  return resolved;
}

/**
 * The rolling windows of resolved pacing, in the form the quota rule (`quotaReadyAt` of `@mlc/core`) and a shared
 * quota store take: requests per minute, requests per hour while the target table is large, rows per hour — each
 * widened by `windowMarginMs`.
 */
export function pacingWindows(pacing: ResolvedPacing): QuotaWindow[] {
  const minute = pacing.minuteMs + pacing.windowMarginMs;
  const hour = pacing.hourMs + pacing.windowMarginMs;
  return [
    { ms: minute, maxRequests: pacing.postsPerMinute },
    { ms: hour, maxRequests: pacing.postsPerHourLargeTable, minTargetSize: pacing.largeTableRowThreshold },
    { ms: hour, maxUnits: pacing.rowsPerHour },
  ];
}
