import { type ApiTable, toApiTable } from '../schema/to-api-dataset.js';
import { tablePath } from './client-context.js';
import { describeTableChange } from './describe-table-change.js';
import type { EnsureRun } from './ensure-run.js';

/** What {@link putChangedTables} did: the tables it PUT, and the fingerprint of each table now known to match. */
export interface PutTablesResult {
  updatedTables: string[];
  tableFingerprints: Record<string, string>;
}

/**
 * PUTs each schema table of dataset `datasetId` whose columns or measures differ from the service's copy in
 * `existing` (with `updateTables: 'never'`, only reports it). A table whose columns the service does not list is
 * taken as up to date when `known` holds its fingerprint, else its definition is sent again.
 */
export async function putChangedTables(
  run: EnsureRun,
  datasetId: string,
  existing: ReadonlyMap<string, ApiTable>,
  known: Readonly<Record<string, string>>,
  fingerprints: ReadonlyMap<string, string>,
): Promise<PutTablesResult> {
  const { context, schema, options, actions } = run;
  const { signal } = options;
  const updatedTables: string[] = [];
  const tableFingerprints: Record<string, string> = {};
  for (const table of schema.tables) {
    const current = existing.get(table.name) as ApiTable;
    const fingerprint = fingerprints.get(table.name) as string;
    const change =
      !Array.isArray(current.columns) && known[table.name] === fingerprint
        ? undefined
        : describeTableChange(table, current);
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
  return { updatedTables, tableFingerprints };
}
