import { keepExactNumbers } from '@mlc/core';
import type { Context, Hono } from 'hono';
import { exchange, type Reply, type SimEnv } from '../exchange.js';
import type { FaultDecision } from '../faults.js';
import type { SimDataset, SimTable } from '../model.js';
import type { SimulatorState } from '../simulator-state.js';
import { replyOf } from './authenticate.js';
import { invalidJson, pushTableAccess } from './dataset-routes.js';
import { badRequest, rowsPerHourExceeded, simpleError, tooManyRequests } from './error-bodies.js';
import type { StoredValue } from './row-values.js';
import { powerBISpec } from './spec.js';
import { validateRows } from './validate-rows.js';

/** Decodes request bodies: UTF-8, each invalid sequence replaced by U+FFFD, a leading BOM dropped. */
const UTF8 = new TextDecoder();

const ROWS = '/v1.0/myorg/groups/:groupId/datasets/:datasetId/tables/:tableName/rows';

/** Registers POST rows (append) and DELETE rows (clear) ([documented] reference §2.5–§2.6, limits §3). */
export function registerRowsRoutes(app: Hono<SimEnv>, state: SimulatorState): void {
  app.post(ROWS, (c) => {
    const datasetId = c.req.param('datasetId');
    const tableName = c.req.param('tableName');
    return exchange(
      c,
      state,
      powerBISpec(state, 'postRows', { datasetId, table: tableName }),
      async ({ decision }) => postRows(c, state, datasetId, tableName, decision),
    );
  });

  app.delete(ROWS, (c) => {
    const datasetId = c.req.param('datasetId');
    const tableName = c.req.param('tableName');
    return exchange(c, state, powerBISpec(state, 'deleteRows', { datasetId, table: tableName }), async () =>
      deleteRows(c, state, datasetId, tableName),
    );
  });
}

/** POST rows: finds the push table, then appends inside one of the dataset's pending-request slots. */
async function postRows(
  c: Context<SimEnv>,
  state: SimulatorState,
  datasetId: string,
  tableName: string,
  decision: FaultDecision,
): Promise<Reply> {
  const limits = state.opts.limits;
  const access = pushTableAccess(c, state, datasetId, tableName);
  if (!access.ok) return access.reply;
  const { clientId, ds, table } = access;
  // [documented] S5: at most 5 pending POST rows requests per dataset. 429 + Retry-After 1 [inferred]:
  // a slot frees as soon as a pending request finishes.
  if (ds.pending >= limits.maxPendingPosts) {
    return { ...replyOf(tooManyRequests(1)), errorCode: 'PendingRequestsLimit', clientId };
  }
  ds.pending++;
  try {
    return await appendRows(c, state, { ds, table, clientId }, decision);
  } finally {
    ds.pending--;
  }
}

/** The push table a POST rows request writes to, and who asks. */
interface RowsTarget {
  ds: SimDataset;
  table: SimTable;
  clientId: string;
}

/**
 * The body of POST rows once it holds a slot: latency, the request-rate limits, the body, the row limits, then
 * the rows are stored (all or nothing) and counted against the quotas.
 */
async function appendRows(
  c: Context<SimEnv>,
  state: SimulatorState,
  target: RowsTarget,
  decision: FaultDecision,
): Promise<Reply> {
  const limits = state.opts.limits;
  const { ds, table, clientId } = target;
  if (decision.latencyMs > 0)
    await state.opts.clock.sleep(decision.latencyMs, undefined, { holdsRequest: true });
  const now = state.now();
  const throttled = postRateFailure(state, target, now);
  if (throttled) return throttled;
  const body = await readRowsBody(c, state, clientId);
  if (!body.ok) return body.reply;
  const { rows } = body;
  // [documented] S5: 10,000 rows per request; status 400 and body [inferred].
  if (rows.length > limits.maxRowsPerRequest) {
    return {
      ...replyOf(
        badRequest([
          {
            message: `The request has ${rows.length} rows; the maximum is ${limits.maxRowsPerRequest} rows per request.`,
            target: 'rows',
          },
        ]),
      ),
      rowCount: rows.length,
      errorCode: 'TooManyRowsInRequest',
      clientId,
    };
  }
  const validated = validateRows(table, rows, limits.maxStringLength);
  if (!validated.ok) return { ...replyOf(badRequest(validated.problems)), rowCount: rows.length, clientId };
  const overLimit = rowQuotaFailure(state, target, now, rows.length);
  if (overLimit) return overLimit;
  storeRows(state, target, validated.rows, now + decision.ingestionLagMs);
  ds.posts.add(now, 1);
  ds.rowsAdded.add(now, rows.length);
  // [documented] S6 200 with an empty body.
  return { status: 200, applied: true, rowCount: rows.length, clientId };
}

