import { PRODUCT_TOKEN } from '../product-token.js';
import { type QuotaStore, TokenCycler, createHttpClient, isMlcError, tokenAuth } from '@mlc/core';
import { followTrustedRedirects } from './follow-trusted-redirects.js';
import { EntraCredential } from '../auth/entra-credential.js';
import { type TokenCredential, toAccessToken } from '../auth/token-credential.js';
import { PowerBIAuthError } from '../errors/power-bi-auth-error.js';
import { PowerBIDatasetError } from '../errors/power-bi-dataset-error.js';
import { createPowerBIErrorFactory, isPowerBIAuthChallenge } from '../errors/power-bi-error-factory.js';
import { DatasetPacer, type PacerStats } from '../pacing/dataset-pacer.js';
import type { ApiTable } from '../schema/to-api-dataset.js';
import type { AnyDatasetSchema, DatasetSchema, RowOfTable, TableNameOf } from '../schema/schema-types.js';
import { type ClientContext, datasetPath } from './client-context.js';
import {
  type EnsureDatasetOptions,
  type EnsureDatasetReport,
  createDataset,
  ensureDataset,
  listDatasets,
  tableFingerprint,
  listTables,
} from './ensure-dataset.js';
import { executeQuery } from './execute-query.js';
import {
  type DatasetInfo,
  type PowerBIClientOptions,
  type ResolvedPowerBIClientOptions,
  resolvePowerBIClientOptions,
} from './power-bi-client-options.js';
import { type PushTable, type SignalOptions, createPushTable } from './push-table.js';

/** What `ensureDataset()` returns: the report plus typed access to the dataset's tables. */
export interface EnsuredDataset<S extends AnyDatasetSchema> extends EnsureDatasetReport {
  /** The typed {@link PushTable} of one of the schema's tables. */
  table<N extends TableNameOf<S>>(name: N): PushTable<RowOfTable<S, N>>;
}

/** Options of `client.table()`. */
export interface TableOptions<S extends AnyDatasetSchema> {
  /** The dataset's schema, when `ensureDataset` was not called on this client for it. */
  schema?: S;
}

/** A Power BI push-dataset client bound to one workspace. */
export interface PowerBIClient {
  /** The workspace id. */
  readonly groupId: string;
  /**
   * The longest one HTTP request may be in flight (the `timeoutMs` option): a caller that fences its writes (the
   * sync engine's lease) needs to know how long a POST can outlive the moment it was sent.
   */
  readonly requestTimeoutMs: number;
  /** Finds (by name), creates or updates the schema's dataset; reports what it did. */
  ensureDataset<S extends AnyDatasetSchema>(
    schema: S,
    options?: EnsureDatasetOptions,
  ): Promise<EnsuredDataset<S>>;
  /** Creates a new dataset for the schema, even if one with the name exists (names are not unique). */
  createDataset<S extends AnyDatasetSchema>(schema: S, options?: SignalOptions): Promise<EnsuredDataset<S>>;
  /** A table of a dataset. The schema must be known: from `ensureDataset` on this client, or `options.schema`. */
  table<S extends AnyDatasetSchema = DatasetSchema, N extends TableNameOf<S> = TableNameOf<S>>(
    datasetId: string,
    tableName: N,
    options?: TableOptions<S>,
  ): PushTable<RowOfTable<S, N>>;
  /** Lists the workspace's datasets. */
  listDatasets(options?: SignalOptions): Promise<DatasetInfo[]>;
  /** Lists the workspace's datasets with this exact name. */
  findDatasets(name: string, options?: SignalOptions): Promise<DatasetInfo[]>;
  /** Lists a dataset's tables as the service describes them. */
  listTables(datasetId: string, options?: SignalOptions): Promise<ApiTable[]>;
  /** Deletes a dataset and its rows. */
  deleteDataset(datasetId: string, options?: SignalOptions): Promise<void>;
  /** Runs one DAX query and returns its rows (keys like `Table[Column]` and `[label]`). */
  executeQuery(
    datasetId: string,
    dax: string,
    options?: SignalOptions,
  ): Promise<Array<Record<string, unknown>>>;
  /** Current pacer counters of a dataset (for logs and dashboards). */
  pacingStats(datasetId: string): PacerStats;
  /**
   * Keeps the pacing windows of a dataset (POSTs per minute, POSTs per hour for large tables, rows per hour, the
   * tables' row counts and 429 pauses) in `quota` — under the scope `powerbi:<datasetId>` — instead of in this
   * process: every process that shares the same quota store paces against the same windows, and a restart resumes
   * them. The sync engine calls it with its state store when the store implements `reserveQuota`. Resolves once
   * the sizes this client already knew have been written.
   */
  shareQuota(datasetId: string, quota: QuotaStore): Promise<void>;
}

