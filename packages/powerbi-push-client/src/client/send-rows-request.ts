import {
  type RequestOutcome,
  type RetryEvent,
  isMlcError,
  notSent,
  outcomeOf,
  resolveRetryPolicy,
  withRetry,
} from '@mlc/core';
import type { DatasetPacer } from '../pacing/dataset-pacer.js';
import type { PlannedByteRequest } from '../rows/plan-requests.js';
import type { ResolvedTable } from '../schema/schema-types.js';
import type { AppendOptions, AppendRequestResult } from './append-rows.js';
import { type ClientContext, tablePath } from './client-context.js';

/** [documented] reference §3 (S9): basicFIFO tables are kept between 200,000 and 210,000 rows. */
const FIFO_TRIM_ABOVE = 210_000;

/** Where an append's requests go, looked up once per append and shared by its requests. */
export interface AppendTarget {
  readonly context: ClientContext;
  /** The dataset's pacer. */
  readonly pacer: DatasetPacer;
  readonly datasetId: string;
  readonly table: ResolvedTable;
  /** Whether the dataset's retention is basicFIFO (Power BI trims its tables), as known when the append began. */
  readonly fifo: boolean;
  readonly options: AppendOptions;
}

/** One planned POST rows request of an append, and what each step of sending it reads. */
interface RowsRequest extends AppendTarget {
  readonly request: PlannedByteRequest;
  /** True while an attempt's bytes may be on their way to the service. */
  inFlight: boolean;
}

/**
 * Sends one planned POST rows request of an append, retried by core's `withRetry` with each attempt paced
 * ({@link postRowsAttempt}); 429s pause the whole dataset ({@link onRowsRetry}). Never throws: the result says what
 * became of the request, `applied` (and counted into the table's rows) or {@link failedRequest}.
 */
export async function sendRowsRequest(
  target: AppendTarget,
  request: PlannedByteRequest,
): Promise<AppendRequestResult> {
  const { context, pacer, table, fifo, options } = target;
  const sending: RowsRequest = { ...target, request, inFlight: false };
  try {
    await withRetry(() => postRowsAttempt(sending), {
      policy: context.options.retry,
      clock: context.options.clock,
      idempotent: false,
      // A Retry-After beyond the cap ends the request (not-applied, with its delay) rather than blocking inside
      // one append for up to an hour: the caller parks the work and says so.
      beyondMaxRetryAfter: 'throw',
      ...(options.signal ? { signal: options.signal } : {}),
      onRetry: (event) => onRowsRetry(sending, event),
    });
    // A basicFIFO table never grows past ~210,000 rows, so it never reaches the 250k hourly mode.
    pacer.addTableRows(table.name, request.rowCount, fifo ? FIFO_TRIM_ABOVE : undefined);
    return { outcome: 'applied', startIndex: request.startIndex, rowCount: request.rowCount };
  } catch (error) {
    return failedRequest(sending, error);
  }
}

/** One attempt of a POST rows request: waits for the pacer, then posts the request's body once. */
async function postRowsAttempt(sending: RowsRequest): Promise<unknown> {
  const { context, pacer, datasetId, table, request, options } = sending;
  try {
    await pacer.acquire(table.name, request.rowCount, options.signal);
  } catch (error) {
    // Nothing of this attempt left (e.g. the shared quota store failed): the retry decision may repeat it.
    throw notSent(error);
  }
  sending.inFlight = true;
  const response = await context.http.request({
    method: 'POST',
    path: `${tablePath(datasetId, table.name)}/rows`,
    body: request.body,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    // The retry loop is this one: each attempt must pass the pacer first.
    retry: false,
    idempotent: false,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.beforeSend ? { beforeSend: options.beforeSend } : {}),
  });
  sending.inFlight = false;
  return response;
}

/** Before a retry's wait: a throttle pauses the whole dataset and is told to `onThrottle`; every retry is logged. */
function onRowsRetry(sending: RowsRequest, event: RetryEvent): void {
  const { context, pacer, datasetId, table, request } = sending;
  sending.inFlight = false;
  if (event.reason === 'throttled') {
    // Every request of the dataset waits, not just this one: the quota is per dataset.
    pacer.pauseUntil(context.options.clock.now() + event.delayMs);
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
}

/**
 * The result of a request that failed for good: `not-applied` or `unknown` ({@link classifyFailure}), with the
 * remote's delay when it was throttled beyond the retry cap (logged).
 */
function failedRequest(sending: RowsRequest, error: unknown): AppendRequestResult {
  const { context, datasetId, table, request } = sending;
  const outcome = classifyFailure(error, sending.inFlight);
  const retryAfterMs = longThrottle(error, context);
  if (retryAfterMs !== undefined) {
    context.options.logger.warn(
      { datasetId, table: table.name, startIndex: request.startIndex, retryAfterMs },
      'power bi throttled beyond the retry cap: request not sent again, retry after the delay',
    );
  }
  return {
    outcome,
    startIndex: request.startIndex,
    rowCount: request.rowCount,
    error,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
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
