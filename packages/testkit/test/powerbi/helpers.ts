import type { PowerBISimulator } from './imports.js';

/** POSTs a client-credentials form to the simulator's token endpoint. */
export async function tokenRequest(
  sim: PowerBISimulator,
  fields: Record<string, string>,
  init: { tenant?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${sim.authorityHost}/${init.tenant ?? sim.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...init.headers },
    body: new URLSearchParams(fields),
  });
}

/** Gets a token with the default app's secret. */
export async function secretToken(sim: PowerBISimulator): Promise<string> {
  const res = await tokenRequest(sim, {
    grant_type: 'client_credentials',
    client_id: sim.clientId,
    client_secret: sim.clientSecret ?? '',
    scope: sim.scope,
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** A tiny fetch wrapper for the Power BI API under the default group. */
export function pbi(sim: PowerBISimulator, token: string, groupId = sim.groupId) {
  const base = `${sim.url}/groups/${groupId}`;
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  return {
    call,
    createDataset: (body: unknown, query = '') => call('POST', `/datasets${query}`, body),
    postRows: (datasetId: string, table: string, rows: unknown[]) =>
      call('POST', `/datasets/${datasetId}/tables/${encodeURIComponent(table)}/rows`, { rows }),
    query: (datasetId: string, query: string, extra: Record<string, unknown> = {}) =>
      call('POST', `/datasets/${datasetId}/executeQueries`, { queries: [{ query }], ...extra }),
  };
}

/** Creates a dataset and returns its id (throws on a non-201). */
export async function createDataset(
  api: ReturnType<typeof pbi>,
  tables: Array<{ name: string; columns: Array<{ name: string; dataType: string }> }>,
  query = '',
  name = 'Sales',
): Promise<string> {
  const res = await api.createDataset({ name, tables }, query);
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Parses a JSON body that may start with a UTF-8 BOM. */
export async function jsonOf<T = unknown>(res: Response): Promise<T> {
  const text = await res.text();
  return JSON.parse(text.replace(/^\uFEFF/, '')) as T;
}

/** A standard one-table schema with every data type plus `_batch`. */
export const ORDERS_TABLE = {
  name: 'Orders',
  columns: [
    { name: '_batch', dataType: 'String' },
    { name: 'id', dataType: 'Int64' },
    { name: 'amount', dataType: 'Decimal' },
    { name: 'ratio', dataType: 'Double' },
    { name: 'paid', dataType: 'Boolean' },
    { name: 'postedAt', dataType: 'DateTime' },
    { name: 'customer', dataType: 'String' },
  ],
};
