import type { QuotaStore } from '@mlc/core';
import { SyncError } from '../errors/sync-error.js';
import type { SinkSetupNote, SinkTable } from '../sink/sync-sink.js';
import { datasetForTables } from './dataset-for-tables.js';
import { knownTablesOf } from './known-tables-of.js';
import type { PowerBISinkState } from './power-bi-sink-state.js';

/**
 * `ensureTables` of {@link powerBISink}: builds the schema from `specs` when only a name was given, refuses tables
 * the schema lacks, finds or creates the dataset (unless its id was given or is known already), shares the state
 * store's quota for its pacing windows, and has each table's row count read again before its first POST.
 */
export async function ensurePowerBITables(
  state: PowerBISinkState,
  specs: readonly SinkTable[],
  { signal, quota, lastSetup }: { signal?: AbortSignal; quota?: QuotaStore; lastSetup?: SinkSetupNote },
): Promise<void> {
  const { client, options } = state;
  if (!state.schema) state.schema = datasetForTables(options.dataset as string, specs);
  const schema = state.schema;
  const known = new Set(schema.tables.map((t) => t.name));
  const missing = specs.filter((s) => !known.has(s.name)).map((s) => s.name);
  if (missing.length > 0) {
    throw new SyncError({
      code: 'SYNC_CONFIG_INVALID',
      message: `dataset ${schema.name} has no table(s) ${missing.join(', ')}`,
    });
  }
  if (state.datasetId === undefined) {
    // The table definitions the last set-up left in the dataset (kept by the engine): the service does not list
    // columns, so without them every start would PUT every table again.
    const knownTables = knownTablesOf(lastSetup);
    const ensured = await client.ensureDataset(schema, {
      ...(signal ? { signal } : {}),
      ...(knownTables ? { knownTables } : {}),
    });
    state.datasetId = ensured.datasetId;
    state.setupNote = { datasetId: ensured.datasetId, tables: ensured.tableFingerprints };
  }
  // With a state store that keeps quotas, the dataset's pacing windows live there: shared by every process
  // writing this dataset, and still there after a restart.
  if (quota && state.datasetId !== undefined) await client.shareQuota(state.datasetId, quota);
  // Each table's row count is read again before its first POST after this set-up (see `seed`).
  state.forgetSeeds();
}
