import type { AnyDatasetSchema, RowOfTable, TableNameOf } from '../schema/schema-types.js';
import type { ClientContext } from './client-context.js';
import type { EnsureDatasetReport } from './ensure-dataset.js';
import type { PushTable } from './push-table.js';
import { tableOf } from './table-of.js';

/** What `ensureDataset()` returns: the report plus typed access to the dataset's tables. */
export interface EnsuredDataset<S extends AnyDatasetSchema> extends EnsureDatasetReport {
  /** The typed {@link PushTable} of one of the schema's tables. */
  table<N extends TableNameOf<S>>(name: N): PushTable<RowOfTable<S, N>>;
}

/** `report` with typed access to the tables of `schema` in the dataset it names. */
export function withTables<S extends AnyDatasetSchema>(
  context: ClientContext,
  schema: S,
  report: EnsureDatasetReport,
): EnsuredDataset<S> {
  return {
    ...report,
    table: (name) => tableOf(context, report.datasetId, name, schema),
  };
}
