import type { Context, Hono } from 'hono';
import { exchange, type Reply, type SimEnv } from '../exchange.js';
import { type RetentionPolicy, SimDataset, type SimTable } from '../model.js';
import type { SimulatorState } from '../simulator-state.js';
import { authenticate, type Principal, replyOf } from './authenticate.js';
import { type SchemaProblem, validateDatasetRequest, validateTable } from './dataset-schema.js';
import { badRequest, entityNotFound, featureDeprecated, simpleError } from './error-bodies.js';
import { coerceValue } from './row-values.js';
import { ODATA_JSON, powerBISpec } from './spec.js';
import { validateRows } from './validate-rows.js';

const BASE = '/v1.0/myorg/groups/:groupId/datasets';

/** Parses a JSON body; undefined when it is not JSON. */
export async function readJson(c: Context<SimEnv>): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    return { ok: true, value: JSON.parse(await c.req.text()) };
  } catch {
    return { ok: false };
  }
}

/** [inferred] malformed JSON → the validation shape. */
export function invalidJson(target: string): Reply {
  return replyOf(badRequest([{ message: 'The request body is not valid JSON.', target }]));
}

/** The Dataset object as the API returns it ([documented] S6 fields; values for push datasets [C-3p] S15). */
export function datasetJson(ds: SimDataset): Record<string, unknown> {
  return {
    id: ds.id,
    name: ds.name,
    webUrl: `https://app.powerbi.com/groups/${ds.groupId}/datasets/${ds.id}`,
    addRowsAPIEnabled: ds.addRowsAPIEnabled,
    configuredBy: ds.configuredBy,
    isRefreshable: false,
    isEffectiveIdentityRequired: false,
    isEffectiveIdentityRolesRequired: false,
    isOnPremGatewayRequired: false,
    targetStorageMode: ds.addRowsAPIEnabled ? 'PushStreaming' : 'Abf',
    createdDate: new Date(ds.createdAt).toISOString(),
    createReportEmbedURL: `https://app.powerbi.com/reportEmbed?datasetId=${ds.id}&groupId=${ds.groupId}`,
    qnaEmbedURL: `https://app.powerbi.com/qnaEmbed?datasetId=${ds.id}&groupId=${ds.groupId}`,
    upstreamDatasets: [],
    users: [],
    defaultRetentionPolicy: ds.retention,
  };
}

/** Looks up a dataset of a group, or the 404 reply ([C-3p] reference §5.5). */
/**
 * The prelude of every route inside a dataset: authenticate the caller for the path's workspace (a write or a read
 * of an item), then find the dataset in that workspace. [documented] reference §1.5/§2: a dataset of another
 * workspace, or an unknown id, is 404 PowerBIEntityNotFound.
 */
export function datasetAccess(
  c: Context<SimEnv>,
  state: SimulatorState,
  datasetId: string,
  options: { write: boolean },
):
  | { ok: true; groupId: string; clientId: string; ds: SimDataset; principal: Principal }
  | { ok: false; reply: Reply } {
  const groupId = c.req.param('groupId') ?? '';
  const auth = authenticate(c, state, { groupId, write: options.write, item: true });
  if (!auth.ok) return { ok: false, reply: auth.reply };
  const clientId = auth.principal.token.clientId;
  const ds = state.datasets.get(datasetId.toLowerCase());
  if (!ds || ds.groupId.toLowerCase() !== groupId.toLowerCase()) {
    return { ok: false, reply: replyOf(entityNotFound(`Dataset '${datasetId}' was not found.`), clientId) };
  }
  return { ok: true, groupId, clientId, ds, principal: auth.principal };
}

/** [C-3p] reference §2.5 (PowerBI-CSharp#105): rows APIs on a non-push dataset. */
export function notPush(ds: SimDataset): Reply {
  return replyOf(simpleError(404, 'ItemNotFound', `Dataset ${ds.id} is not Push API dataset.`));
}

/** [C-3p] reference §2.4 (gbrueckl#21): unknown table, with `<pi>` privacy markers. */
export function tableNotFound(ds: SimDataset, name: string): Reply {
  return replyOf(
    simpleError(404, 'ItemNotFound', `Table '<pi>${name}</pi>' not found in dataset '${ds.id}'`),
  );
}

