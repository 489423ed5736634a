import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, jsonOf, ORDERS_TABLE, pbi, secretToken } from './helpers.js';
import { DAX_FORMS, type PowerBISimulator, startPowerBISimulator } from './imports.js';

type QueryBody = {
  results: Array<{ tables: Array<{ rows: Array<Record<string, unknown>> }>; error?: unknown }>;
};
type DaxErrorBody = {
  error: { code: string; 'pbi.error': { details: Array<{ code: string; detail: { value: string } }> } };
};

describe('executeQueries', () => {
  let sim: PowerBISimulator;
  let api: ReturnType<typeof pbi>;
  let id: string;
  const rowsOf = async (query: string, extra?: Record<string, unknown>) => {
    const res = await api.query(id, query, extra);
    expect(res.status).toBe(200);
    return (await jsonOf<QueryBody>(res)).results[0]?.tables[0]?.rows;
  };
  beforeAll(async () => {
    sim = await startPowerBISimulator({ limits: { maxQueryRows: 4 } });
    api = pbi(sim, await secretToken(sim));
    id = await createDataset(api, [
      ORDERS_TABLE,
      { name: 'Bob #Table', columns: [{ name: 'a]b', dataType: 'String' }] },
    ]);
    await api.postRows(id, 'Orders', [
      { _batch: 'b-1', id: 1, customer: 'ACME', paid: true },
      { _batch: 'b-1', id: 2, customer: 'acme', paid: false },
      { _batch: 'b-2', id: 3, customer: 'Initech', paid: true },
      { _batch: 'b-2', id: 4 },
      { _batch: 'b-2', id: 5, customer: 'Globex' },
    ]);
    await api.postRows(id, 'Bob #Table', [{ 'a]b': 'x"y' }]);
  });
  afterAll(() => sim.close());

  it('starts the body with a UTF-8 BOM (as the service may)', async () => {
    const res = await api.query(id, DAX_FORMS.countAll('Orders'));
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('counts rows where a column equals a value (DAX text equality is case-insensitive)', async () => {
    expect(await rowsOf(`EVALUATE ROW("n", COUNTROWS(FILTER('Orders', 'Orders'[_batch] = "b-1")))`)).toEqual([
      { '[n]': 2 },
    ]);
    expect(await rowsOf(DAX_FORMS.countWhere('Orders', '_batch', 'b-2'))).toEqual([{ '[n]': 3 }]);
    expect(await rowsOf(DAX_FORMS.countWhere('Orders', 'customer', 'ACME'))).toEqual([{ '[n]': 2 }]);
    expect(await rowsOf(DAX_FORMS.countWhere('Orders', 'id', 3))).toEqual([{ '[n]': 1 }]);
    expect(await rowsOf(DAX_FORMS.countWhere('Orders', 'paid', true))).toEqual([{ '[n]': 2 }]);
    expect(await rowsOf(DAX_FORMS.countWhere('Bob #Table', 'a]b', 'x"y'))).toEqual([{ '[n]': 1 }]);
    // Whitespace and keyword case do not matter.
    expect(
      await rowsOf(`evaluate\n  row ( "n" , countrows ( filter ( Orders , [_batch] = "b-1" ) ) )`),
    ).toEqual([{ '[n]': 2 }]);
  });

  it('zero matches: BLANK without "+ 0" (omitted unless includeNulls), 0 with it', async () => {
    expect(await rowsOf(`EVALUATE ROW("n", COUNTROWS(FILTER('Orders', 'Orders'[_batch] = "none")))`)).toEqual(
      [{}],
    );
    expect(
      await rowsOf(`EVALUATE ROW("n", COUNTROWS(FILTER('Orders', 'Orders'[_batch] = "none")))`, {
        serializerSettings: { includeNulls: true },
      }),
    ).toEqual([{ '[n]': null }]);
    expect(await rowsOf(DAX_FORMS.countWhere('Orders', '_batch', 'none'))).toEqual([{ '[n]': 0 }]);
  });

  it('counts rows grouped by a column', async () => {
    expect(await rowsOf(DAX_FORMS.countGroupedBy('Orders', '_batch'))).toEqual([
      { 'Orders[_batch]': 'b-1', '[n]': 2 },
      { 'Orders[_batch]': 'b-2', '[n]': 3 },
    ]);
    expect(await rowsOf(`EVALUATE SUMMARIZECOLUMNS('Orders'[customer], "n", COUNTROWS('Orders'))`)).toEqual([
      { 'Orders[customer]': 'ACME', '[n]': 2 },
      { 'Orders[customer]': 'Initech', '[n]': 1 },
      { '[n]': 1 },
      { 'Orders[customer]': 'Globex', '[n]': 1 },
    ]);
  });

  it('returns the first N rows with TOPN, and truncates EVALUATE of a whole table at the row cap', async () => {
    expect(await rowsOf(DAX_FORMS.topN('Orders', 2))).toEqual([
      { 'Orders[_batch]': 'b-1', 'Orders[id]': 1, 'Orders[paid]': true, 'Orders[customer]': 'ACME' },
      { 'Orders[_batch]': 'b-1', 'Orders[id]': 2, 'Orders[paid]': false, 'Orders[customer]': 'acme' },
    ]);
    const res = await api.query(id, `EVALUATE 'Orders'`);
    const body = await jsonOf<QueryBody>(res);
    expect(body.results[0]?.tables[0]?.rows).toHaveLength(4);
    expect(body.results[0]?.error).toMatchObject({ code: 'ResultTruncated' });
  });

  it.each([
    ['another DAX form', `EVALUATE FILTER('Orders', 'Orders'[id] > 2)`],
    ['a measure expression', `EVALUATE ROW("s", SUM('Orders'[id]))`],
    ['an unknown table', `EVALUATE ROW("n", COUNTROWS('Nope'))`],
    ['an unknown column', `EVALUATE ROW("n", COUNTROWS(FILTER('Orders', 'Orders'[nope] = "x")))`],
    ['a type mismatch', `EVALUATE ROW("n", COUNTROWS(FILTER('Orders', 'Orders'[id] = "3")))`],
    ['garbage', 'SELECT * FROM Orders'],
  ])('answers %s with 400 and a DAX error', async (_name, query) => {
    const res = await api.query(id, query);
    expect(res.status).toBe(400);
    const body = (await res.json()) as DaxErrorBody;
    expect(body.error.code).toBe('DatasetExecuteQueriesError');
    expect(body.error['pbi.error'].details[0]?.detail.value).toMatch(/^Query \(\d+, \d+\) /);
  });

  it('refuses more than one query per call', async () => {
    const res = await api.call('POST', `/datasets/${id}/executeQueries`, {
      queries: [{ query: DAX_FORMS.countAll('Orders') }, { query: DAX_FORMS.countAll('Orders') }],
    });
    expect(res.status).toBe(400);
  });

  it('answers 401 when the tenant disallows executeQueries', async () => {
    sim.control.setExecuteQueriesEnabled(false);
    try {
      const res = await api.query(id, DAX_FORMS.countAll('Orders'));
      expect(res.status).toBe(401);
      const body = (await res.json()) as DaxErrorBody;
      expect(body.error.code).toBe('PowerBINotAuthorizedException');
      expect(body.error['pbi.error'].details[0]?.detail.value).toMatch(/Dataset Execute Queries REST API/);
    } finally {
      sim.control.setExecuteQueriesEnabled(true);
    }
  });
});
