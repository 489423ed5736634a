/**
 * One rolling window of a quota: at most `maxRequests` requests and/or `maxUnits` units (rows) in any span of
 * `ms` milliseconds. With `minTargetSize` the window applies only while the request's target (a table) holds at
 * least that many units (Power BI's "120 POSTs per hour once the table holds 250,000 rows").
 */
export interface QuotaWindow {
  /** Length of the window in ms. */
  ms: number;
  /** Requests allowed in any window of this length (absent: not limited). */
  maxRequests?: number;
  /** Units allowed in any window of this length (absent: not limited). */
  maxUnits?: number;
  /** The window applies only when the target's recorded size is at least this. */
  minTargetSize?: number;
}

/** One reserved request of a quota scope. */
export interface QuotaRecord {
  /** When it was reserved (epoch ms, the reserving process's clock). */
  at: number;
  /** Units it carries (rows). */
  units: number;
}

/**
 * A reservation asked of a shared quota (`QuotaStore.reserveQuota`): record one request of `units` units to
 * `target` at `now`, if it fits every window of `windows`.
 */
export interface QuotaRequest {
  /** What the windows count over (the Power BI client uses `powerbi:<datasetId>`). */
  scope: string;
  /** The request's target inside the scope (a table), for windows with `minTargetSize`. */
  target: string;
  /** Units of the request (rows). */
  units: number;
  /** The caller's clock (epoch ms). */
  now: number;
  /** The windows; the caller passes the same ones every time. */
  windows: readonly QuotaWindow[];
}

/** The answer to a {@link QuotaRequest}. */
export type QuotaAnswer =
  /** Recorded: send now. */
  | { reserved: true }
  /** Not recorded: nothing fits before `retryAt` (epoch ms); ask again then. */
  | { reserved: false; retryAt: number };

/** A change to a quota scope's shared state other than a reservation. */
export type QuotaUpdate =
  /** Nothing of the scope is sent before `until` (a 429's Retry-After); an earlier `until` never shortens it. */
  | { kind: 'pause'; until: number }
  /** The target holds `size` units (counted at start-up, or 0 after a clear). */
  | { kind: 'set-size'; target: string; size: number }
  /** The target grew by `units` (rows accepted), never past `cap` when given (tables the service trims). */
  | { kind: 'add-size'; target: string; units: number; cap?: number };

/**
 * A quota shared by every process that writes one scope (a dataset), kept where they all see it (the sync engine's
 * state store). Reservations are atomic: N processes reserving together never exceed a window.
 */
export interface QuotaStore {
  /** Atomically checks every window (and the scope's pause) and records the request when it fits. */
  reserveQuota(request: QuotaRequest): Promise<QuotaAnswer>;
  /** Applies one {@link QuotaUpdate} atomically. */
  updateQuota(scope: string, update: QuotaUpdate): Promise<void>;
}

/**
 * The earliest instant at or after `now` at which one more request of `units` units fits every window, given the
 * records already reserved in the scope (any order) and the target's recorded size. Returns `now` when it fits at
 * once. Records older than the longest window never matter; records dated after `now` (another process's clock
 * running ahead) count as inside every window. A request larger than a window's `maxUnits` can never fit it and is
 * not held back by it. The one rule behind the in-process pacer and every store's
 * `reserveQuota`.
 */
export function quotaReadyAt(
  records: readonly QuotaRecord[],
  request: { units: number; now: number; targetSize: number },
  windows: readonly QuotaWindow[],
): number {
  const { units, now, targetSize } = request;
  let readyAt = now;
  const sorted = [...records].sort((a, b) => a.at - b.at);
  for (const window of windows) {
    if (window.minTargetSize !== undefined && targetSize < window.minTargetSize) continue;
    const inside = sorted.filter((record) => record.at > now - window.ms);
    if (window.maxRequests !== undefined && inside.length >= window.maxRequests) {
      // Room comes once enough of the oldest records have aged out of the window.
      const oldestToExpire = inside[inside.length - window.maxRequests];
      if (oldestToExpire) readyAt = Math.max(readyAt, oldestToExpire.at + window.ms);
    }
    if (window.maxUnits !== undefined) {
      let total = inside.reduce((sum, record) => sum + record.units, 0);
      if (total + units > window.maxUnits) {
        for (const record of inside) {
          total -= record.units;
          if (total + units <= window.maxUnits) {
            readyAt = Math.max(readyAt, record.at + window.ms);
            break;
          }
        }
      }
    }
  }
  return readyAt;
}

/** The longest window of `windows` (records older than this are never needed again). */
export function longestQuotaWindow(windows: readonly QuotaWindow[]): number {
  return windows.reduce((longest, window) => Math.max(longest, window.ms), 0);
}