/** Registers dataset and table routes ([documented] reference §2.1–§2.4). */
export function registerDatasetRoutes(app: Hono<SimEnv>, state: SimulatorState): void {
  const limits = state.opts.limits;

  app.post(BASE, (c) =>
    exchange(c, state, powerBISpec(state, 'createDataset'), async ({ now }) => {
      const auth = authenticate(c, state, { groupId: c.req.param('groupId'), write: true, item: false });
      if (!auth.ok) return auth.reply;
      const clientId = auth.principal.token.clientId;
      // [documented] S6/S9: None | basicFIFO, chosen only at creation; omitted → None [inferred].
      const policyParam = c.req.query('defaultRetentionPolicy');
      let retention: RetentionPolicy = 'None';
      if (policyParam !== undefined) {
        const p = policyParam.toLowerCase();
        if (p === 'basicfifo') retention = 'basicFIFO';
        else if (p !== 'none') {
          return {
            ...replyOf(
              badRequest([
                {
                  message: `defaultRetentionPolicy '${policyParam}' is not valid; use None or basicFIFO.`,
                  target: 'defaultRetentionPolicy',
                },
              ]),
            ),
            clientId,
          };
        }
      }
      const body = await readJson(c);
      if (!body.ok) return { ...invalidJson('dataset'), clientId };
      const v = validateDatasetRequest(body.value, limits);
      if (!v.ok) return { ...replyOf(badRequest(v.problems)), clientId };
      const group = auth.principal.group;
      if (!group) return replyOf(entityNotFound('Workspace not found.'), clientId);
      // [documented] S8: push/streaming creation ends after 2027-10-31 (see featureDeprecated for what is inferred).
      const mode = v.dataset.defaultMode;
      if (now >= state.opts.pushDatasetCreationEndsAt && /^(Push|Streaming|PushStreaming)$/.test(mode)) {
        return { ...replyOf(featureDeprecated(mode === 'Streaming' ? 'streaming' : 'push')), clientId };
      }
      // [C-3p] reference §2.1: names are not unique; a second create makes a second dataset.
      const ds = new SimDataset(
        state.opts.rng.guid(),
        group.id,
        v.dataset.name,
        v.dataset.defaultMode,
        retention,
        v.dataset.tables,
        v.dataset.relationships,
        now,
        clientId,
        state.hourMs,
      );
      const problems: SchemaProblem[] = [];
      v.dataset.tables.forEach((def, i) => {
        const table = ds.tables[i] as SimTable;
        if (def.initialRows.length === 0) return;
        const r = validateRows(table, def.initialRows, limits.maxStringLength, `dataset.tables[${i}].rows`);
        if (!r.ok) problems.push(...r.problems);
        else table.rows.push(...r.rows.map((values) => ({ values, visibleAt: now })));
      });
      if (problems.length > 0) return { ...replyOf(badRequest(problems)), clientId };
      state.datasets.set(ds.id, ds);
      // [documented] S6: 201 Created with the Dataset; `@odata.context` [C-3p] S15.
      return {
        status: 201,
        json: {
          '@odata.context': `${state.origin}/v1.0/myorg/groups/${group.id}/$metadata#datasets/$entity`,
          ...datasetJson(ds),
        },
        contentType: ODATA_JSON,
        applied: true,
        clientId,
      };
    }),
  );

  app.get(BASE, (c) =>
    exchange(c, state, powerBISpec(state, 'listDatasets'), async () => {
      const groupId = c.req.param('groupId');
      const auth = authenticate(c, state, { groupId, write: false, item: false });
      if (!auth.ok) return auth.reply;
      const value = [...state.datasets.values()]
        .filter((d) => d.groupId === auth.principal.group?.id)
        .map((d) => datasetJson(d));
      return {
        status: 200,
        json: { '@odata.context': `${state.origin}/v1.0/myorg/groups/${groupId}/$metadata#datasets`, value },
        contentType: ODATA_JSON,
        clientId: auth.principal.token.clientId,
      };
    }),
  );

  app.get(`${BASE}/:datasetId`, (c) => {
    const datasetId = c.req.param('datasetId');
    return exchange(c, state, powerBISpec(state, 'getDataset', { datasetId }), async () => {
      const access = datasetAccess(c, state, datasetId, { write: false });
      if (!access.ok) return access.reply;
      const { groupId, clientId, ds } = access;
      return {
        status: 200,
        json: {
          '@odata.context': `${state.origin}/v1.0/myorg/groups/${groupId}/$metadata#datasets/$entity`,
          ...datasetJson(ds),
        },
        contentType: ODATA_JSON,
        clientId,
      };
    });
  });

  app.delete(`${BASE}/:datasetId`, (c) => {
    const datasetId = c.req.param('datasetId');
    return exchange(c, state, powerBISpec(state, 'deleteDataset', { datasetId }), async () => {
      const access = datasetAccess(c, state, datasetId, { write: true });
      if (!access.ok) return access.reply;
      const { clientId, ds } = access;
      state.datasets.delete(ds.id);
      // [documented] S6: 200.
      return { status: 200, applied: true, clientId };
    });
  });

  app.get(`${BASE}/:datasetId/tables`, (c) => {
    const datasetId = c.req.param('datasetId');
    return exchange(c, state, powerBISpec(state, 'listTables', { datasetId }), async () => {
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
    });
  });

  app.put(`${BASE}/:datasetId/tables/:tableName`, (c) => {
    const datasetId = c.req.param('datasetId');
    const tableName = c.req.param('tableName');
    return exchange(c, state, powerBISpec(state, 'putTable', { datasetId, table: tableName }), async () => {
      const access = datasetAccess(c, state, datasetId, { write: true });
      if (!access.ok) return access.reply;
      const { groupId, clientId, ds } = access;
      if (!ds.addRowsAPIEnabled) return { ...notPush(ds), clientId };
      const table = ds.table(tableName);
      // [C-3p] reference §2.4: PUT cannot create a table.
      if (!table) return { ...tableNotFound(ds, tableName), clientId };
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
      // Whether rows survive a schema change is [U] (reference §2.4). The simulator keeps them: values of
      // removed columns are dropped, new columns are blank, values that no longer fit a changed type become blank.
      for (const row of table.rows) {
        const next: typeof row.values = {};
        for (const col of def.columns) {
          const old = row.values[col.name];
          const r = old === undefined ? undefined : coerceValue(col.dataType, old, limits.maxStringLength);
          next[col.name] = r?.ok ? r.value : null;
        }
        row.values = next;
      }
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
    });
  });
}
