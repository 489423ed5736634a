import { PowerBIDatasetError } from '../errors/power-bi-dataset-error.js';
import type { EnsureDatasetReport } from './ensure-dataset.js';
import type { EnsureRun } from './ensure-run.js';
import { listSchemaTables } from './list-schema-tables.js';
import type { DatasetInfo } from './power-bi-client-options.js';
import { putChangedTables } from './put-changed-tables.js';
import { tableFingerprint } from './table-fingerprint.js';

/**
 * `ensureDataset` found `target`: checks it is a push dataset, then brings its tables up to the schema — nothing to
 * do when every table definition is known to be there already, else the tables are listed (all must exist) and the
 * changed ones PUT. Remembers the schema for the dataset.
 */
export async function updateFoundDataset(run: EnsureRun, target: DatasetInfo): Promise<EnsureDatasetReport> {
  const { context, schema, actions } = run;
  const found = foundDataset(run, target);
  const upToDate = upToDateOf(run, found);
  if (upToDate) return upToDate;
  const { datasetId, known, fingerprints } = found;
  const existing = await listSchemaTables(run, datasetId);
  const { updatedTables, tableFingerprints } = await putChangedTables(
    run,
    datasetId,
    existing,
    known,
    fingerprints,
  );
  for (const name of existing.keys()) {
    if (!schema.tablesByName.has(name)) actions.push(`left table "${name}" as is (not in the schema)`);
  }
  if (updatedTables.length === 0) actions.push('schema up to date');
  context.schemas.set(datasetId, schema);
  return { datasetId, actions, created: false, updatedTables, tableFingerprints };
}

/**
 * The steps of {@link updateFoundDataset} that change nothing, alone: the report when every schema table is known to
 * be in `target` with this very definition (`knownTables`), else `undefined` (tables to list, compare or PUT).
 */
export function upToDateReport(run: EnsureRun, target: DatasetInfo): EnsureDatasetReport | undefined {
  return upToDateOf(run, foundDataset(run, target));
}

/** A found dataset and the table fingerprints to compare: those known to be there, and the schema's. */
interface FoundDataset {
  datasetId: string;
  known: Readonly<Record<string, string>>;
  fingerprints: Map<string, string>;
}

/** Checks `target` is a push dataset (else `PBI_DATASET_NOT_PUSH`) and records it found. */
function foundDataset(run: EnsureRun, target: DatasetInfo): FoundDataset {
  const { schema, options, actions } = run;
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
  return { datasetId, known, fingerprints };
}

/** The report when every table was created or PUT with this very definition (the schema is then remembered). */
function upToDateOf(run: EnsureRun, found: FoundDataset): EnsureDatasetReport | undefined {
  const { context, schema, actions } = run;
  const { datasetId, known, fingerprints } = found;
  if (!schema.tables.every((table) => known[table.name] === fingerprints.get(table.name))) return undefined;
  // The API cannot remove a table from a dataset: nothing to list or compare.
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
