import { createDataset } from './create-dataset.js';
import { ensureDataset, findEnsuredDataset } from './ensure-dataset.js';
import { listDatasets } from './list-datasets.js';
import { listTables } from './list-tables.js';
import { createDatasetReport } from './create-dataset-report.js';
import { deleteDataset } from './delete-dataset.js';
import { withTables } from './ensured-dataset.js';
import { executeQuery } from './execute-query.js';
import { newClientContext } from './new-client-context.js';
import type { PowerBIClient } from './power-bi-client.js';
import { type PowerBIClientOptions, resolvePowerBIClientOptions } from './power-bi-client-options.js';
import { shareQuota } from './share-quota.js';
import { tableOf } from './table-of.js';

export type { EnsuredDataset } from './ensured-dataset.js';
export type { PowerBIClient, TableOptions } from './power-bi-client.js';

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
  const context = newClientContext(resolved);
  return {
    groupId: resolved.groupId,
    requestTimeoutMs: resolved.timeoutMs,
    async ensureDataset(schema, ensureOptions = {}) {
      return withTables(context, schema, await ensureDataset(context, schema, ensureOptions));
    },
    async findEnsuredDataset(schema, findOptions = {}) {
      const report = await findEnsuredDataset(context, schema, findOptions);
      return report && withTables(context, schema, report);
    },
    async createDataset(schema, createOptions = {}) {
      const datasetId = await createDataset(context, schema, createOptions.signal);
      context.schemas.set(datasetId, schema);
      return withTables(context, schema, createDatasetReport(schema, datasetId));
    },
    table: (datasetId, tableName, tableOptions = {}) =>
      tableOf(context, datasetId, tableName, tableOptions.schema),
    listDatasets: (listOptions = {}) => listDatasets(context, listOptions.signal),
    async findDatasets(name, findOptions = {}) {
      return (await listDatasets(context, findOptions.signal)).filter((dataset) => dataset.name === name);
    },
    listTables: (datasetId, listOptions = {}) => listTables(context, datasetId, listOptions.signal),
    deleteDataset: (datasetId, deleteOptions = {}) => deleteDataset(context, datasetId, deleteOptions.signal),
    executeQuery: (datasetId, dax, queryOptions = {}) =>
      executeQuery(context, datasetId, dax, queryOptions.signal),
    pacingStats: (datasetId) => context.pacer(datasetId).stats(),
    shareQuota: (datasetId, quota) => shareQuota(context, datasetId, quota),
  };
}
