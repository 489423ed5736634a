import { isMlcError } from '@mlc/core';
import { PowerBIQueryError, PowerBIQueryUnavailableError } from '../errors/power-bi-query-error.js';
import { type ClientContext, datasetPath } from './client-context.js';

/** The executeQueries response ([documented] reference §2.7, S14). */
interface ExecuteQueriesResponse {
  results?: Array<{
    tables?: Array<{ rows?: Array<Record<string, unknown>>; error?: { code?: string; message?: string } }>;
    error?: { code?: string; message?: string };
  }>;
  error?: { code?: string; message?: string };
}

/**
 * Service codes meaning "executeQueries is not allowed here" rather than "your DAX is wrong". Which codes the real
 * service sends when the tenant setting is off is not documented ([inferred]); 401/403 other than `TokenExpired`
 * are treated the same way.
 */
const UNAVAILABLE_CODES =
  /ExecuteQueries.*(Disabled|NotAllowed|NotEnabled|Unsupported)|FeatureNotAvailable|TenantSetting|Unauthorized|NotAuthorized/i;

/**
 * Runs one DAX query through `POST datasets/{id}/executeQueries` and returns the rows of its table. The response
 * may start with a UTF-8 BOM ([documented-3p] §2.7): core's HTTP client strips it, and the text is also trimmed
 * here in case a proxy re-encoded it.
 *
 * @throws {PowerBIQueryUnavailableError} `PBI_QUERY_UNAVAILABLE` when the tenant or dataset disallows executeQueries.
 * @throws {PowerBIQueryError} `PBI_QUERY_FAILED` for DAX errors.
 */
export async function executeQuery(
  context: ClientContext,
  datasetId: string,
  query: string,
  signal?: AbortSignal,
): Promise<Array<Record<string, unknown>>> {
  let text: string;
  let requestId: string | undefined;
  try {
    const response = await context.http.request({
      method: 'POST',
      path: `${datasetPath(datasetId)}/executeQueries`,
      json: { queries: [{ query }], serializerSettings: { includeNulls: true } },
      // A query changes nothing: repeating it is safe.
      idempotent: true,
      ...(signal ? { signal } : {}),
    });
    text = response.text;
    requestId = response.requestId;
  } catch (error) {
    throw mapQueryFailure(error, query);
  }
  let body: ExecuteQueriesResponse;
  try {
    body = JSON.parse(text.replace(/^\uFEFF/, '')) as ExecuteQueriesResponse;
  } catch (cause) {
    throw new PowerBIQueryError('executeQueries returned a body that is not JSON', {
      query,
      cause,
      ...(requestId ? { requestId } : {}),
    });
  }
  // [documented] S14: errors can sit at response, result or table level, even inside a 200.
  const result = body.results?.[0];
  const table = result?.tables?.[0];
  const error = body.error ?? result?.error ?? table?.error;
  if (error) {
    throw new PowerBIQueryError(`DAX query failed: ${error.code ?? ''} ${error.message ?? ''}`.trim(), {
      query,
      ...(requestId ? { requestId } : {}),
    });
  }
  return table?.rows ?? [];
}

function mapQueryFailure(error: unknown, query: string): unknown {
  if (!isMlcError(error)) return error;
  const facts = error as {
    status?: number;
    serviceCode?: string;
    serviceMessage?: string;
    requestId?: string;
  };
  const status = facts.status;
  const code = facts.serviceCode;
  const unavailable =
    (code !== undefined && UNAVAILABLE_CODES.test(code)) ||
    ((status === 401 || status === 403) && code !== 'TokenExpired');
  if (unavailable) {
    return new PowerBIQueryUnavailableError(
      'executeQueries is not available: a Power BI admin must enable the tenant setting "Dataset Execute Queries REST API", and the service principal needs Read and Build permission on the dataset',
      {
        ...(status !== undefined ? { status } : {}),
        ...(code !== undefined ? { serviceCode: code } : {}),
        ...(facts.requestId !== undefined ? { requestId: facts.requestId } : {}),
        cause: error,
      },
    );
  }
  if (status === 400) {
    return new PowerBIQueryError(`DAX query failed: ${facts.serviceMessage ?? code ?? 'bad request'}`, {
      query,
      status,
      cause: error,
      ...(facts.requestId !== undefined ? { requestId: facts.requestId } : {}),
    });
  }
  return error;
}
