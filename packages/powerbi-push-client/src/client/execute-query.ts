import { isMlcError } from '@mlc/core';
import { isTokenExpired } from '../errors/is-token-expired.js';
import {
  PowerBIQueryAnswerError,
  PowerBIQueryError,
  PowerBIQueryUnavailableError,
} from '../errors/power-bi-query-error.js';
import { type ClientContext, datasetPath } from './client-context.js';

/**
 * The executeQueries response ([documented] reference §2.7, S14): `{ results: [{ tables: [{ rows: [...] }] }] }`,
 * with an `error` object possible at each level. Read as `unknown` and checked step by step.
 */
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
 * @throws {PowerBIQueryAnswerError} `PBI_QUERY_ANSWER_UNREADABLE` for a 200 that is not JSON or lacks the result,
 * the table or its rows array (never read as "no rows").
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
  const unreadable = (why: string, cause?: unknown) =>
    new PowerBIQueryAnswerError({
      message: `executeQueries answer unreadable: ${why}`,
      query,
      ...(requestId ? { requestId } : {}),
      ...(cause !== undefined ? { cause } : {}),
    });
  let body: unknown;
  try {
    body = JSON.parse(text.replace(/^\uFEFF/, '').trim());
  } catch (cause) {
    // A cut-off or non-JSON body says nothing about what the service counted.
    throw unreadable('the body is not JSON', cause);
  }
  if (!isObject(body)) throw unreadable('the body is not an object');
  // [documented] S14: errors can sit at response, result or table level, even inside a 200.
  const results = body.results;
  const result = Array.isArray(results) ? results[0] : undefined;
  const tables = isObject(result) ? result.tables : undefined;
  const table = Array.isArray(tables) ? tables[0] : undefined;
  const error =
    errorOf(body) ??
    (isObject(result) ? errorOf(result) : undefined) ??
    (isObject(table) ? errorOf(table) : undefined);
  if (error) {
    throw new PowerBIQueryError({
      message: `DAX query failed: ${error.code ?? ''} ${error.message ?? ''}`.trim(),
      query,
      ...(requestId ? { requestId } : {}),
    });
  }
  // One query was sent, so one result with one table must come back; `rows` may be empty, but must be there.
  if (!Array.isArray(results) || !isObject(result)) throw unreadable('no result');
  if (!Array.isArray(tables) || !isObject(table)) throw unreadable('no table in the result');
  if (!Array.isArray(table.rows) || !table.rows.every(isObject))
    throw unreadable('no rows array in the table');
  return table.rows as Array<Record<string, unknown>>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorOf(value: Record<string, unknown>): { code?: string; message?: string } | undefined {
  const error = value.error;
  if (error === undefined || error === null) return undefined;
  return isObject(error)
    ? {
        ...(typeof error.code === 'string' ? { code: error.code } : {}),
        ...(typeof error.message === 'string' ? { message: error.message } : {}),
      }
    : { message: String(error) };
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
    ((status === 401 || status === 403) && !isTokenExpired({ status, serviceCode: code }));
  if (unavailable) {
    return new PowerBIQueryUnavailableError({
      message:
        'executeQueries is not available: a Power BI admin must enable the tenant setting "Dataset Execute Queries REST API", and the service principal needs Read and Build permission on the dataset',
      ...(status !== undefined ? { status } : {}),
      ...(code !== undefined ? { serviceCode: code } : {}),
      ...(facts.requestId !== undefined ? { requestId: facts.requestId } : {}),
      cause: error,
    });
  }
  if (status === 400) {
    return new PowerBIQueryError({
      message: `DAX query failed: ${facts.serviceMessage ?? code ?? 'bad request'}`,
      query,
      status,
      cause: error,
      ...(facts.requestId !== undefined ? { requestId: facts.requestId } : {}),
    });
  }
  return error;
}
