import type { Context, Hono } from 'hono';
import { exchange, type Reply, type SimEnv } from '../exchange.js';
import { type RetentionPolicy, SimDataset, type SimTable } from '../model.js';
import type { SimulatorState } from '../simulator-state.js';
import { authenticate, type Principal, replyOf } from './authenticate.js';
import { type SchemaProblem, type TableDefinition, validateDatasetRequest } from './dataset-schema.js';
import { badRequest, entityNotFound, featureDeprecated, simpleError } from './error-bodies.js';
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

/**
 * {@link datasetAccess} for a request on one table of a push dataset (POST or DELETE rows, PUT table): then the
 * dataset must accept rows ({@link notPush}) and hold the table ({@link tableNotFound}), both replies carrying the
 * caller's client id.
 */
export function pushTableAccess(
  c: Context<SimEnv>,
  state: SimulatorState,
  datasetId: string,
  tableName: string,
):
  | { ok: true; groupId: string; clientId: string; ds: SimDataset; table: SimTable }
  | { ok: false; reply: Reply } {
  const access = datasetAccess(c, state, datasetId, { write: true });
  if (!access.ok) return access;
  const { groupId, clientId, ds } = access;
  if (!ds.addRowsAPIEnabled) return { ok: false, reply: { ...notPush(ds), clientId } };
  const table = ds.table(tableName);
  if (!table) return { ok: false, reply: { ...tableNotFound(ds, tableName), clientId } };
  return { ok: true, groupId, clientId, ds, table };
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

/** Registers the dataset routes: create, list, get and delete ([documented] reference §2.1–§2.2). */
export function registerDatasetRoutes(app: Hono<SimEnv>, state: SimulatorState): void {
  app.post(BASE, (c) =>
    exchange(c, state, powerBISpec(state, 'createDataset'), ({ now }) => createDataset(c, state, now)),
  );
  app.get(BASE, (c) =>
    exchange(c, state, powerBISpec(state, 'listDatasets'), async () => listDatasets(c, state)),
  );
  app.get(`${BASE}/:datasetId`, (c) => {
    const datasetId = c.req.param('datasetId');
    return exchange(c, state, powerBISpec(state, 'getDataset', { datasetId }), async () =>
      getDataset(c, state, datasetId),
    );
  });
  app.delete(`${BASE}/:datasetId`, (c) => {
    const datasetId = c.req.param('datasetId');
    return exchange(c, state, powerBISpec(state, 'deleteDataset', { datasetId }), async () =>
      deleteDataset(c, state, datasetId),
    );
  });
}

/**
 * `defaultRetentionPolicy` of a create request. [documented] S6/S9: None | basicFIFO, chosen only at creation;
 * omitted → None [inferred]. Anything else is the 400 reply.
 */
function retentionOf(
  c: Context<SimEnv>,
  clientId: string,
): { ok: true; retention: RetentionPolicy } | { ok: false; reply: Reply } {
  const policyParam = c.req.query('defaultRetentionPolicy');
  let retention: RetentionPolicy = 'None';
  if (policyParam !== undefined) {
    const p = policyParam.toLowerCase();
    if (p === 'basicfifo') retention = 'basicFIFO';
    else if (p !== 'none') {
      return {
        ok: false,
        reply: {
          ...replyOf(
            badRequest([
              {
                message: `defaultRetentionPolicy '${policyParam}' is not valid; use None or basicFIFO.`,
                target: 'defaultRetentionPolicy',
              },
            ]),
          ),
          clientId,
        },
      };
    }
  }
  return { ok: true, retention };
}

/** POST datasets: validates the definition, creates the dataset and loads the tables' initial rows. */
async function createDataset(c: Context<SimEnv>, state: SimulatorState, now: number): Promise<Reply> {
  const limits = state.opts.limits;
  const auth = authenticate(c, state, { groupId: c.req.param('groupId'), write: true, item: false });
  if (!auth.ok) return auth.reply;
  const clientId = auth.principal.token.clientId;
  const policy = retentionOf(c, clientId);
  if (!policy.ok) return policy.reply;
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
    policy.retention,
    v.dataset.tables,
    v.dataset.relationships,
    now,
    clientId,
    state.hourMs,
  );
  const problems = loadInitialRows(ds, v.dataset.tables, limits.maxStringLength, now);
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
}

/** Validates and appends each table's `rows` of a create request (visible at once); returns the problems. */
function loadInitialRows(
  ds: SimDataset,
  defs: readonly TableDefinition[],
  maxStringLength: number,
  now: number,
): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  defs.forEach((def, i) => {
    const table = ds.tables[i] as SimTable;
    if (def.initialRows.length === 0) return;
    const r = validateRows(table, def.initialRows, maxStringLength, `dataset.tables[${i}].rows`);
    if (!r.ok) problems.push(...r.problems);
    else table.rows.push(...r.rows.map((values) => ({ values, visibleAt: now })));
  });
  return problems;
}

/** GET datasets: the workspace's datasets. */
function listDatasets(c: Context<SimEnv>, state: SimulatorState): Reply {
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
}

/** GET a dataset. */
function getDataset(c: Context<SimEnv>, state: SimulatorState, datasetId: string): Reply {
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
}

/** DELETE a dataset. */
function deleteDataset(c: Context<SimEnv>, state: SimulatorState, datasetId: string): Reply {
  const access = datasetAccess(c, state, datasetId, { write: true });
  if (!access.ok) return access.reply;
  const { clientId, ds } = access;
  state.datasets.delete(ds.id);
  // [documented] S6: 200.
  return { status: 200, applied: true, clientId };
}
