import { keepExactNumbers } from '@mlc/core';
import type { Hono } from 'hono';
import { exchange, type Reply, type SimEnv } from '../exchange.js';
import type { SimulatorState } from '../simulator-state.js';
import { replyOf } from './authenticate.js';
import { datasetAccess, invalidJson, notPush, tableNotFound } from './dataset-routes.js';
import { badRequest, rowsPerHourExceeded, simpleError, tooManyRequests } from './error-bodies.js';
import { powerBISpec } from './spec.js';
import { validateRows } from './validate-rows.js';

const ROWS = '/v1.0/myorg/groups/:groupId/datasets/:datasetId/tables/:tableName/rows';

/** Registers POST rows (append) and DELETE rows (clear) ([documented] reference §2.5–§2.6, limits §3). */
export function registerRowsRoutes(app: Hono<SimEnv>, state: SimulatorState): void {
  const limits = state.opts.limits;

  app.post(ROWS, (c) => {
    const datasetId = c.req.param('datasetId');
    const tableName = c.req.param('tableName');
    return exchange(
      c,
      state,
      powerBISpec(state, 'postRows', { datasetId, table: tableName }),
      async ({ decision }) => {
        const access = datasetAccess(c, state, datasetId, { write: true });
        if (!access.ok) return access.reply;
        const { clientId, ds } = access;
        if (!ds.addRowsAPIEnabled) return { ...notPush(ds), clientId };
        const table = ds.table(tableName);
        if (!table) return { ...tableNotFound(ds, tableName), clientId };
        // [documented] S5: at most 5 pending POST rows requests per dataset. 429 + Retry-After 1 [inferred]:
        // a slot frees as soon as a pending request finishes.
        if (ds.pending >= limits.maxPendingPosts) {
          return { ...replyOf(tooManyRequests(1)), errorCode: 'PendingRequestsLimit', clientId };
        }
        ds.pending++;
        try {
          if (decision.latencyMs > 0)
            await state.opts.clock.sleep(decision.latencyMs, undefined, { holdsRequest: true });
          const now = state.now();
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
          if (declared > limits.maxRequestBytes) return tooLarge();
          const text = await c.req.text();
          if (Buffer.byteLength(text) > limits.maxRequestBytes) return tooLarge();
          let body: unknown;
          try {
            // Numbers a double cannot hold (a 22-digit Decimal, an Int64 beyond 2^53) are kept as their exact text.
            body = JSON.parse(keepExactNumbers(text).text);
          } catch {
            return { ...invalidJson('rows'), clientId };
          }
          const rows = (body as { rows?: unknown } | null)?.rows;
          if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray(rows)) {
            return {
              ...replyOf(
                badRequest([
                  { message: "The property 'rows' is required and must be an array.", target: 'rows' },
                ]),
              ),
              clientId,
            };
          }
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
          if (!validated.ok)
            return { ...replyOf(badRequest(validated.problems)), rowCount: rows.length, clientId };
          // [documented] S5: 1,000,000 rows added per hour per dataset.
          const rowWait = ds.rowsAdded.waitMs(now, state.hourMs, limits.rowsPerHour, rows.length);
          if (rowWait > 0) {
            return {
              ...replyOf(rowsPerHourExceeded(state.retryAfterSeconds(rowWait))),
              errorCode: 'RowsPerHourLimit',
              rowCount: rows.length,
              clientId,
            };
          }
          // [documented] S5: 5,000,000 rows per table with retention None. What the service answers is not
          // documented; 400 [inferred] (waiting would not help).
          if (ds.retention === 'None' && table.rows.length + rows.length > limits.noneMaxRows) {
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
              rowCount: rows.length,
              clientId,
            };
          }
          const visibleAt = now + decision.ingestionLagMs;
          for (const values of validated.rows) table.rows.push({ values, visibleAt });
          // [documented] S5/S9: basicFIFO keeps 200k–210k rows, dropping the oldest.
          if (ds.retention === 'basicFIFO' && table.rows.length > limits.fifoTrimAbove) {
            table.rows.splice(0, table.rows.length - limits.fifoMaxRows);
          }
          ds.posts.add(now, 1);
          ds.rowsAdded.add(now, rows.length);
          // [documented] S6 200 with an empty body.
          return { status: 200, applied: true, rowCount: rows.length, clientId };
        } finally {
          ds.pending--;
        }
      },
    );
  });

  app.delete(ROWS, (c) => {
    const datasetId = c.req.param('datasetId');
    const tableName = c.req.param('tableName');
    return exchange(c, state, powerBISpec(state, 'deleteRows', { datasetId, table: tableName }), async () => {
      const access = datasetAccess(c, state, datasetId, { write: true });
      if (!access.ok) return access.reply;
      const { clientId, ds } = access;
      if (!ds.addRowsAPIEnabled) return { ...notPush(ds), clientId };
      const table = ds.table(tableName);
      if (!table) return { ...tableNotFound(ds, tableName), clientId };
      table.rows = [];
      // [documented] S6: 200, empty body.
      return { status: 200, applied: true, clientId };
    });
  });
}
