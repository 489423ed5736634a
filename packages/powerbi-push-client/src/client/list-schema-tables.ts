import { PowerBIDatasetError } from '../errors/power-bi-dataset-error.js';
import type { ApiTable } from '../schema/to-api-dataset.js';
import { creationRetirementWarning } from './creation-retirement-warning.js';
import type { EnsureRun } from './ensure-run.js';
import { listTables } from './list-tables.js';

/**
 * The tables of dataset `datasetId` as the service lists them, by name. Every table of the schema must be there:
 * Power BI cannot add a table to an existing dataset ([documented-3p] reference §2.4), so a missing one is
 * `PBI_TABLE_MISSING` (warning, near the end of push-dataset creation, that deleting the dataset may be for good).
 */
export async function listSchemaTables(run: EnsureRun, datasetId: string): Promise<Map<string, ApiTable>> {
  const { context, schema, options } = run;
  const existing = new Map(
    (await listTables(context, datasetId, options.signal)).map((table) => [table.name, table]),
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
  return existing;
}
