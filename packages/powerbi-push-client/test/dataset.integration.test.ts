import type { PowerBISimulator } from '@mlc/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PowerBIDatasetError,
  PowerBIQueryUnavailableError,
  PowerBIValidationError,
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

async function setup(...args: Parameters<typeof startSimulatedClient>) {
  const started = await startSimulatedClient(...args);
  sim = started.sim;
  return started;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('ensureDataset', () => {
  it('creates the dataset with the documented body, then finds it by name', async () => {
    const { sim: s, clock, client } = await setup();
    const created = await clock.run(client.ensureDataset(ordersSchema));
    expect(created.created).toBe(true);
    expect(created.actions[0]).toMatch(/^created dataset "Sales"/);
    const [stored] = s.control.datasets();
    expect(stored).toMatchObject({
      id: created.datasetId,
      name: 'Sales',
      retention: 'None',
      addRowsAPIEnabled: true,
    });
    expect(stored?.tables[0]?.columns).toEqual([
      { name: 'id', dataType: 'Int64' },
      { name: 'amount', dataType: 'Decimal' },
      { name: 'postedAt', dataType: 'DateTime' },
      { name: 'paid', dataType: 'Boolean' },
      { name: 'ratio', dataType: 'Double' },
      { name: 'status', dataType: 'String' },
      { name: '_batch', dataType: 'String' },
    ]);
    const again = await clock.run(client.ensureDataset(ordersSchema));
    expect(again).toMatchObject({ created: false, datasetId: created.datasetId });
    expect(again.actions[0]).toBe(`found dataset "Sales" (${created.datasetId})`);
    expect(s.control.datasets()).toHaveLength(1);
  });

  it('updates a table whose columns changed (PUT) and keeps its rows', async () => {
    const { sim: s, clock, client } = await setup();
    const v1 = await clock.run(client.ensureDataset(ordersSchema));
    await clock.run(v1.table('Orders').append(orderRows(3)));
    const v2 = defineDataset({
      name: 'Sales',
      tables: {
        Orders: {
          columns: {
            id: 'Int64',
            amount: 'Decimal',
            postedAt: 'DateTime',
            paid: 'Boolean',
            ratio: 'Double',
            status: 'String',
            region: { type: 'String', nullable: true },
          },
        },
      },
    });
    const updated = await clock.run(client.ensureDataset(v2));
    expect(updated.updatedTables).toEqual(['Orders']);
    expect(updated.actions.some((action) => action.startsWith('updated table "Orders"'))).toBe(true);
    expect(s.control.requests({ route: 'putTable' })).toHaveLength(1);
    expect(s.control.datasets()[0]?.tables[0]?.columns.map((c) => c.name)).toContain('region');
    expect(s.control.rows(updated.datasetId, 'Orders')).toHaveLength(3);
    // updateTables: 'never' reports instead of changing.
    const report = await clock.run(client.ensureDataset(v2, { updateTables: 'never' }));
    expect(report.updatedTables).toEqual([]);
    expect(s.control.requests({ route: 'putTable' })).toHaveLength(1);
  });

  it('skips the PUT of a table whose definition is known to be in the dataset (knownTables)', async () => {
    const { sim: s, clock, client } = await setup();
    const created = await clock.run(client.ensureDataset(ordersSchema));
    expect(created.tableFingerprints).toEqual({ Orders: expect.any(String) });
    // The simulator lists table names only, so without knownTables every call re-sends the definition.
    const blind = await clock.run(client.ensureDataset(ordersSchema));
    expect(blind.updatedTables).toEqual(['Orders']);
    const known = { datasetId: created.datasetId, tables: created.tableFingerprints };
    const listed = s.control.requests({ route: 'listTables' }).length;
    const again = await clock.run(client.ensureDataset(ordersSchema, { knownTables: known }));
    expect(again.updatedTables).toEqual([]);
    expect(again.tableFingerprints).toEqual(created.tableFingerprints);
    expect(s.control.requests({ route: 'putTable' })).toHaveLength(1);
    // Every table known: not even listed.
    expect(s.control.requests({ route: 'listTables' })).toHaveLength(listed);
    // Another dataset id, or a changed definition, is PUT as before.
    const elsewhere = { datasetId: 'another-dataset', tables: created.tableFingerprints };
    await clock.run(client.ensureDataset(ordersSchema, { knownTables: elsewhere }));
    expect(s.control.requests({ route: 'putTable' })).toHaveLength(2);
    const v2 = defineDataset({
      name: 'Sales',
      tables: {
        Orders: { columns: { id: 'Int64', amount: 'Decimal', note: { type: 'String', nullable: true } } },
      },
    });
    const changed = await clock.run(client.ensureDataset(v2, { knownTables: known }));
    expect(changed.updatedTables).toEqual(['Orders']);
    expect(changed.tableFingerprints.Orders).not.toBe(created.tableFingerprints.Orders);
    expect(s.control.requests({ route: 'putTable' })).toHaveLength(3);
  });

  it('findEnsuredDataset: what ensureDataset would find with nothing to do, or undefined; changes nothing', async () => {
    const { sim: s, clock, client } = await setup();
    expect(await clock.run(client.findEnsuredDataset(ordersSchema))).toBeUndefined();
    const created = await clock.run(client.ensureDataset(ordersSchema));
    const known = { datasetId: created.datasetId, tables: created.tableFingerprints };
    const changes = () =>
      s.control.requests({ route: 'createDataset' }).length +
      s.control.requests({ route: 'putTable' }).length;
    const before = changes();
    const found = await clock.run(client.findEnsuredDataset(ordersSchema, { knownTables: known }));
    expect(found).toMatchObject({ datasetId: created.datasetId, created: false, updatedTables: [] });
    expect(found?.tableFingerprints).toEqual(created.tableFingerprints);
    // Its tables are usable as ensureDataset's are.
    expect(found?.table('Orders').name).toBe('Orders');
    // Where ensureDataset would list or PUT tables: undefined, and nothing sent but the list of datasets.
    expect(await clock.run(client.findEnsuredDataset(ordersSchema))).toBeUndefined();
    const elsewhere = { datasetId: 'another-dataset', tables: created.tableFingerprints };
    expect(
      await clock.run(client.findEnsuredDataset(ordersSchema, { knownTables: elsewhere })),
    ).toBeUndefined();
    const v2 = defineDataset({
      name: 'Sales',
      tables: {
        Orders: { columns: { id: 'Int64', amount: 'Decimal', note: { type: 'String', nullable: true } } },
      },
    });
    expect(await clock.run(client.findEnsuredDataset(v2, { knownTables: known }))).toBeUndefined();
    expect(changes()).toBe(before);
    expect(s.control.requests({ route: 'listTables' })).toHaveLength(0);
    // What ensureDataset would refuse on the way, it refuses too.
    await clock.run(client.createDataset(ordersSchema));
    const error = await failure(clock.run(client.findEnsuredDataset(ordersSchema, { knownTables: known })));
    expect(isPowerBIError(error, 'PBI_DATASET_DUPLICATE')).toBe(true);
  });

  it('makes duplicate names an explicit error or an explicit choice', async () => {
    const { clock, client } = await setup();
    const first = await clock.run(client.createDataset(ordersSchema));
    const second = await clock.run(client.createDataset(ordersSchema));
    const error = (await failure(clock.run(client.ensureDataset(ordersSchema)))) as PowerBIDatasetError;
    expect(error).toBeInstanceOf(PowerBIDatasetError);
    expect(error.code).toBe('PBI_DATASET_DUPLICATE');
    expect([...error.datasetIds].sort()).toEqual([first.datasetId, second.datasetId].sort());
    const chosen = await clock.run(
      client.ensureDataset(ordersSchema, { onDuplicate: (candidates) => candidates.at(-1)!.id }),
    );
    expect([first.datasetId, second.datasetId]).toContain(chosen.datasetId);
    expect(chosen.actions[0]).toMatch(/^chose dataset/);
  });

  it('refuses to add a table to an existing dataset (the API cannot)', async () => {
    const { clock, client } = await setup();
    await clock.run(client.ensureDataset(ordersSchema));
    const withExtraTable = defineDataset({
      name: 'Sales',
      tables: { Orders: { columns: { id: 'Int64' } }, Customers: { columns: { id: 'Int64' } } },
    });
    const error = await failure(clock.run(client.ensureDataset(withExtraTable)));
    expect(isPowerBIError(error, 'PBI_TABLE_MISSING')).toBe(true);
    expect((error as Error).message).toMatch(/Customers/);
  });

  it('retries idempotent calls after a 5xx', async () => {
    const { sim: s, clock, client } = await setup({}, { retry: { baseDelayMs: 100 } });
    s.control.addFault({ kind: 'status', status: 500, routes: ['listDatasets'], times: 2 });
    const created = await clock.run(client.ensureDataset(ordersSchema));
    expect(created.created).toBe(true);
    expect(s.control.requests({ route: 'listDatasets' }).map((entry) => entry.status)).toEqual([
      500, 500, 200,
    ]);
  });
});

describe('local validation happens before any request', () => {
  it('refuses bad rows and schemas without touching the network', async () => {
    let calls = 0;
    const client = createPowerBIClient({
      credential: clientSecretCredential({ tenantId: 't', clientId: 'c', clientSecret: 'never-used-secret' }),
      groupId: 'g',
      apiBase: 'http://127.0.0.1:9/v1.0/myorg',
      fetch: async () => {
        calls++;
        throw new Error('no request expected');
      },
    });
    const orders = client.table('dataset-1', 'Orders', { schema: ordersSchema });
    const [good] = orderRows(1);
    // A 4,001-character string, a non-finite Double, NaN, and a Decimal with 5 places.
    const cases: Array<[unknown, string]> = [
      [{ ...good, status: 'x'.repeat(4001) }, 'status'],
      [{ ...good, ratio: Number.POSITIVE_INFINITY }, 'ratio'],
      [{ ...good, ratio: Number.NaN }, 'ratio'],
      [{ ...good, amount: 0.12345 }, 'amount'],
    ];
    for (const [bad, column] of cases) {
      const rows = [...orderRows(5), bad] as ReturnType<typeof orderRows>;
      const error = await failure(orders.append(rows));
      expect(error).toBeInstanceOf(PowerBIValidationError);
      expect(error).toMatchObject({ code: 'PBI_ROW_INVALID', rowIndex: 5, column, table: 'Orders' });
    }
    expect(() =>
      defineDataset({
        name: 'Bad',
        tables: {
          T: {
            columns: Object.fromEntries(Array.from({ length: 76 }, (_, i) => [`c${i}`, 'Int64' as const])),
          },
        },
        batchColumn: false,
      }),
    ).toThrow(PowerBIValidationError);
    expect(() => defineDataset({ name: 'Bad', tables: { 'Bad.Name': { columns: { a: 'Int64' } } } })).toThrow(
      /"\."/,
    );
    await expect(orders.countWhere('nope', 1)).rejects.toBeInstanceOf(PowerBIValidationError);
    expect(calls).toBe(0);
  });
});

describe('verification, clear and delete', () => {
  it('counts by batch and by group through executeQueries (BOM-prefixed answers), clears and deletes', async () => {
    const { sim: s, clock, client } = await setup({ executeQueriesBom: true });
    const dataset = await clock.run(client.ensureDataset(ordersSchema));
    const orders = dataset.table('Orders');
    await clock.run(orders.append(orderRows(30), { batchId: 'b-1' }));
    await clock.run(orders.append(orderRows(12, 100), { batchId: 'b-"2"' }));
    expect(await clock.run(orders.countWhere('_batch', 'b-1'))).toBe(30);
    expect(await clock.run(orders.countWhere('_batch', 'b-"2"'))).toBe(12);
    expect(await clock.run(orders.countWhere('_batch', 'missing'))).toBe(0);
    expect(await clock.run(orders.countWhere('paid', true))).toBe(21);
    expect(await clock.run(orders.countGroupedBy('_batch'))).toEqual(
      new Map([
        ['b-1', 30],
        ['b-"2"', 12],
      ]),
    );
    expect(await clock.run(orders.countRows())).toBe(42);

    await clock.run(orders.clear());
    expect(s.control.rows(dataset.datasetId, 'Orders')).toHaveLength(0);
    expect(await clock.run(orders.countRows())).toBe(0);

    await clock.run(client.deleteDataset(dataset.datasetId));
    expect(s.control.datasets()).toHaveLength(0);
    expect(await clock.run(client.findDatasets('Sales'))).toEqual([]);
  });

  it('raises PBI_QUERY_UNAVAILABLE when the tenant disallows executeQueries', async () => {
    const { sim: s, clock, client } = await setup();
    const dataset = await clock.run(client.ensureDataset(ordersSchema));
    s.control.setExecuteQueriesEnabled(false);
    const error = await failure(clock.run(dataset.table('Orders').countWhere('_batch', 'b-1')));
    expect(error).toBeInstanceOf(PowerBIQueryUnavailableError);
    expect(error).toMatchObject({ code: 'PBI_QUERY_UNAVAILABLE', retryable: false });
    expect((error as Error).message).toMatch(/Dataset Execute Queries REST API/);
  });
});