/**
 * Creates a client for the Power BI push datasets of one workspace. Tokens come from `credential` and are cached on
 * core's token cycler; every call goes through `{apiBase}/groups/{groupId}/…`; POST rows requests are paced per
 * dataset; every failure is a typed `MlcError`.
 *
 * @example
 * const client = createPowerBIClient({
 *   credential: clientSecretCredential({ tenantId, clientId, clientSecret }),
 *   groupId: workspaceId,
 * });
 * const sales = await client.ensureDataset(salesSchema);
 * const result = await sales.table('Orders').append(rows, { batchId: 'b-1' });
 */
export function createPowerBIClient(options: PowerBIClientOptions): PowerBIClient {
  const resolved = resolvePowerBIClientOptions(options);
  const credential = bindCredential(resolved);
  const tokens = new TokenCycler(
    async ({ signal }) => {
      let token: Awaited<ReturnType<TokenCredential['getToken']>>;
      try {
        token = await credential.getToken(resolved.scope, signal ? { abortSignal: signal } : {});
      } catch (error) {
        if (isMlcError(error)) throw error;
        throw new PowerBIAuthError({
          message: 'The credential could not provide a Power BI token',
          cause: error,
          code: 'PBI_TOKEN_UNAVAILABLE',
        });
      }
      if (!token || typeof token.token !== 'string') {
        throw new PowerBIAuthError({
          message: 'The credential returned no token',
          code: 'PBI_TOKEN_UNAVAILABLE',
        });
      }
      return toAccessToken(token);
    },
    { clock: resolved.clock, logger: resolved.logger, refreshMarginMs: resolved.tokenRefreshMarginMs },
  );
  const http = createHttpClient({
    baseUrl: `${resolved.apiBase}/groups/${encodeURIComponent(resolved.groupId)}/`,
    // fetch would follow Power BI's 307 to a cluster URL without the token (cross-origin): the SDK follows it.
    fetch: followTrustedRedirects((input, init) => (resolved.fetch ?? globalThis.fetch)(input, init), {
      trustedHosts: resolved.redirectHosts,
    }),
    clock: resolved.clock,
    logger: resolved.logger,
    timeoutMs: resolved.timeoutMs,
    auth: tokenAuth(tokens),
    authChallenge: isPowerBIAuthChallenge,
    userAgent: PRODUCT_TOKEN,
    retry: resolved.retry,
    errorFactory: createPowerBIErrorFactory({ groupId: resolved.groupId }),
    onRetry: (event) => {
      if (event.reason === 'throttled') resolved.onThrottle?.({ delayMs: event.delayMs });
    },
  });
  const pacers = new Map<string, DatasetPacer>();
  const context: ClientContext = {
    options: resolved,
    http,
    tokens,
    schemas: new Map(),
    pacer(datasetId) {
      let pacer = pacers.get(datasetId);
      if (!pacer) {
        pacer = new DatasetPacer(resolved.pacing, resolved.clock);
        pacers.set(datasetId, pacer);
      }
      return pacer;
    },
  };

  const tableOf = <S extends AnyDatasetSchema, N extends TableNameOf<S>>(
    datasetId: string,
    tableName: N,
    schema: S | undefined,
  ): PushTable<RowOfTable<S, N>> => {
    if (schema) context.schemas.set(datasetId, schema);
    const known = schema ?? context.schemas.get(datasetId);
    if (!known) {
      throw new PowerBIDatasetError({
        code: 'PBI_SCHEMA_UNKNOWN',
        message: `No schema is known for dataset ${datasetId}: call ensureDataset(schema) on this client first, or pass { schema }`,
        datasetIds: [datasetId],
      });
    }
    const table = known.tablesByName.get(tableName);
    if (!table) {
      throw new PowerBIDatasetError({
        code: 'PBI_SCHEMA_UNKNOWN',
        message: `Table "${tableName}" is not in the schema of dataset "${known.name}"`,
        datasetName: known.name,
        datasetIds: [datasetId],
      });
    }
    return createPushTable<RowOfTable<S, N>>(context, datasetId, table);
  };

  const withTables = <S extends AnyDatasetSchema>(
    schema: S,
    report: EnsureDatasetReport,
  ): EnsuredDataset<S> => ({
    ...report,
    table: (name) => tableOf(report.datasetId, name, schema),
  });

  return {
    groupId: resolved.groupId,
    requestTimeoutMs: resolved.timeoutMs,
    async ensureDataset(schema, ensureOptions = {}) {
      return withTables(schema, await ensureDataset(context, schema, ensureOptions));
    },
    async createDataset(schema, createOptions = {}) {
      const datasetId = await createDataset(context, schema, createOptions.signal);
      context.schemas.set(datasetId, schema);
      return withTables(schema, {
        datasetId,
        created: true,
        updatedTables: [],
        actions: [`created dataset "${schema.name}" (${datasetId})`],
        tableFingerprints: Object.fromEntries(schema.tables.map((t) => [t.name, tableFingerprint(t)])),
      });
    },
    table: (datasetId, tableName, tableOptions = {}) => tableOf(datasetId, tableName, tableOptions.schema),
    listDatasets: (listOptions = {}) => listDatasets(context, listOptions.signal),
    async findDatasets(name, findOptions = {}) {
      return (await listDatasets(context, findOptions.signal)).filter((dataset) => dataset.name === name);
    },
    listTables: (datasetId, listOptions = {}) => listTables(context, datasetId, listOptions.signal),
    async deleteDataset(datasetId, deleteOptions = {}) {
      await http.request({
        method: 'DELETE',
        path: datasetPath(datasetId),
        ...(deleteOptions.signal ? { signal: deleteOptions.signal } : {}),
      });
      context.schemas.delete(datasetId);
      pacers.delete(datasetId);
      resolved.logger.info({ datasetId }, 'power bi dataset deleted');
    },
    executeQuery: (datasetId, dax, queryOptions = {}) =>
      executeQuery(context, datasetId, dax, queryOptions.signal),
    pacingStats: (datasetId) => context.pacer(datasetId).stats(),
    async shareQuota(datasetId, quota) {
      const pacer = context.pacer(datasetId);
      pacer.share(quota, `powerbi:${datasetId}`, (error) =>
        resolved.logger.warn(
          { datasetId, err: error instanceof Error ? error.message : String(error) },
          'power bi pacing: the shared quota could not be updated',
        ),
      );
      await pacer.settled();
    },
  };
}

/** Built-in credentials inherit the client's transport, clock, logger and authority host unless they set their own. */
function bindCredential(resolved: ResolvedPowerBIClientOptions): TokenCredential {
  const { credential } = resolved;
  if (!(credential instanceof EntraCredential)) return credential;
  return credential.withDefaults({
    authorityHost: resolved.authorityHost,
    clock: resolved.clock,
    logger: resolved.logger,
    retry: resolved.retry,
    ...(resolved.fetch ? { fetch: resolved.fetch } : {}),
  });
}