/** The 429 reply when the dataset is over a POST rows request rate (per hour in slow mode, per minute). */
function postRateFailure(state: SimulatorState, target: RowsTarget, now: number): Reply | undefined {
  const limits = state.opts.limits;
  const { ds, table, clientId } = target;
  const throttled = (ms: number, reason: string): Reply => ({
    ...replyOf(tooManyRequests(state.retryAfterSeconds(ms))),
    errorCode: reason,
    clientId,
  });
  // [documented] S5: 120 POST rows per hour once the table holds ≥ 250,000 rows.
  if (table.rows.length >= limits.slowModeTableRows) {
    const wait = ds.posts.waitMs(now, state.hourMs, limits.postsPerHourSlowMode, 1);
    if (wait > 0) return throttled(wait, 'PostsPerHourLimit');
  }
  // [documented] S5: 120 POST rows requests per minute per dataset.
  const wait = ds.posts.waitMs(now, state.minuteMs, limits.postsPerMinute, 1);
  if (wait > 0) return throttled(wait, 'PostsPerMinuteLimit');
  return undefined;
}

/** Reads POST rows' body: within the size limit, JSON with exact numbers, and an object with a `rows` array. */
async function readRowsBody(
  c: Context<SimEnv>,
  state: SimulatorState,
  clientId: string,
): Promise<{ ok: true; rows: unknown[] } | { ok: false; reply: Reply }> {
  const limits = state.opts.limits;
  // [documented] S8: 16 MB per request. 413 and its body are [inferred].
  const tooLarge = (): Reply => ({
    ...replyOf(
      simpleError(
        413,
        'RequestEntityTooLarge',
        `The request body exceeds the limit of ${limits.maxRequestBytes} bytes.`,
      ),
    ),
    clientId,
  });
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > limits.maxRequestBytes) return { ok: false, reply: tooLarge() };
  // The bytes received, counted before decoding: a body streamed without a content-length is measured as sent (an
  // invalid UTF-8 byte is one byte here, where its decoded U+FFFD would count three).
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.byteLength > limits.maxRequestBytes) return { ok: false, reply: tooLarge() };
  // [inferred] invalid UTF-8 reads as U+FFFD (the default of .NET's decoder, and of the WHATWG one used here).
  const text = UTF8.decode(bytes);
  let body: unknown;
  try {
    // Numbers a double cannot hold (a 22-digit Decimal, an Int64 beyond 2^53) are kept as their exact text.
    body = JSON.parse(keepExactNumbers(text).text);
  } catch {
    return { ok: false, reply: { ...invalidJson('rows'), clientId } };
  }
  const rows = (body as { rows?: unknown } | null)?.rows;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray(rows)) {
    return {
      ok: false,
      reply: {
        ...replyOf(
          badRequest([{ message: "The property 'rows' is required and must be an array.", target: 'rows' }]),
        ),
        clientId,
      },
    };
  }
  return { ok: true, rows };
}

/** The reply when adding `count` rows would break the dataset's rows-per-hour quota or the table's row cap. */
function rowQuotaFailure(
  state: SimulatorState,
  target: RowsTarget,
  now: number,
  count: number,
): Reply | undefined {
  const limits = state.opts.limits;
  const { ds, table, clientId } = target;
  // [documented] S5: 1,000,000 rows added per hour per dataset.
  const rowWait = ds.rowsAdded.waitMs(now, state.hourMs, limits.rowsPerHour, count);
  if (rowWait > 0) {
    return {
      ...replyOf(rowsPerHourExceeded(state.retryAfterSeconds(rowWait))),
      errorCode: 'RowsPerHourLimit',
      rowCount: count,
      clientId,
    };
  }
  // [documented] S5: 5,000,000 rows per table with retention None. What the service answers is not
  // documented; 400 [inferred] (waiting would not help).
  if (ds.retention === 'None' && table.rows.length + count > limits.noneMaxRows) {
    return {
      ...replyOf(
        badRequest([
          {
            message: `Table '${table.name}' would exceed ${limits.noneMaxRows} rows, the limit for retention policy None.`,
            target: 'rows',
          },
        ]),
      ),
      errorCode: 'TableRowLimit',
      rowCount: count,
      clientId,
    };
  }
  return undefined;
}

/** Appends validated rows (visible to queries from `visibleAt`) and applies basicFIFO retention. */
function storeRows(
  state: SimulatorState,
  target: RowsTarget,
  rows: readonly Record<string, StoredValue>[],
  visibleAt: number,
): void {
  const limits = state.opts.limits;
  const { ds, table } = target;
  for (const values of rows) table.rows.push({ values, visibleAt });
  // [documented] S5/S9: basicFIFO keeps 200k–210k rows, dropping the oldest.
  if (ds.retention === 'basicFIFO' && table.rows.length > limits.fifoTrimAbove) {
    table.rows.splice(0, table.rows.length - limits.fifoMaxRows);
  }
}

/** DELETE rows: empties a push table. */
function deleteRows(c: Context<SimEnv>, state: SimulatorState, datasetId: string, tableName: string): Reply {
  const access = pushTableAccess(c, state, datasetId, tableName);
  if (!access.ok) return access.reply;
  const { clientId, table } = access;
  table.rows = [];
  // [documented] S6: 200, empty body.
  return { status: 200, applied: true, clientId };
}
