import { PowerBIDatasetError } from '../errors/power-bi-dataset-error.js';
import type { EnsureRun } from './ensure-run.js';
import type { DatasetInfo } from './power-bi-client-options.js';

/**
 * The dataset among `matches` (the workspace's datasets with the schema's name) that `ensureDataset` works on, or
 * undefined when there is none. Several are resolved by the `onDuplicate` policy (the call's, else the client's):
 * `'error'` refuses (`PBI_DATASET_DUPLICATE`), `'first'` takes the first, a chooser picks one of them.
 */
export function chooseDataset(run: EnsureRun, matches: DatasetInfo[]): DatasetInfo | undefined {
  const { context, schema, options, actions } = run;
  if (matches.length <= 1) return matches[0];
  const policy = options.onDuplicate ?? context.options.onDuplicateDataset;
  const ids = matches.map((dataset) => dataset.id);
  if (policy === 'error') {
    throw new PowerBIDatasetError({
      code: 'PBI_DATASET_DUPLICATE',
      message: `${matches.length} datasets are named "${schema.name}" (${ids.join(', ')}); Power BI names are not unique. Delete the extras, or pass onDuplicate: 'first' or a chooser function`,
      datasetName: schema.name,
      datasetIds: ids,
    });
  }
  const chosen = policy === 'first' ? matches[0]?.id : policy(matches);
  const target = matches.find((dataset) => dataset.id === chosen);
  if (!target) {
    throw new PowerBIDatasetError({
      code: 'PBI_DATASET_DUPLICATE',
      message: `onDuplicate chose "${String(chosen)}", which is not one of ${ids.join(', ')}`,
      datasetName: schema.name,
      datasetIds: ids,
    });
  }
  actions.push(`chose dataset ${target.id} among ${matches.length} named "${schema.name}"`);
  return target;
}
