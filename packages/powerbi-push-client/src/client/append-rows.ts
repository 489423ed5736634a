import { MlcError, type RequestOutcome } from '@mlc/core';
import { PowerBITableFullError, TABLE_CAPACITY_REMEDY } from '../errors/power-bi-table-full-error.js';
import { PowerBIValidationError } from '../errors/power-bi-validation-error.js';
import { POWER_BI_LIMITS } from '../limits.js';
import type { DatasetPacer } from '../pacing/dataset-pacer.js';
import { type PlannedByteRequest, planByteRequests } from '../rows/plan-requests.js';
import type { ResolvedTable } from '../schema/schema-types.js';
import { type ClientContext, isBasicFifo } from './client-context.js';
import { type AppendTarget, sendRowsRequest } from './send-rows-request.js';

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
  if (batchId !== undefined) checkBatchId(table, batchId);
  const plan = planByteRequests(table, rows, {
    maxRows: context.options.maxRowsPerRequest,
    maxBytes: context.options.maxRequestBytes,
    ...(batchId !== undefined ? { batchId } : {}),
  });
  if (plan.length === 0) return { outcome: 'applied', requests: [] };

  const pacer = context.pacer(datasetId);
  // A basicFIFO table trims itself at 200,000 rows and never fills: only a table with retention None has a cap.
  const fifo = isBasicFifo(context, datasetId);
  if (!fifo) refuseIfTableFull(context, pacer, datasetId, table.name, rows.length);
  const target: AppendTarget = { context, pacer, datasetId, table, fifo, options: { signal, beforeSend } };
  const results = await sendPlan(target, plan);
  const outcome = commonOutcome(results);
  const retryAfterMs = longestRetryAfter(results);
  logAppend(context, {
    datasetId,
    table: table.name,
    rows: rows.length,
    batchId,
    results,
    outcome,
    retryAfterMs,
  });
  const capacity = fifo ? undefined : capacityWarning(context, pacer, datasetId, table.name);
  return {
    outcome,
    requests: results,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(capacity ? { capacity } : {}),
  };
}

/** Refuses a batch id the table cannot carry: one needs the `_batch` column and fits in a Power BI string. */
function checkBatchId(table: ResolvedTable, batchId: string): void {
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

/**
 * Refuses, whole and before a request leaves, rows that would take a table with retention None past its cap
 * ([documented] reference §0/§3: 5,000,000 rows), by the count the client knows.
 *
 * @throws {PowerBITableFullError} `PBI_TABLE_FULL`, logged.
 */
function refuseIfTableFull(
  context: ClientContext,
  pacer: DatasetPacer,
  datasetId: string,
  table: string,
  adding: number,
): void {
  const cap = POWER_BI_LIMITS.maxRowsPerTableNone;
  const known = pacer.tableRows(table);
  if (known + adding > cap) {
    const error = new PowerBITableFullError({ datasetId, table, rows: known, cap, adding });
    context.options.logger.error({ err: error, datasetId, table, rows: known, cap }, 'power bi table full');
    throw error;
  }
}

/**
 * Sends an append's planned requests through the dataset's pacer. Once one fails, those not yet started are not
 * sent (`not-applied`, `PBI_APPEND_STOPPED`). One result per request, in plan order.
 */
async function sendPlan(
  target: AppendTarget,
  plan: readonly PlannedByteRequest[],
): Promise<AppendRequestResult[]> {
  const { pacer, options } = target;
  let firstFailure: { index: number; error: unknown } | undefined;
  return Promise.all(
    plan.map(async (request, index): Promise<AppendRequestResult> => {
      try {
        return await pacer.run(async () => {
          if (firstFailure) return skippedAfterFailure(request, firstFailure);
          const result = await sendRowsRequest(target, request);
          if (result.outcome !== 'applied' && !firstFailure) firstFailure = { index, error: result.error };
          return result;
        }, options.signal);
      } catch (error) {
        // Rejected by the queue before it started (aborted while waiting for a slot).
        return { outcome: 'not-applied', startIndex: request.startIndex, rowCount: request.rowCount, error };
      }
    }),
  );
}

/** The outcome all requests share, or `partial` when they differ. */
function commonOutcome(results: readonly AppendRequestResult[]): AppendResult['outcome'] {
  const outcomes = new Set(results.map((result) => result.outcome));
  return outcomes.size === 1 ? (results[0]?.outcome ?? 'applied') : 'partial';
}

/** The longest `retryAfterMs` of the requests throttled beyond the cap; `undefined` when none was. */
function longestRetryAfter(results: readonly AppendRequestResult[]): number | undefined {
  const waits = results.flatMap((r) => (r.retryAfterMs === undefined ? [] : [r.retryAfterMs]));
  return waits.length > 0 ? Math.max(...waits) : undefined;
}

/** What {@link logAppend} reports of an append. */
interface AppendFacts {
  datasetId: string;
  table: string;
  rows: number;
  batchId: string | undefined;
  results: readonly AppendRequestResult[];
  outcome: AppendResult['outcome'];
  retryAfterMs: number | undefined;
}

/** Logs an append: `info` when every request was applied, `warn` with the outcome otherwise. */
function logAppend(context: ClientContext, append: AppendFacts): void {
  const { datasetId, table, rows, batchId, results, outcome, retryAfterMs } = append;
  const facts = {
    datasetId,
    table,
    rows,
    requests: results.length,
    applied: results.filter((r) => r.outcome === 'applied').length,
    notApplied: results.filter((r) => r.outcome === 'not-applied').length,
    unknown: results.filter((r) => r.outcome === 'unknown').length,
    ...(batchId ? { batchId } : {}),
  };
  const logger = context.options.logger;
  if (outcome === 'applied') logger.info(facts, 'power bi rows appended');
  else logger.warn({ ...facts, outcome, retryAfterMs }, 'power bi append incomplete');
}

/**
 * The table's capacity warning when this append took it to a warning share of its cap (80 %, then 95 %; each
 * reported once, logged with the remedy); `undefined` otherwise.
 */
function capacityWarning(
  context: ClientContext,
  pacer: DatasetPacer,
  datasetId: string,
  table: string,
): TableCapacity | undefined {
  const cap = POWER_BI_LIMITS.maxRowsPerTableNone;
  const threshold = pacer.capacityReached(table, cap, POWER_BI_LIMITS.tableCapacityWarnings);
  if (threshold === undefined) return undefined;
  const capacity: TableCapacity = { table, rows: pacer.tableRows(table), cap, threshold };
  context.options.logger.warn(
    { datasetId, ...capacity, remedy: TABLE_CAPACITY_REMEDY },
    `power bi table ${table} holds ${capacity.rows} rows, ${Math.round(threshold * 100)}% of its ${cap}-row cap`,
  );
  return capacity;
}

/** The result of a planned request left unsent because an earlier request of the same append failed. */
function skippedAfterFailure(
  request: PlannedByteRequest,
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
