import type { Context, Hono } from 'hono';
import { exchange, type Reply, type SimEnv } from '../exchange.js';
import type { SimulatorState } from '../simulator-state.js';
import { replyOf } from './authenticate.js';
import { datasetAccess, invalidJson } from './dataset-routes.js';
import { parseDax } from './dax.js';
import { type DaxResult, evaluateDax } from './dax-evaluate.js';
import { badRequest, daxError, notAuthorized, tooManyRequests } from './error-bodies.js';
import { powerBISpec } from './spec.js';

/** The executeQueries body, as far as the simulator reads it. */
type QueriesRequest = { queries?: unknown; serializerSettings?: { includeNulls?: unknown } } | null;

/**
 * Registers `POST …/datasets/{id}/executeQueries` ([documented] reference §2.7, S14) for the DAX forms in
 * `dax.ts`. Rows appended with an ingestion lag are invisible until their time comes.
 */
export function registerExecuteQueriesRoute(app: Hono<SimEnv>, state: SimulatorState): void {
  app.post('/v1.0/myorg/groups/:groupId/datasets/:datasetId/executeQueries', (c) => {
    const datasetId = c.req.param('datasetId');
    return exchange(c, state, powerBISpec(state, 'executeQueries', { datasetId }), async () =>
      executeQueries(c, state, datasetId),
    );
  });
}

/** Answers one executeQueries call: tenant setting, per-user rate, the one query, then its evaluated result. */
async function executeQueries(c: Context<SimEnv>, state: SimulatorState, datasetId: string): Promise<Reply> {
  const limits = state.opts.limits;
  const access = datasetAccess(c, state, datasetId, { write: false });
  if (!access.ok) return access.reply;
  const { clientId, ds, principal } = access;
  // [documented] S14: the tenant setting "Dataset Execute Queries REST API" must be on. The response when
  // it is off is not in the reference: 401 PowerBINotAuthorizedException [inferred] (the §2.8 unauthorized
  // shape), with a detail naming the setting.
  if (!principal.tenant.executeQueriesEnabled) {
    return {
      ...replyOf(
        notAuthorized(
          "The tenant setting 'Dataset Execute Queries REST API' is disabled, so executeQueries is not allowed.",
        ),
      ),
      errorCode: 'ExecuteQueriesDisabled',
      clientId,
    };
  }
  const now = state.now();
  // [documented] S14: 120 queries per minute per user.
  const window = state.queryWindow(clientId);
  const wait = window.waitMs(now, state.minuteMs, limits.queriesPerMinute, 1);
  if (wait > 0) {
    return {
      ...replyOf(tooManyRequests(state.retryAfterSeconds(wait))),
      errorCode: 'QueriesPerMinuteLimit',
      clientId,
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    return { ...invalidJson('queries'), clientId };
  }
  const req = body as QueriesRequest;
  const queries = req?.queries;
  // [documented] S14: one query per call; status/body of the refusal [inferred].
  if (!Array.isArray(queries) || queries.length !== 1 || typeof queries[0]?.query !== 'string') {
    return {
      ...replyOf(
        badRequest([{ message: "'queries' must hold exactly one { query: string }.", target: 'queries' }]),
      ),
      clientId,
    };
  }
  window.add(now, 1);
  const parsed = parseDax(queries[0].query as string);
  if ('error' in parsed) return { ...replyOf(daxError(parsed.error)), clientId };
  const result = evaluateDax(ds, parsed, now, limits.maxQueryRows);
  if (!result.ok) return { ...replyOf(daxError(result.error)), clientId };
  return { ...queryResultReply(state, result, req), clientId };
}

/** The 200 answer of an evaluated query: blanks dropped unless `includeNulls`, a truncation error, maybe a BOM. */
function queryResultReply(
  state: SimulatorState,
  result: DaxResult & { ok: true },
  req: QueriesRequest,
): Reply {
  const limits = state.opts.limits;
  // [documented] S14: `includeNulls` defaults to false, so blank values are omitted from each row.
  const includeNulls = req?.serializerSettings?.includeNulls === true;
  const rows = includeNulls
    ? result.rows
    : result.rows.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)));
  const resultObj: Record<string, unknown> = { tables: [{ rows }] };
  if (result.truncated) {
    // [documented] S14: oversize results are truncated with an error and still answer 200; code [inferred].
    resultObj.error = {
      code: 'ResultTruncated',
      message: `The query result exceeded ${limits.maxQueryRows} rows and was truncated.`,
    };
  }
  const json = JSON.stringify({ results: [resultObj] });
  // [C-3p] reference §2.7: responses may start with a UTF-8 BOM.
  return {
    status: 200,
    text: state.opts.executeQueriesBom ? `\uFEFF${json}` : json,
    contentType: 'application/json; charset=utf-8',
  };
}
