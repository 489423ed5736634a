import { PowerBIDatasetError } from '../errors/power-bi-dataset-error.js';
import type { AnyDatasetSchema, RowOfTable, TableNameOf } from '../schema/schema-types.js';
import type { ClientContext } from './client-context.js';
import { type PushTable, createPushTable } from './push-table.js';

/**
 * The {@link PushTable} of `tableName` in dataset `datasetId`. A given `schema` is remembered for the dataset;
 * without one the schema this client already knows is used (`PBI_SCHEMA_UNKNOWN` when it knows none, or when the
 * schema has no such table).
 */
export function tableOf<S extends AnyDatasetSchema, N extends TableNameOf<S>>(
  context: ClientContext,
  datasetId: string,
  tableName: N,
  schema: S | undefined,
): PushTable<RowOfTable<S, N>> {
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
}
