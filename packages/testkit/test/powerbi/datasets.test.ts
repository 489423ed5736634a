import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, jsonOf, ORDERS_TABLE, pbi, secretToken } from './helpers.js';
import { type PowerBISimulator, startPowerBISimulator, TestClock } from './imports.js';

type ErrorBody = {
  error: { code: string; message?: string; details?: Array<{ message: string; target: string }> };
};

describe('datasets and tables', () => {
  let sim: PowerBISimulator;
  let api: ReturnType<typeof pbi>;
  const clock = new TestClock('2025-03-01T10:00:00Z');
  beforeAll(async () => {
    sim = await startPowerBISimulator({ clock });
    api = pbi(sim, await secretToken(sim));
  });
  afterAll(() => sim.close());

  it('creates a push dataset (201) with the retention policy, lists and gets it with addRowsAPIEnabled', async () => {
    const res = await api.createDataset(
      { name: 'Finance', defaultMode: 'Push', tables: [ORDERS_TABLE] },
      '?defaultRetentionPolicy=basicFIFO',
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json; odata.metadata=minimal');
    expect(res.headers.get('requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const ds = (await res.json()) as Record<string, unknown>;
    expect(ds).toMatchObject({
      name: 'Finance',
      addRowsAPIEnabled: true,
      defaultRetentionPolicy: 'basicFIFO',
      configuredBy: sim.clientId,
    });
    const list = await jsonOf<{ value: Array<{ id: string; addRowsAPIEnabled: boolean }> }>(
      await api.call('GET', '/datasets'),
    );
    expect(list.value.find((d) => d.id === ds.id)?.addRowsAPIEnabled).toBe(true);
    const one = await jsonOf<{ id: string; name: string }>(
      await api.call('GET', `/datasets/${String(ds.id)}`),
    );
    expect(one).toMatchObject({ id: ds.id, name: 'Finance' });
    const tables = await jsonOf<{ value: unknown[] }>(
      await api.call('GET', `/datasets/${String(ds.id)}/tables`),
    );
    expect(tables.value).toEqual([{ name: 'Orders' }]);
    expect(sim.control.datasets().find((d) => d.id === ds.id)?.retention).toBe('basicFIFO');
  });

  it('allows duplicate dataset names, as the service does', async () => {
    const a = await createDataset(api, [ORDERS_TABLE], '', 'Twin');
    const b = await createDataset(api, [ORDERS_TABLE], '', 'Twin');
    expect(a).not.toBe(b);
    expect(sim.control.datasets().filter((d) => d.name === 'Twin')).toHaveLength(2);
  });

  it('deletes a dataset; afterwards it is 404 PowerBIEntityNotFound', async () => {
    const id = await createDataset(api, [ORDERS_TABLE], '', 'Doomed');
    const del = await api.call('DELETE', `/datasets/${id}`);
    expect(del.status).toBe(200);
    const get = await api.call('GET', `/datasets/${id}`);
    expect(get.status).toBe(404);
    expect(((await get.json()) as ErrorBody).error.code).toBe('PowerBIEntityNotFound');
  });

  const columns = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `c${i}`, dataType: 'String' }));
  it.each([
    [
      'a 76th column',
      { name: 'X', tables: [{ name: 'T', columns: columns(76) }] },
      'dataset.tables[0].columns',
    ],
    [
      'a 76th table',
      { name: 'X', tables: Array.from({ length: 76 }, (_, i) => ({ name: `T${i}`, columns: columns(1) })) },
      'dataset.tables',
    ],
    [
      'a bad table name',
      { name: 'X', tables: [{ name: 'Sales.2024', columns: columns(1) }] },
      'dataset.tables[0].name',
    ],
    [
      'an unknown property',
      { name: 'X', compatibilityLevel: 1550, tables: [{ name: 'T', columns: columns(1) }] },
      'dataset',
    ],
    [
      'a wrongly cased property',
      { name: 'X', tables: [{ name: 'T', columns: [{ name: 'a', datatype: 'String' }] }] },
      'dataset.tables[0].columns[0]',
    ],
    [
      'an unknown dataType',
      { name: 'X', tables: [{ name: 'T', columns: [{ name: 'a', dataType: 'Money' }] }] },
      'dataset.tables[0].columns[0].dataType',
    ],
    ['no tables', { name: 'X', tables: [] }, 'dataset.tables'],
    [
      'a relationship to a missing column',
      {
        name: 'X',
        tables: [{ name: 'T', columns: columns(1) }],
        relationships: [{ name: 'r', fromTable: 'T', fromColumn: 'c0', toTable: 'T', toColumn: 'nope' }],
      },
      'dataset.relationships[0].toColumn',
    ],
  ])('refuses %s with 400 BadRequest naming the target', async (_name, body, target) => {
    const res = await api.createDataset(body);
    expect(res.status).toBe(400);
    const err = (await res.json()) as ErrorBody;
    expect(err.error.code).toBe('BadRequest');
    expect(err.error.details?.map((d) => d.target)).toContain(target);
  });

  it('accepts 75 columns, 75 relationships and spelling aliases of data types', async () => {
    const rels = Array.from({ length: 75 }, (_, i) => ({
      name: `r${i}`,
      fromTable: 'A',
      fromColumn: 'c0',
      toTable: 'B',
      toColumn: 'c0',
    }));
    const res = await api.createDataset({
      name: 'Wide',
      tables: [
        {
          name: 'A',
          columns: [
            { name: 'c0', dataType: 'int64' },
            ...columns(74).map((c, i) => ({ ...c, name: `x${i}`, dataType: i % 2 ? 'bool' : 'Datetime' })),
          ],
        },
        { name: 'B', columns: [{ name: 'c0', dataType: 'Int64' }] },
      ],
      relationships: rels,
    });
    expect(res.status).toBe(201);
  });

  it('refuses a bad defaultRetentionPolicy', async () => {
    const res = await api.createDataset(
      { name: 'X', tables: [ORDERS_TABLE] },
      '?defaultRetentionPolicy=forever',
    );
    expect(res.status).toBe(400);
  });

  it('PUT updates a table; an unknown table is 404 ItemNotFound with <pi> markers', async () => {
    const id = await createDataset(api, [ORDERS_TABLE]);
    await api.postRows(id, 'Orders', [{ id: 1, customer: 'ACME' }]);
    const put = await api.call('PUT', `/datasets/${id}/tables/Orders`, {
      name: 'Orders',
      columns: [...ORDERS_TABLE.columns, { name: 'region', dataType: 'String' }],
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ name: 'Orders' });
    expect(
      sim.control
        .datasets()
        .find((d) => d.id === id)
        ?.tables[0]?.columns.at(-1),
    ).toEqual({ name: 'region', dataType: 'String' });
    expect(sim.control.rows(id, 'Orders')[0]).toMatchObject({ id: 1, customer: 'ACME', region: null });
    const missing = await api.call('PUT', `/datasets/${id}/tables/Returns`, {
      name: 'Returns',
      columns: columns(1),
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: 'ItemNotFound', message: `Table '<pi>Returns</pi>' not found in dataset '${id}'` },
    });
  });

  it('a non-push dataset refuses rows with ItemNotFound "is not Push API dataset"', async () => {
    const res = await api.createDataset({ name: 'Imported', defaultMode: 'AsAzure', tables: [ORDERS_TABLE] });
    const { id, addRowsAPIEnabled } = (await res.json()) as { id: string; addRowsAPIEnabled: boolean };
    expect(addRowsAPIEnabled).toBe(false);
    const post = await api.postRows(id, 'Orders', [{ id: 1 }]);
    expect(post.status).toBe(404);
    expect(await post.json()).toEqual({
      error: { code: 'ItemNotFound', message: `Dataset ${id} is not Push API dataset.` },
    });
  });

  it('clears a table with DELETE rows (200, empty body)', async () => {
    const id = await createDataset(api, [ORDERS_TABLE]);
    await api.postRows(id, 'Orders', [{ id: 1 }, { id: 2 }]);
    const del = await api.call('DELETE', `/datasets/${id}/tables/Orders/rows`);
    expect(del.status).toBe(200);
    expect(await del.text()).toBe('');
    expect(sim.control.rows(id, 'Orders')).toEqual([]);
  });
});

