import { type DatasetInfo, POWER_BI_LIMITS } from '@mlc/powerbi-push-client';
import type { CheckLog } from '../doctor-check.js';
import { POWER_BI_SECTION } from './service-text.js';

/**
 * Checks the push dataset named `name` among the workspace's `datasets`: it exists (or can still be created: then
 * executeQueries is checked once it exists), is the only one of that name and accepts pushed rows. Returns it when
 * it exists and is usable.
 */
export function checkPowerBIDataset(
  log: CheckLog,
  datasets: readonly DatasetInfo[],
  name: string,
  now: number,
): DatasetInfo | undefined {
  const title = `push dataset "${name}" exists or can be created`;
  const named = datasets.filter((d) => d.name === name);
  if (named.length === 0) {
    const retired = now >= POWER_BI_LIMITS.pushDatasetCreationEndsAt;
    log.add({
      id: 'powerbi.dataset',
      section: POWER_BI_SECTION,
      title,
      status: retired ? 'fail' : 'warn',
      detail: retired
        ? 'it does not exist, and Power BI no longer creates push datasets (after 2027-10-31)'
        : 'it does not exist yet: the first run creates it',
      ...(retired ? { remedy: 'Use an existing push dataset; new ones cannot be created any more.' } : {}),
    });
    log.add({
      id: 'powerbi.execute-queries',
      section: POWER_BI_SECTION,
      title: 'executeQueries is allowed (verification counts rows with it)',
      status: 'skip',
      detail: 'checked once the dataset exists',
    });
    return undefined;
  }
  if (named.length > 1) {
    log.add({
      id: 'powerbi.dataset',
      section: POWER_BI_SECTION,
      title,
      status: 'fail',
      detail: `${named.length} datasets share the name: ${named.map((d) => d.id).join(', ')}`,
      remedy: 'Delete the extra datasets in the workspace, keeping the one with data.',
    });
    return undefined;
  }
  const dataset = named[0] as DatasetInfo;
  if (dataset.addRowsAPIEnabled === false) {
    log.add({
      id: 'powerbi.dataset',
      section: POWER_BI_SECTION,
      title,
      status: 'fail',
      detail: `dataset ${dataset.id} is not a push dataset (addRowsAPIEnabled false)`,
      remedy: 'Choose another dataset name, or remove the non-push dataset of that name.',
    });
    return undefined;
  }
  log.add({
    id: 'powerbi.dataset',
    section: POWER_BI_SECTION,
    title,
    status: 'ok',
    detail: `dataset ${dataset.id}`,
  });
  return dataset;
}
