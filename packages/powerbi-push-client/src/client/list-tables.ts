import type { ApiTable } from '../schema/to-api-dataset.js';
import { type ClientContext, datasetPath } from './client-context.js';

/** Lists a dataset's tables ([documented] reference §2.3; whether columns are included is [U]). */
export async function listTables(
  context: ClientContext,
  datasetId: string,
  signal?: AbortSignal,
): Promise<ApiTable[]> {
  const response = await context.http.request({
    path: `${datasetPath(datasetId)}/tables`,
    ...(signal ? { signal } : {}),
  });
  const body = response.json<{ value?: ApiTable[] }>();
  return Array.isArray(body.value) ? body.value : [];
}
