import { createHash } from 'node:crypto';
import { PowerBIDatasetError } from '../errors/power-bi-dataset-error.js';
import type { PowerBIHttpError } from '../errors/power-bi-http-error.js';
import { isPowerBIError } from '../errors/is-power-bi-error.js';
import { POWER_BI_LIMITS } from '../limits.js';
import { type ApiTable, toApiCreateDataset, toApiTable } from '../schema/to-api-dataset.js';
import type { AnyDatasetSchema, ResolvedTable } from '../schema/schema-types.js';
import { type ClientContext, datasetPath, tablePath } from './client-context.js';
import type { DatasetInfo, DuplicateDatasetPolicy } from './power-bi-client-options.js';

/** Options of `ensureDataset()`. */
export interface EnsureDatasetOptions {
  /** Aborts the calls. */
  signal?: AbortSignal;
  /** What to do when several datasets have the schema's name. @default the client's `onDuplicateDataset` ('error') */
  onDuplicate?: DuplicateDatasetPolicy;
  /**
   * `auto`: PUT tables whose columns or measures differ; when the service does not list a table's columns (whether
   * it does is [U], reference §2.3) the definition is re-sent, since PUT with the full table is the documented way to
   * update it. `never`: report differences but change nothing (whether rows survive a PUT is [U], §2.4).
   * @default 'auto'
   */
  updateTables?: 'auto' | 'never';
  /**
   * The table definitions known to be in the dataset already: an earlier report's `datasetId` and
   * `tableFingerprints`, kept by the caller (the sync engine keeps them in its state store). For the dataset found,
   * a table whose fingerprint here equals the schema's is taken as up to date and not PUT again; when every table's
   * does, the tables are not even listed (the API cannot remove a table from a dataset). Without it, a table whose
   * columns the service does not list is PUT on every call — a request, and a rewrite of a table whose rows may not
   * survive it ([U] reference §2.4). A table changed outside this client since is not noticed. Ignored for another
   * dataset id.
   */
  knownTables?: KnownTableDefinitions;
}

/** Table definitions a caller knows a dataset has (see {@link EnsureDatasetOptions.knownTables}). */
export interface KnownTableDefinitions {
  /** The dataset they are in. */
  datasetId: string;
  /** Table name → {@link tableFingerprint} of the definition created or PUT there last. */
  tables: Readonly<Record<string, string>>;
}

/** What `ensureDataset()` found and did. */
export interface EnsureDatasetReport {
  /** The dataset id. */
  datasetId: string;
  /** Human-readable list of what it did, e.g. `created dataset "Sales" (…)`, `updated table "Orders" (columns changed)`. */
  actions: string[];
  /** True when the dataset was created by this call. */
  created: boolean;
  /** Tables whose definition was replaced by PUT. */
  updatedTables: string[];
  /**
   * Table name → {@link tableFingerprint} of each schema table the dataset is now known to match (created, PUT, or
   * found equal); a table left different (`updateTables: 'never'`) is absent. Pass it back as
   * {@link EnsureDatasetOptions.knownTables} to skip PUTs of unchanged tables next time.
   */
  tableFingerprints: Record<string, string>;
}

/**
 * A short digest of the definition `ensureDataset` sends for `table` (its PUT body): equal fingerprints mean the same
 * columns, types, formats and measures.
 */
export function tableFingerprint(table: ResolvedTable): string {
  return createHash('sha256')
    .update(JSON.stringify(toApiTable(table)))
    .digest('base64url')
    .slice(0, 22);
}

/** Lists the datasets of the workspace ([documented] reference §2.2). */
export async function listDatasets(context: ClientContext, signal?: AbortSignal): Promise<DatasetInfo[]> {
  const response = await context.http.request({ path: 'datasets', ...(signal ? { signal } : {}) });
  const body = response.json<{ value?: DatasetInfo[] }>();
  return Array.isArray(body.value) ? body.value : [];
}

/** Lists a dataset's tables ([documented] reference §2.3; whether columns are included is [U]). */
export async function listTables(
  context: ClientContext,
  datasetId: string,
  signal?: AbortSignal,
): Promise<ApiTable[]> {
  const response = await context.http.request({
    path: `${datasetPath(datasetId)}/tables`,
    ...(signal ? { signal } : {}),
  });
  const body = response.json<{ value?: ApiTable[] }>();
  return Array.isArray(body.value) ? body.value : [];
}

/**
 * Creates the dataset ([documented] reference §2.1). Not retried after it may have been applied: a blind resend
 * would create a duplicate (names are not unique).
 */