describe('workspace access', () => {
  let sim: PowerBISimulator;
  beforeAll(async () => {
    sim = await startPowerBISimulator({
      tenants: [{ apps: [{}, {}] }],
      groups: [{ members: [] }],
    });
  });
  afterAll(() => sim.close());

  it('a non-member gets 401 on the workspace and 404 on items; membership can be granted and revoked', async () => {
    const api = pbi(sim, await secretToken(sim));
    const list = await api.call('GET', '/datasets');
    expect(list.status).toBe(401);
    const body = (await list.json()) as {
      error: { code: string; 'pbi.error': { code: string; details: unknown[] } };
    };
    expect(body.error.code).toBe('PowerBINotAuthorizedException');
    expect(body.error['pbi.error']).toMatchObject({
      code: 'PowerBINotAuthorizedException',
      parameters: {},
      exceptionCulprit: 1,
    });
    const item = await api.call('GET', '/datasets/00000000-0000-4000-8000-000000000000');
    expect(item.status).toBe(404);
    expect(((await item.json()) as ErrorBody).error.code).toBe('PowerBIEntityNotFound');

    sim.control.addMember(sim.groupId, sim.clientId, 'Viewer');
    expect((await api.call('GET', '/datasets')).status).toBe(200);
    expect((await api.createDataset({ name: 'X', tables: [ORDERS_TABLE] })).status).toBe(401);
    sim.control.addMember(sim.groupId, sim.clientId, 'Contributor');
    expect((await api.createDataset({ name: 'X', tables: [ORDERS_TABLE] })).status).toBe(201);
    sim.control.removeMember(sim.groupId, sim.clientId);
    expect((await api.call('GET', '/datasets')).status).toBe(401);
  });

  it('refuses "My workspace" paths for a service principal, and revoked or missing tokens', async () => {
    const token = await secretToken(sim);
    const my = await fetch(`${sim.url}/datasets`, { headers: { authorization: `Bearer ${token}` } });
    expect(my.status).toBe(401);
    expect(((await my.json()) as ErrorBody).error.code).toBe('PowerBINotAuthorizedException');
    const none = await fetch(`${sim.url}/groups/${sim.groupId}/datasets`);
    expect(none.status).toBe(403);
    sim.control.addMember(sim.groupId, sim.clientId);
    expect((await pbi(sim, token).call('GET', '/datasets')).status).toBe(200);
    expect(sim.control.revokeTokens({ clientId: sim.clientId })).toBeGreaterThan(0);
    expect((await pbi(sim, token).call('GET', '/datasets')).status).toBe(401);
  });

  it('expireTokens makes existing tokens answer 403 TokenExpired', async () => {
    sim.control.addMember(sim.groupId, sim.clientId);
    const token = await secretToken(sim);
    sim.control.expireTokens();
    const res = await pbi(sim, token).call('GET', '/datasets');
    expect(res.status).toBe(403);
    expect(((await res.json()) as ErrorBody).error.code).toBe('TokenExpired');
  });
});
