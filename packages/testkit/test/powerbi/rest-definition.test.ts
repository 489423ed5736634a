import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, pbi, secretToken } from './helpers.js';
import { type PowerBISimulator, startPowerBISimulator, TestClock } from './imports.js';

/*
 * Facts from Microsoft's published Power BI REST definition (the swagger in microsoft/PowerBI-CSharp,
 * sdk/swaggers/swagger.json: its dataset operations and examples were read in December 2026, the rest through the
 * project's reference §2, source S6), written down as assertions about the simulator — the file itself is not
 * copied. Each fact names the operation. Where the definition is silent the simulator's behaviour is [inferred] and
 * not asserted here.
 */
describe('Power BI simulator against the published REST definition', () => {
  let sim: PowerBISimulator;
  let api: ReturnType<typeof pbi>;
  const clock = new TestClock('2025-03-01T10:00:00Z');
  beforeAll(async () => {
    sim = await startPowerBISimulator({ clock });
    api = pbi(sim, await secretToken(sim));
  });
  afterAll(() => sim.close());

  // Datasets_PostDatasetInGroup: the definition's own "Push example" request, with its dataType spellings
  // (`Int64`, `string`, `bool`, `DateTime`) and `formatString`, under `?defaultRetentionPolicy=basicFIFO`.
  const PUSH_EXAMPLE = {
    name: 'SalesMarketing',
    defaultMode: 'Push',
    tables: [
      {
        name: 'Product',
        columns: [
          { name: 'ProductID', dataType: 'Int64' },
          { name: 'Name', dataType: 'string' },
          { name: 'Category', dataType: 'string' },
          { name: 'IsCompete', dataType: 'bool' },
          { name: 'ManufacturedOn', dataType: 'DateTime' },
          { name: 'Sales', dataType: 'Int64', formatString: 'Currency' },
        ],
      },
    ],
  };
  let datasetId = '';

  it('PostDatasetInGroup: the push example answers 201 (or 202) with a Dataset {id, name, defaultRetentionPolicy}', async () => {
    const res = await api.createDataset(PUSH_EXAMPLE, '?defaultRetentionPolicy=basicFIFO');
    expect([201, 202]).toContain(res.status);
    const body = await jsonOf<Record<string, unknown>>(res);
    expect(body).toMatchObject({ name: 'SalesMarketing', defaultRetentionPolicy: 'basicFIFO' });
    expect(typeof body.id).toBe('string');
    datasetId = String(body.id);
  });

  it('PostDatasetInGroup: defaultRetentionPolicy is the enum None | basicFIFO', async () => {
    const none = await api.createDataset(
      { ...PUSH_EXAMPLE, name: 'RetentionNone' },
      '?defaultRetentionPolicy=None',
    );
    expect([201, 202]).toContain(none.status);
    expect((await jsonOf<Record<string, unknown>>(none)).defaultRetentionPolicy).toBe('None');
  });

  it('GetDatasetsInGroup / GetDatasetInGroup: {value: Dataset[]} and Dataset with the documented boolean flags', async () => {
    const list = await jsonOf<{ value: Array<Record<string, unknown>> }>(await api.call('GET', '/datasets'));
    expect(Array.isArray(list.value)).toBe(true);
    const one = await jsonOf<Record<string, unknown>>(await api.call('GET', `/datasets/${datasetId}`));
    for (const dataset of [list.value.find((d) => d.id === datasetId), one]) {
      expect(dataset).toBeDefined();
      expect(typeof dataset?.name).toBe('string');
      for (const flag of [
        'addRowsAPIEnabled',
        'isRefreshable',
        'isEffectiveIdentityRequired',
        'isEffectiveIdentityRolesRequired',
        'isOnPremGatewayRequired',
      ]) {
        expect(typeof dataset?.[flag], flag).toBe('boolean');
      }
      expect(typeof dataset?.configuredBy).toBe('string');
      expect(dataset?.addRowsAPIEnabled).toBe(true);
    }
  });

  it('GetTablesInGroup: {value: Table[]} with each table name', async () => {
    const tables = await jsonOf<{ value: Array<{ name: string }> }>(
      await api.call('GET', `/datasets/${datasetId}/tables`),
    );
    expect(tables.value.map((t) => t.name)).toEqual(['Product']);
  });

  it('PostRowsInGroup: body {rows: [...]} → 200; DeleteRowsInGroup → 200', async () => {
    const rows = await api.postRows(datasetId, 'Product', [
      {
        ProductID: 1,
        Name: 'Adjustable Race',
        Category: 'Components',
        IsCompete: true,
        ManufacturedOn: '07/30/2014',
      },
    ]);
    expect(rows.status).toBe(200);
    expect(sim.control.rows(datasetId, 'Product')).toHaveLength(1);
    const cleared = await api.call('DELETE', `/datasets/${datasetId}/tables/Product/rows`);
    expect(cleared.status).toBe(200);
    expect(sim.control.rows(datasetId, 'Product')).toHaveLength(0);
  });

  it('PutTableInGroup: the full Table (name, columns, measures) → 200 with the table name', async () => {
    const res = await api.call('PUT', `/datasets/${datasetId}/tables/Product`, {
      name: 'Product',
      columns: [...(PUSH_EXAMPLE.tables[0]?.columns ?? []), { name: 'NewColumn', dataType: 'string' }],
      measures: [{ name: 'Total Sales', expression: 'SUM(Product[Sales])' }],
    });
    expect(res.status).toBe(200);
    expect((await jsonOf<{ name: string }>(res)).name).toBe('Product');
  });

  it('ExecuteQueriesInGroup: {queries: [{query}], serializerSettings} → {results: [{tables: [{rows}]}]}', async () => {
    await api.postRows(datasetId, 'Product', [{ ProductID: 7, Name: 'x', Category: 'c', IsCompete: false }]);
    const res = await api.call('POST', `/datasets/${datasetId}/executeQueries`, {
      queries: [{ query: 'EVALUATE Product' }],
      serializerSettings: { includeNulls: true },
    });
    expect(res.status).toBe(200);
    const body = await jsonOf<{
      results: Array<{ tables: Array<{ rows: Array<Record<string, unknown>> }> }>;
    }>(res);
    const row = body.results[0]?.tables[0]?.rows[0];
    // Fully qualified columns come back as `Table[Column]` (the operation's description).
    expect(row?.['Product[ProductID]']).toBe(7);
  });

  it('DeleteDatasetInGroup → 200', async () => {
    const res = await api.call('DELETE', `/datasets/${datasetId}`);
    expect(res.status).toBe(200);
    expect((await api.call('GET', `/datasets/${datasetId}`)).status).toBe(404);
  });
});