export async function createDataset(
  context: ClientContext,
  schema: AnyDatasetSchema,
  signal?: AbortSignal,
): Promise<string> {
  let response: Awaited<ReturnType<typeof context.http.request>>;
  try {
    response = await context.http.request({
      method: 'POST',
      path: 'datasets',
      query: { defaultRetentionPolicy: schema.retentionPolicy },
      json: toApiCreateDataset(schema),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (
      isPowerBIError(error, 'PBI_HTTP_ERROR') &&
      (error as PowerBIHttpError).serviceCode === 'FeatureDeprecatedError'
    ) {
      throw new PowerBIDatasetError({
        code: 'PBI_DATASET_CREATION_RETIRED',
        message: `Power BI refused to create push dataset "${schema.name}" (FeatureDeprecatedError): Microsoft ended the creation of new push semantic models after 2027-10-31. Existing push datasets keep working, so keep the one you have (do not delete it; ensureDataset finds it by name), or move new tables to Real-Time Intelligence in Microsoft Fabric`,
        datasetName: schema.name,
        cause: error,
      });
    }
    throw error;
  }
  const body = response.json<{ id?: unknown }>();
  if (typeof body.id !== 'string') {
    throw new PowerBIDatasetError({
      code: 'PBI_DATASET_NOT_PUSH',
      message: `Power BI created dataset "${schema.name}" but returned no id`,
      datasetName: schema.name,
    });
  }
  return body.id;
}

/**
 * Finds the schema's dataset by name, creates it when missing, and PUTs every table whose columns or measures
 * differ. Tables cannot be added to an existing dataset ([documented-3p] reference §2.4), so a schema table missing
 * from the service is an explicit error.
 */
export async function ensureDataset(
  context: ClientContext,
  schema: AnyDatasetSchema,
  options: EnsureDatasetOptions = {},
): Promise<EnsureDatasetReport> {
  const { signal } = options;
  const actions: string[] = [];
  const matches = (await listDatasets(context, signal)).filter((dataset) => dataset.name === schema.name);
  let target: DatasetInfo | undefined;
  if (matches.length > 1) {
    const policy = options.onDuplicate ?? context.options.onDuplicateDataset;
    const ids = matches.map((dataset) => dataset.id);
    if (policy === 'error') {
      throw new PowerBIDatasetError({
        code: 'PBI_DATASET_DUPLICATE',
        message: `${matches.length} datasets are named "${schema.name}" (${ids.join(', ')}); Power BI names are not unique. Delete the extras, or pass onDuplicate: 'first' or a chooser function`,
        datasetName: schema.name,
        datasetIds: ids,
      });
    }
    const chosen = policy === 'first' ? matches[0]?.id : policy(matches);
    target = matches.find((dataset) => dataset.id === chosen);
    if (!target) {
      throw new PowerBIDatasetError({
        code: 'PBI_DATASET_DUPLICATE',
        message: `onDuplicate chose "${String(chosen)}", which is not one of ${ids.join(', ')}`,
        datasetName: schema.name,
        datasetIds: ids,
      });
    }
    actions.push(`chose dataset ${target.id} among ${matches.length} named "${schema.name}"`);
  } else {
    target = matches[0];
  }

  if (!target) {
    const retirement = creationRetirementWarning(context.options.clock.now());
    if (retirement) {
      context.options.logger.warn({ name: schema.name }, retirement);
    }
    const datasetId = await createDataset(context, schema, signal);
    context.schemas.set(datasetId, schema);
    actions.push(
      `created dataset "${schema.name}" (${datasetId}) with tables ${schema.tables.map((table) => `"${table.name}"`).join(', ')}, retention ${schema.retentionPolicy}`,
    );
    if (retirement) actions.push(`warning: ${retirement}`);
    context.options.logger.info({ datasetId, name: schema.name }, 'power bi dataset created');
    const tableFingerprints = Object.fromEntries(schema.tables.map((t) => [t.name, tableFingerprint(t)]));
    return { datasetId, actions, created: true, updatedTables: [], tableFingerprints };
  }

  const datasetId = target.id;
  if (target.addRowsAPIEnabled === false) {
    throw new PowerBIDatasetError({
      code: 'PBI_DATASET_NOT_PUSH',
      message: `Dataset "${schema.name}" (${datasetId}) is not a push dataset (addRowsAPIEnabled is false); only datasets created through the push API accept rows`,
      datasetName: schema.name,
      datasetIds: [datasetId],
    });
  }
  actions.push(`found dataset "${schema.name}" (${datasetId})`);
  const known = options.knownTables?.datasetId === datasetId ? options.knownTables.tables : {};
  const fingerprints = new Map(schema.tables.map((table) => [table.name, tableFingerprint(table)]));
  if (schema.tables.every((table) => known[table.name] === fingerprints.get(table.name))) {
    // Every table was created or PUT with this very definition, and the API cannot remove a table from a dataset:
    // nothing to list or compare.
    actions.push('schema up to date (every table definition known to be there)');
    context.schemas.set(datasetId, schema);
    return {
      datasetId,
      actions,
      created: false,
      updatedTables: [],
      tableFingerprints: Object.fromEntries(fingerprints),
    };
  }
  const existing = new Map(
    (await listTables(context, datasetId, signal)).map((table) => [table.name, table]),
  );
  const missing = schema.tables.filter((table) => !existing.has(table.name));
  if (missing.length > 0) {
    const retirement = creationRetirementWarning(context.options.clock.now());
    throw new PowerBIDatasetError({
      code: 'PBI_TABLE_MISSING',
      message: `Dataset "${schema.name}" (${datasetId}) lacks table(s) ${missing.map((table) => `"${table.name}"`).join(', ')}. Power BI cannot add a table to an existing dataset: delete the dataset (deleteDataset) and run ensureDataset again to recreate it${retirement ? ` — but ${retirement}: deleting it may leave you with no dataset at all` : ''}`,
      datasetName: schema.name,
      datasetIds: [datasetId],
    });
  }
  const updatedTables: string[] = [];
  const tableFingerprints: Record<string, string> = {};
  for (const table of schema.tables) {
    const current = existing.get(table.name) as ApiTable;
    const fingerprint = fingerprints.get(table.name) as string;
    const change =
      !Array.isArray(current.columns) && known[table.name] === fingerprint
        ? undefined
        : describeChange(table, current);
    if (!change) {
      tableFingerprints[table.name] = fingerprint;
      continue;
    }
    if (options.updateTables === 'never') {
      actions.push(`table "${table.name}" not updated (${change}; updateTables is 'never')`);
      continue;
    }
    await context.http.request({
      method: 'PUT',
      path: tablePath(datasetId, table.name),
      json: toApiTable(table),
      ...(signal ? { signal } : {}),
    });
    updatedTables.push(table.name);
    tableFingerprints[table.name] = fingerprint;
    actions.push(`updated table "${table.name}" (${change})`);
  }
  for (const name of existing.keys()) {
    if (!schema.tablesByName.has(name)) actions.push(`left table "${name}" as is (not in the schema)`);
  }
  if (updatedTables.length === 0) actions.push('schema up to date');
  context.schemas.set(datasetId, schema);
  return { datasetId, actions, created: false, updatedTables, tableFingerprints };
}

/** Why `table` differs from the service's copy, or undefined when it does not. */
function describeChange(table: ResolvedTable, current: ApiTable): string | undefined {
  if (!Array.isArray(current.columns)) return 'definition re-sent: the service does not list columns';
  const wanted = toApiTable(table);
  const have = new Map(current.columns.map((column) => [column.name, column]));
  const added = wanted.columns.filter((column) => !have.has(column.name)).map((column) => column.name);
  const removed = current.columns
    .filter((column) => !table.columnsByName.has(column.name))
    .map((column) => column.name);
  // [documented] §4: the service accepts several spellings of a type (Int64/int64, bool/Boolean), so compare loosely.
  const retyped = wanted.columns
    .filter((column) => {
      const old = have.get(column.name);
      return old !== undefined && normalizeType(old.dataType) !== normalizeType(column.dataType);
    })
    .map((column) => column.name);
  const parts: string[] = [];
  if (added.length > 0) parts.push(`added ${added.join(', ')}`);
  if (removed.length > 0) parts.push(`removed ${removed.join(', ')}`);
  if (retyped.length > 0) parts.push(`changed type of ${retyped.join(', ')}`);
  if (Array.isArray(current.measures) || (wanted.measures?.length ?? 0) > 0) {
    const key = (measures: ApiTable['measures']) =>
      JSON.stringify((measures ?? []).map((m) => [m.name, m.expression]).sort());
    if (key(current.measures) !== key(wanted.measures)) parts.push('measures changed');
  }
  return parts.length > 0 ? parts.join('; ') : undefined;
}

function normalizeType(type: string | undefined): string {
  const lower = (type ?? '').toLowerCase();
  if (lower === 'bool') return 'boolean';
  if (lower === 'int' || lower === 'int64') return 'int64';
  return lower;
}

/**
 * The warning `ensureDataset()` gives when it creates a push dataset within 12 months of the end of push-dataset
 * creation (2027-10-31, [documented] reference §5.10), or after it; `undefined` earlier.
 */
export function creationRetirementWarning(now: number): string | undefined {
  const ends = POWER_BI_LIMITS.pushDatasetCreationEndsAt;
  if (now < ends - POWER_BI_LIMITS.pushDatasetCreationWarningMs) return undefined;
  const days = Math.ceil((ends - now) / 86_400_000);
  return now >= ends
    ? 'Power BI no longer creates push datasets (ended after 2027-10-31); existing ones keep working'
    : `Power BI stops creating push datasets after 2027-10-31 (in ${days} days); existing ones keep working, but a dataset deleted after that date cannot be recreated — plan a move to Real-Time Intelligence in Microsoft Fabric`;
}
