import type { Context, Hono } from 'hono';
import { exchange, type Reply, type SimEnv } from '../exchange.js';
import type { SimTable } from '../model.js';
import type { SimulatorState } from '../simulator-state.js';
import { replyOf } from './authenticate.js';
import { datasetAccess, invalidJson, notPush, pushTableAccess, readJson } from './dataset-routes.js';
import { type ColumnDefinition, type SchemaProblem, validateTable } from './dataset-schema.js';
import { badRequest } from './error-bodies.js';
import { coerceValue } from './row-values.js';
import { ODATA_JSON, powerBISpec } from './spec.js';

const TABLES = '/v1.0/myorg/groups/:groupId/datasets/:datasetId/tables';

/** Registers the table routes of a push dataset: list and PUT (schema change) ([documented] reference §2.3–§2.4). */
export function registerTableRoutes(app: Hono<SimEnv>, state: SimulatorState): void {
  app.get(TABLES, (c) => {
    const datasetId = c.req.param('datasetId');
    return exchange(c, state, powerBISpec(state, 'listTables', { datasetId }), async () =>
      listTables(c, state, datasetId),
    );
  });
  app.put(`${TABLES}/:tableName`, (c) => {
    const datasetId = c.req.param('datasetId');
    const tableName = c.req.param('tableName');
    return exchange(c, state, powerBISpec(state, 'putTable', { datasetId, table: tableName }), async () =>
      putTable(c, state, datasetId, tableName),
    );
  });
}

/** GET tables: the push dataset's table names. */
function listTables(c: Context<SimEnv>, state: SimulatorState, datasetId: string): Reply {
  const access = datasetAccess(c, state, datasetId, { write: false });
  if (!access.ok) return access.reply;
  const { groupId, clientId, ds } = access;
  if (!ds.addRowsAPIEnabled) return { ...notPush(ds), clientId };
  // [documented] S6 `{"value":[Table]}`; whether columns are included is [U] (reference §2.3), so the
  // simulator returns only `name`, the one field clients are known to use — don't rely on more.
  return {
    status: 200,
    json: {
      '@odata.context': `${state.origin}/v1.0/myorg/groups/${groupId}/$metadata#tables`,
      value: ds.tables.map((t) => ({ name: t.name })),
    },
    contentType: ODATA_JSON,
    clientId,
  };
}

/** PUT a table: replaces an existing table's schema, keeping its rows. */
async function putTable(
  c: Context<SimEnv>,
  state: SimulatorState,
  datasetId: string,
  tableName: string,
): Promise<Reply> {
  const limits = state.opts.limits;
  // [C-3p] reference §2.4: PUT cannot create a table (an unknown one is tableNotFound).
  const access = pushTableAccess(c, state, datasetId, tableName);
  if (!access.ok) return access.reply;
  const { groupId, clientId, table } = access;
  const body = await readJson(c);
  if (!body.ok) return { ...invalidJson('table'), clientId };
  const problems: SchemaProblem[] = [];
  const def = validateTable(body.value, 'table', limits, problems);
  if (def && def.name !== tableName) {
    // [inferred] renaming through PUT is not supported.
    problems.push({
      message: `The table name '${def.name}' does not match '${tableName}'.`,
      target: 'table.name',
    });
  }
  if (!def || problems.length > 0) return { ...replyOf(badRequest(problems)), clientId };
  reshapeRows(table, def.columns, limits.maxStringLength);
  table.columns = def.columns;
  table.raw = def.raw;
  // [documented] S6 200 `{"name":…}`; `@odata.context` and `source: []` [C-3p] S15.
  return {
    status: 200,
    json: {
      '@odata.context': `${state.origin}/v1.0/myorg/groups/${groupId}/$metadata#tables/$entity`,
      name: table.name,
      source: [],
    },
    contentType: ODATA_JSON,
    applied: true,
    clientId,
  };
}

/**
 * Fits a table's rows to new columns. Whether rows survive a schema change is [U] (reference §2.4). The simulator
 * keeps them: values of removed columns are dropped, new columns are blank, values that no longer fit a changed
 * type become blank.
 */
function reshapeRows(table: SimTable, columns: readonly ColumnDefinition[], maxStringLength: number): void {
  for (const row of table.rows) {
    const next: typeof row.values = {};
    for (const col of columns) {
      const old = row.values[col.name];
      const r = old === undefined ? undefined : coerceValue(col.dataType, old, maxStringLength);
      next[col.name] = r?.ok ? r.value : null;
    }
    row.values = next;
  }
}
