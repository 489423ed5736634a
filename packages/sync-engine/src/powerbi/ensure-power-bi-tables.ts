import type { QuotaStore } from '@mlc/core';
import type { EnsureDatasetReport } from '@mlc/powerbi-push-client';
import { SyncError } from '../errors/sync-error.js';
import type { SinkSetupNote, SinkTable } from '../sink/sync-sink.js';
import { datasetForTables } from './dataset-for-tables.js';
import { knownTablesOf } from './known-tables-of.js';
import type { PowerBISinkState } from './power-bi-sink-state.js';

/** What a set-up of {@link powerBISink} is given (see `SyncSink.ensureTables`). */
interface SetupOptions {
  signal?: AbortSignal;
  quota?: QuotaStore;
  lastSetup?: SinkSetupNote;
}

/**
 * `ensureTables` of {@link powerBISink}: builds the schema from `specs` when only a name was given, refuses tables
 * the schema lacks, finds or creates the dataset (unless its id was given or is known already), shares the state
 * store's quota for its pacing windows, and has each table's row count read again before its first POST.
 */
export async function ensurePowerBITables(
  state: PowerBISinkState,
  specs: readonly SinkTable[],
  { signal, quota, lastSetup }: SetupOptions,
): Promise<void> {
  const schema = schemaFor(state, specs);
  if (state.datasetId === undefined) {
    // The table definitions the last set-up left in the dataset (kept by the engine): the service does not list
    // columns, so without them every start would PUT every table again.
    const knownTables = knownTablesOf(lastSetup);
    const ensured = await state.client.ensureDataset(schema, {
      ...(signal ? { signal } : {}),
      ...(knownTables ? { knownTables } : {}),
    });
    found(state, ensured);
  }
  await afterSetUp(state, quota);
}

/**
 * `findSetup` of {@link powerBISink}: the set-up {@link ensurePowerBITables} would make when it has nothing to
 * create or PUT (the dataset `lastSetup` names is found by name, and every table definition is the one the note
 * records), made without changing anything; false when `ensureTables` must run.
 */
export async function findPowerBITables(
  state: PowerBISinkState,
  specs: readonly SinkTable[],
  { signal, quota, lastSetup }: SetupOptions,
): Promise<boolean> {
  const schema = schemaFor(state, specs);
  if (state.datasetId === undefined) {
    const knownTables = knownTablesOf(lastSetup);
    if (!knownTables) return false;
    const ensured = await state.client.findEnsuredDataset(schema, {
      knownTables,
      ...(signal ? { signal } : {}),
    });
    if (!ensured) return false;
    found(state, ensured);
  }
  await afterSetUp(state, quota);
  return true;
}

/** The dataset's schema (built from `specs` when only a name was given); refuses tables it lacks. */
function schemaFor(state: PowerBISinkState, specs: readonly SinkTable[]) {
  if (!state.schema) state.schema = datasetForTables(state.options.dataset as string, specs);
  const schema = state.schema;
  const known = new Set(schema.tables.map((t) => t.name));
  const missing = specs.filter((s) => !known.has(s.name)).map((s) => s.name);
  if (missing.length > 0) {
    throw new SyncError({
      code: 'SYNC_CONFIG_INVALID',
      message: `dataset ${schema.name} has no table(s) ${missing.join(', ')}`,
    });
  }
  return schema;
}

/** Records the dataset a set-up found or created, and what the next set-up needs to know of it. */
function found(state: PowerBISinkState, ensured: EnsureDatasetReport): void {
  state.datasetId = ensured.datasetId;
  state.setupNote = { datasetId: ensured.datasetId, tables: ensured.tableFingerprints };
}

/** The end of every set-up: quota sharing and the tables' row counts read again. */
async function afterSetUp(state: PowerBISinkState, quota: QuotaStore | undefined): Promise<void> {
  // With a state store that keeps quotas, the dataset's pacing windows live there: shared by every process
  // writing this dataset, and still there after a restart.
  if (quota && state.datasetId !== undefined) await state.client.shareQuota(state.datasetId, quota);
  // Each table's row count is read again before its first POST after this set-up (see `seed`).
  state.forgetSeeds();
}
