import type { AnyDatasetSchema } from '../schema/schema-types.js';
import type { EnsureDatasetReport } from './ensure-dataset.js';
import { tableFingerprint } from './table-fingerprint.js';

/** The report of `createDataset()`: dataset `datasetId` was just created with every table of `schema`. */
export function createDatasetReport(schema: AnyDatasetSchema, datasetId: string): EnsureDatasetReport {
  return {
    datasetId,
    created: true,
    updatedTables: [],
    actions: [`created dataset "${schema.name}" (${datasetId})`],
    tableFingerprints: Object.fromEntries(schema.tables.map((t) => [t.name, tableFingerprint(t)])),
  };
}
