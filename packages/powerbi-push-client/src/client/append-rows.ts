import {
  MlcError,
  type RequestOutcome,
  isMlcError,
  notSent,
  outcomeOf,
  resolveRetryPolicy,
  withRetry,
} from '@mlc/core';
import { PowerBITableFullError, TABLE_CAPACITY_REMEDY } from '../errors/power-bi-table-full-error.js';
import { PowerBIValidationError } from '../errors/power-bi-validation-error.js';
import { POWER_BI_LIMITS } from '../limits.js';
import { type PlannedRequest, planRequests } from '../rows/plan-requests.js';
import type { ResolvedTable } from '../schema/schema-types.js';
import { type ClientContext, tablePath } from './client-context.js';

/** [documented] reference §3 (S9): basicFIFO tables are kept between 200,000 and 210,000 rows. */
const FIFO_TRIM_ABOVE = 210_000;

/** The outcome of one POST rows request of an append. */
export interface AppendRequestResult {
  /**
   * `applied`: Power BI answered 2xx. `not-applied`: it certainly did not store the rows (refused, or never sent).
   * `unknown`: the request may have been applied (timeout, connection lost after sending, 5xx) — verify by
   * counting the batch (`countWhere('_batch', batchId)`), never resend blindly.
   */
  outcome: RequestOutcome;
  /** Index in the input of the first row of this request. */
  startIndex: number;
  /** Rows in this request. */
  rowCount: number;
  /** Why it was not applied or is unknown. */
  error?: unknown;
  /**
   * Set when Power BI throttled this request with a `Retry-After` beyond `retry.maxRetryAfterMs`: the request is
   * `not-applied` and ended at once instead of waiting; post again no sooner than this many ms later.
   */
  retryAfterMs?: number;
}

/** A table's row count reached a warning share of its cap (80 %, 95 %): reported once per level. */
export interface TableCapacity {
  /** Table name. */
  table: string;
  /** Rows the client knows the table holds now. */
  rows: number;
  /** The cap of the table's retention policy (5,000,000 for `None`). */
  cap: number;
  /** The warning level reached: 0.8 or 0.95. */
  threshold: number;
}

/** The outcome of an append. */
export interface AppendResult {
  /** The common outcome of all requests, or `partial` when they differ. No rows → `applied`. */
  outcome: RequestOutcome | 'partial';
  /** One entry per request, in input order. */
  requests: AppendRequestResult[];
  /** The longest `retryAfterMs` of the requests throttled beyond the cap, when any was. */
  retryAfterMs?: number;
  /**
   * Set when this append took the table to a warning share of its row cap (80 %, then 95 %; each once): act
   * before appends are refused with `PBI_TABLE_FULL` (see the README's "Table size").
   */
  capacity?: TableCapacity;
}

/** Options of `append()`. */
export interface AppendOptions {
  /** Written to the hidden `_batch` column of every row, so the batch can be counted later. */
  batchId?: string;
  /** Aborts waiting and sending; requests in flight become `unknown`. */
  signal?: AbortSignal;
  /**
   * Called right before each POST rows request leaves — every split request and every retry, after pacing and
   * credentials — with that request's timeout. Throwing refuses the send: the request is `not-applied` and the
   * requests after it are not sent. The sync engine checks its lease here (fencing).
   */
  beforeSend?: (request: { timeoutMs: number }) => void | Promise<void>;
}

/**
 * Validates and splits `rows`, then sends the requests through the dataset's pacer. Each attempt first waits for
 * the pacer (so retries are paced too); 429s are waited out (Retry-After, capped) without consuming attempts and
 * pause the whole dataset; network failures that prove the request was never sent are retried with backoff; a
 * request that may have been applied is never repeated and is reported `unknown`. After the first request that
 * fails, requests not yet started are not sent (`not-applied`).
 *
 * @throws {PowerBIValidationError} before any request when a row or the batch id is invalid.
 * @throws {PowerBITableFullError} `PBI_TABLE_FULL` before any request when the rows would take a table with
 *   retention `None` past 5,000,000 rows (by the count the client knows: `setKnownRowCount` at start-up plus appends).
 */
