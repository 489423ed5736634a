import { PowerBIDatasetError } from '../errors/power-bi-dataset-error.js';
import type { PowerBIHttpError } from '../errors/power-bi-http-error.js';
import { isPowerBIError } from '../errors/is-power-bi-error.js';
import { toApiCreateDataset } from '../schema/to-api-dataset.js';
import type { AnyDatasetSchema } from '../schema/schema-types.js';
import type { ClientContext } from './client-context.js';

/**
 * Creates the dataset ([documented] reference §2.1). Not retried after it may have been applied: a blind resend
 * would create a duplicate (names are not unique).
 */
export async function createDataset(
  context: ClientContext,
  schema: AnyDatasetSchema,
  signal?: AbortSignal,
): Promise<string> {
  let response: Awaited<ReturnType<typeof context.http.request>>;
  try {
    response = await context.http.request({
      method: 'POST',
      path: 'datasets',
      query: { defaultRetentionPolicy: schema.retentionPolicy },
      json: toApiCreateDataset(schema),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (
      isPowerBIError(error, 'PBI_HTTP_ERROR') &&
      (error as PowerBIHttpError).serviceCode === 'FeatureDeprecatedError'
    ) {
      throw new PowerBIDatasetError({
        code: 'PBI_DATASET_CREATION_RETIRED',
        message: `Power BI refused to create push dataset "${schema.name}" (FeatureDeprecatedError): Microsoft ended the creation of new push semantic models after 2027-10-31. Existing push datasets keep working, so keep the one you have (do not delete it; ensureDataset finds it by name), or move new tables to Real-Time Intelligence in Microsoft Fabric`,
        datasetName: schema.name,
        cause: error,
      });
    }
    throw error;
  }
  const body = response.json<{ id?: unknown }>();
  if (typeof body.id !== 'string') {
    throw new PowerBIDatasetError({
      code: 'PBI_DATASET_NOT_PUSH',
      message: `Power BI created dataset "${schema.name}" but returned no id`,
      datasetName: schema.name,
    });
  }
  return body.id;
}
