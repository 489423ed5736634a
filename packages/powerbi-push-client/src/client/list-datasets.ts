import type { ClientContext } from './client-context.js';
import type { DatasetInfo } from './power-bi-client-options.js';

/** Lists the datasets of the workspace ([documented] reference §2.2). */
export async function listDatasets(context: ClientContext, signal?: AbortSignal): Promise<DatasetInfo[]> {
  const response = await context.http.request({ path: 'datasets', ...(signal ? { signal } : {}) });
  const body = response.json<{ value?: DatasetInfo[] }>();
  return Array.isArray(body.value) ? body.value : [];
}