export async function appendRows(
  context: ClientContext,
  datasetId: string,
  table: ResolvedTable,
  rows: readonly unknown[],
  options: AppendOptions = {},
): Promise<AppendResult> {
  const { batchId, signal, beforeSend } = options;
  if (batchId !== undefined) {
    if (!table.hasBatchColumn) {
      throw new PowerBIValidationError({
        code: 'PBI_OPTIONS_INVALID',
        reason:
          'batchId needs the reserved "_batch" column: define the dataset with batchColumn enabled (the default)',
        table: table.name,
      });
    }
    if (typeof batchId !== 'string' || batchId === '' || batchId.length > POWER_BI_LIMITS.maxStringLength) {
      throw new PowerBIValidationError({
        code: 'PBI_OPTIONS_INVALID',
        reason: `batchId must be a non-empty string of at most ${POWER_BI_LIMITS.maxStringLength} characters`,
        table: table.name,
      });
    }
  }
  const plan = planRequests(table, rows, {
    maxRows: context.options.maxRowsPerRequest,
    maxBytes: context.options.maxRequestBytes,
    ...(batchId !== undefined ? { batchId } : {}),
  });
  const logger = context.options.logger;
  if (plan.length === 0) return { outcome: 'applied', requests: [] };

  const pacer = context.pacer(datasetId);
  // [documented] reference §0/§3: 5,000,000 rows per table with retention None. Refused here, whole, before a
  // request leaves (a basicFIFO table trims itself at 200,000 and never fills).
  const fifo = context.schemas.get(datasetId)?.retentionPolicy === 'basicFIFO';
  const cap = POWER_BI_LIMITS.maxRowsPerTableNone;
  const known = pacer.tableRows(table.name);
  if (!fifo && known + rows.length > cap) {
    const error = new PowerBITableFullError({
      datasetId,
      table: table.name,
      rows: known,
      cap,
      adding: rows.length,
    });
    logger.error({ err: error, datasetId, table: table.name, rows: known, cap }, 'power bi table full');
    throw error;
  }
  let firstFailure: { index: number; error: unknown } | undefined;
  const results = await Promise.all(
    plan.map(async (request, index): Promise<AppendRequestResult> => {
      try {
        return await pacer.run(async () => {
          if (firstFailure) return skippedAfterFailure(request, firstFailure);
          const result = await sendRequest(context, datasetId, table, request, signal, beforeSend);
          if (result.outcome !== 'applied' && !firstFailure) firstFailure = { index, error: result.error };
          return result;
        }, signal);
      } catch (error) {
        // Rejected by the queue before it started (aborted while waiting for a slot).
        return { outcome: 'not-applied', startIndex: request.startIndex, rowCount: request.rowCount, error };
      }
    }),
  );
  const outcomes = new Set(results.map((result) => result.outcome));
  const outcome = outcomes.size === 1 ? (results[0]?.outcome ?? 'applied') : 'partial';
  const counts = {
    applied: results.filter((r) => r.outcome === 'applied').length,
    notApplied: results.filter((r) => r.outcome === 'not-applied').length,
    unknown: results.filter((r) => r.outcome === 'unknown').length,
  };
  const facts = {
    datasetId,
    table: table.name,
    rows: rows.length,
    requests: plan.length,
    ...counts,
    ...(batchId ? { batchId } : {}),
  };
  const waits = results.flatMap((r) => (r.retryAfterMs === undefined ? [] : [r.retryAfterMs]));
  const retryAfterMs = waits.length > 0 ? Math.max(...waits) : undefined;
  if (outcome === 'applied') logger.info(facts, 'power bi rows appended');
  else logger.warn({ ...facts, outcome, retryAfterMs }, 'power bi append incomplete');
  const threshold = fifo
    ? undefined
    : pacer.capacityReached(table.name, cap, POWER_BI_LIMITS.tableCapacityWarnings);
  const capacity =
    threshold === undefined
      ? undefined
      : { table: table.name, rows: pacer.tableRows(table.name), cap, threshold };
  if (capacity) {
    logger.warn(
      { datasetId, ...capacity, remedy: TABLE_CAPACITY_REMEDY },
      `power bi table ${table.name} holds ${capacity.rows} rows, ${Math.round((threshold as number) * 100)}% of its ${cap}-row cap`,
    );
  }
  return {
    outcome,
    requests: results,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(capacity ? { capacity } : {}),
  };
}

