import type { QuotaStore } from '@mlc/core';
import type { ClientContext } from './client-context.js';

/**
 * Keeps the pacing windows of dataset `datasetId` in `quota` under the scope `powerbi:<datasetId>` (a failed update
 * is logged as a warning); resolves once the sizes this client already knew have been written.
 */
export async function shareQuota(
  context: ClientContext,
  datasetId: string,
  quota: QuotaStore,
): Promise<void> {
  const pacer = context.pacer(datasetId);
  pacer.share(quota, `powerbi:${datasetId}`, (error) =>
    context.options.logger.warn(
      { datasetId, err: error instanceof Error ? error.message : String(error) },
      'power bi pacing: the shared quota could not be updated',
    ),
  );
  await pacer.settled();
}
