import { createDataset } from './create-dataset.js';
import { creationRetirementWarning } from './creation-retirement-warning.js';
import type { EnsureDatasetReport } from './ensure-dataset.js';
import type { EnsureRun } from './ensure-run.js';
import { tableFingerprint } from './table-fingerprint.js';

/**
 * `ensureDataset` found no dataset with the schema's name: creates it with every table (warning, logged and in the
 * actions, when push-dataset creation ends within a year) and remembers its schema.
 */
export async function createMissingDataset(run: EnsureRun): Promise<EnsureDatasetReport> {
  const { context, schema, options, actions } = run;
  const retirement = creationRetirementWarning(context.options.clock.now());
  if (retirement) {
    context.options.logger.warn({ name: schema.name }, retirement);
  }
  const datasetId = await createDataset(context, schema, options.signal);
  context.schemas.set(datasetId, schema);
  actions.push(
    `created dataset "${schema.name}" (${datasetId}) with tables ${schema.tables.map((table) => `"${table.name}"`).join(', ')}, retention ${schema.retentionPolicy}`,
  );
  if (retirement) actions.push(`warning: ${retirement}`);
  context.options.logger.info({ datasetId, name: schema.name }, 'power bi dataset created');
  const tableFingerprints = Object.fromEntries(schema.tables.map((t) => [t.name, tableFingerprint(t)]));
  return { datasetId, actions, created: true, updatedTables: [], tableFingerprints };
}
