import { type ClientContext, datasetPath } from './client-context.js';

/** Deletes dataset `datasetId` and its rows, then forgets its schema and pacer (logged). */
export async function deleteDataset(
  context: ClientContext,
  datasetId: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  await context.http.request({
    method: 'DELETE',
    path: datasetPath(datasetId),
    ...(signal ? { signal } : {}),
  });
  context.forgetDataset(datasetId);
  context.options.logger.info({ datasetId }, 'power bi dataset deleted');
}