async function sendRequest(
  context: ClientContext,
  datasetId: string,
  table: ResolvedTable,
  request: PlannedRequest,
  signal: AbortSignal | undefined,
  beforeSend: AppendOptions['beforeSend'],
): Promise<AppendRequestResult> {
  const pacer = context.pacer(datasetId);
  const { clock } = context.options;
  const base = { startIndex: request.startIndex, rowCount: request.rowCount };
  // True while an attempt's bytes may be on their way to the service.
  let inFlight = false;
  try {
    await withRetry(
      async () => {
        try {
          await pacer.acquire(table.name, request.rowCount, signal);
        } catch (error) {
          // Nothing of this attempt left (e.g. the shared quota store failed): the retry decision may repeat it.
          throw notSent(error);
        }
        inFlight = true;
        const response = await context.http.request({
          method: 'POST',
          path: `${tablePath(datasetId, table.name)}/rows`,
          body: request.body,
          headers: { 'content-type': 'application/json; charset=utf-8' },
          // The retry loop is this one: each attempt must pass the pacer first.
          retry: false,
          idempotent: false,
          ...(signal ? { signal } : {}),
          ...(beforeSend ? { beforeSend } : {}),
        });
        inFlight = false;
        return response;
      },
      {
        policy: context.options.retry,
        clock,
        idempotent: false,
        // A Retry-After beyond the cap ends the request (not-applied, with its delay) rather than blocking inside
        // one append for up to an hour: the caller parks the work and says so.
        beyondMaxRetryAfter: 'throw',
        ...(signal ? { signal } : {}),
        onRetry: (event) => {
          inFlight = false;
          if (event.reason === 'throttled') {
            // Every request of the dataset waits, not just this one: the quota is per dataset.
            pacer.pauseUntil(clock.now() + event.delayMs);
            context.options.onThrottle?.({ datasetId, table: table.name, delayMs: event.delayMs });
          }
          context.options.logger.warn(
            {
              datasetId,
              table: table.name,
              startIndex: request.startIndex,
              reason: event.reason,
              delayMs: event.delayMs,
            },
            'power bi rows request retried',
          );
        },
      },
    );
    // A basicFIFO table never grows past ~210,000 rows, so it never reaches the 250k hourly mode.
    const fifo = context.schemas.get(datasetId)?.retentionPolicy === 'basicFIFO';
    pacer.addTableRows(table.name, request.rowCount, fifo ? FIFO_TRIM_ABOVE : undefined);
    return { outcome: 'applied', ...base };
  } catch (error) {
    const outcome = classifyFailure(error, inFlight);
    const retryAfterMs = longThrottle(error, context);
    if (retryAfterMs !== undefined) {
      context.options.logger.warn(
        { datasetId, table: table.name, startIndex: request.startIndex, retryAfterMs },
        'power bi throttled beyond the retry cap: request not sent again, retry after the delay',
      );
    }
    return { outcome, ...base, error, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
}

/**
 * Was a failed POST applied? A failure raised before the attempt's bytes left (waiting for the pacer, or an abort
 * between attempts) is `not-applied`; otherwise core's `outcomeOf` answers (a failure raised before sending,
 * e.g. the token endpoint's 5xx, carries `not-applied`; 4xx, 429 and refused connections too; 5xx, timeouts, aborts in
 * flight and connections lost after sending are `unknown`).
 */
function classifyFailure(error: unknown, inFlight: boolean): RequestOutcome {
  return inFlight ? outcomeOf(error) : 'not-applied';
}

/** The remote's delay when `error` is a throttle whose Retry-After exceeds the policy's cap. */
function longThrottle(error: unknown, context: ClientContext): number | undefined {
  if (!isMlcError(error) || error.kind !== 'throttled' || error.retryAfterMs === undefined) return undefined;
  const cap = resolveRetryPolicy(context.options.retry).maxRetryAfterMs;
  return error.retryAfterMs > cap ? error.retryAfterMs : undefined;
}

/** The result of a planned request left unsent because an earlier request of the same append failed. */
function skippedAfterFailure(
  request: PlannedRequest,
  failure: { index: number; error: unknown },
): AppendRequestResult {
  return {
    outcome: 'not-applied',
    startIndex: request.startIndex,
    rowCount: request.rowCount,
    error: new MlcError({
      message: `Not sent: request ${failure.index} of this append failed first`,
      code: 'PBI_APPEND_STOPPED',
      kind: 'client',
      retryable: true,
      outcome: 'not-applied',
      cause: failure.error,
    }),
  };
}
