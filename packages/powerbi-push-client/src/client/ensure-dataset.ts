import type { AnyDatasetSchema } from '../schema/schema-types.js';
import { chooseDataset } from './choose-dataset.js';
import type { ClientContext } from './client-context.js';
import { createMissingDataset } from './create-missing-dataset.js';
import type { EnsureRun } from './ensure-run.js';
import { listDatasets } from './list-datasets.js';
import type { DuplicateDatasetPolicy } from './power-bi-client-options.js';
import { upToDateReport, updateFoundDataset } from './update-found-dataset.js';

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
 * Finds the schema's dataset by name, creates it when missing, and PUTs every table whose columns or measures
 * differ. Tables cannot be added to an existing dataset ([documented-3p] reference §2.4), so a schema table missing
 * from the service is an explicit error.
 */
export async function ensureDataset(
  context: ClientContext,
  schema: AnyDatasetSchema,
  options: EnsureDatasetOptions = {},
): Promise<EnsureDatasetReport> {
  const run: EnsureRun = { context, schema, options, actions: [] };
  const target = await findTarget(run);
  return target ? updateFoundDataset(run, target) : createMissingDataset(run);
}

/** Options of `findEnsuredDataset()`: those of `ensureDataset()` that finding reads. */
export type FindEnsuredDatasetOptions = Pick<EnsureDatasetOptions, 'signal' | 'onDuplicate' | 'knownTables'>;

/**
 * What {@link ensureDataset} would return when it has nothing to do: the dataset it finds (by name, chosen among
 * same-named ones as it chooses), a push dataset whose every table definition `knownTables` records as there
 * already. `undefined` when `ensureDataset` would have work to do (create the dataset, or list or PUT tables).
 * Changes nothing in the workspace (one GET of its datasets); throws what `ensureDataset` would throw on the way
 * (duplicate names under the `'error'` policy, a dataset that is not a push dataset).
 */
export async function findEnsuredDataset(
  context: ClientContext,
  schema: AnyDatasetSchema,
  options: FindEnsuredDatasetOptions = {},
): Promise<EnsureDatasetReport | undefined> {
  const run: EnsureRun = { context, schema, options, actions: [] };
  const target = await findTarget(run);
  return target ? upToDateReport(run, target) : undefined;
}

/** The workspace's dataset with the schema's name that `ensureDataset` works on (see {@link chooseDataset}). */
async function findTarget(run: EnsureRun) {
  const matches = (await listDatasets(run.context, run.options.signal)).filter(
    (dataset) => dataset.name === run.schema.name,
  );
  return chooseDataset(run, matches);
}
