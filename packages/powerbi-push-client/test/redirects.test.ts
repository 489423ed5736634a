import type { PowerBISimulator } from '@mlc/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PowerBIHttpError,
  clientSecretCredential,
  createPowerBIClient,
  defineDataset,
  isPowerBIError,
} from '../src/index.js';
import { orderRows, ordersSchema, startSimulatedClient } from './helpers/simulated-client.js';

let sim: PowerBISimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const TOKEN = 'tok-redirect-fixture';

/** A fetch stub: the token endpoint, then `routes` by origin + path prefix. */
function stubFetch(routes: Array<(request: Request) => Response | undefined>) {
  const seen: Array<{ url: string; method: string; authorization: string | null; body: string }> = [];
  const fetch = (async (input: Request) => {
    const url = new URL(input.url);
    if (url.pathname.endsWith('/oauth2/v2.0/token')) {
      return Response.json({ token_type: 'Bearer', expires_in: 3599, access_token: TOKEN });
    }
    seen.push({
      url: input.url,
      method: input.method,
      authorization: input.headers.get('authorization'),
      body: input.body ? await input.clone().text() : '',
    });
    for (const route of routes) {
      const response = route(input);
      if (response) return response;
    }
    return new Response('unexpected', { status: 599 });
  }) as unknown as typeof globalThis.fetch;
  const client = createPowerBIClient({
    credential: clientSecretCredential({ tenantId: 't', clientId: 'c', clientSecret: 'planted-secret-r' }),
    groupId: 'g1',
    fetch,
    pacing: false,
  });
  return { client, seen };
}

const schema = defineDataset({ name: 'S', tables: { T: { columns: { id: 'Int64' } } } });
const redirect = (location: string) => new Response(null, { status: 307, headers: { location } });

describe('redirects from Power BI (recorded shapes)', () => {
  it("follows a 307 to Power BI's own cluster host with the token, method and body", async () => {
    const cluster =
      'https://wabi-west-europe-redirect.analysis.windows.net/v1.0/myorg/groups/g1/datasets/d1/tables/T/rows';
    const { client, seen } = stubFetch([
      (r) => (new URL(r.url).host === 'api.powerbi.com' ? redirect(cluster) : undefined),
      (r) => (r.url === cluster ? new Response(null, { status: 200 }) : undefined),
    ]);
    const result = await client.table('d1', 'T', { schema }).append([{ id: 1 }], { batchId: 'b1' });
    expect(result.outcome).toBe('applied');
    expect(seen).toHaveLength(2);
    expect(seen[1]).toMatchObject({ url: cluster, method: 'POST', authorization: `Bearer ${TOKEN}` });
    expect(seen[1]?.body).toBe(seen[0]?.body);
    expect(JSON.parse(seen[1]?.body ?? '{}')).toMatchObject({ rows: [{ id: 1 }] });
  });

  it('refuses a redirect to another host: the token is never sent there and nothing is retried', async () => {
    const { client, seen } = stubFetch([
      (r) =>
        new URL(r.url).host === 'api.powerbi.com'
          ? redirect('https://evil.example.com/steal?x=1')
          : undefined,
    ]);
    const error = await client.listDatasets().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PowerBIHttpError);
    const e = error as PowerBIHttpError;
    expect(e.status).toBe(307);
    expect(e.retryable).toBe(false);
    expect(e.hint).toMatch(/evil\.example\.com/);
    expect(e.hint).not.toMatch(/steal/);
    expect(seen.map((s) => new URL(s.url).host)).toEqual(['api.powerbi.com']);
  });

  it('refuses a downgrade from https to http even on a Power BI host', async () => {
    const { client, seen } = stubFetch([
      (r) =>
        new URL(r.url).protocol === 'https:'
          ? redirect('http://api.powerbi.com/v1.0/myorg/groups/g1/datasets')
          : undefined,
    ]);
    const error = await client.listDatasets().catch((e: unknown) => e);
    expect(isPowerBIError(error, 'PBI_HTTP_ERROR')).toBe(true);
    expect(seen).toHaveLength(1);
  });
});

describe('redirects from the simulator', () => {
  it("runs an append and its verification through the simulator's cluster redirects", async () => {
    const started = await startSimulatedClient({ clusterRedirects: 'always' });
    sim = started.sim;
    const { clock, client } = started;
    const dataset = await clock.run(client.ensureDataset(ordersSchema));
    const orders = dataset.table('Orders');
    const result = await clock.run(orders.append(orderRows(25), { batchId: 'b-cluster' }));
    expect(result.outcome).toBe('applied');
    expect(await clock.run(orders.countWhere('_batch', 'b-cluster'))).toBe(25);
    expect(sim.control.rows(dataset.datasetId, 'Orders')).toHaveLength(25);
  });
});
