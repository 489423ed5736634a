import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SageX3Simulator, startSageX3Simulator } from '../../src/index.js';
import { type Resource, gql, pageGraphql, pageRest, restUrl } from './helpers.js';

type Node = Record<string, unknown>;
const nodesOf = (data: unknown, root: string, node: string): Node[] =>
  (
    (data as Record<string, Record<string, { query: { edges: Array<{ node: Node }> } | null }>>)[root]?.[node]
      ?.query?.edges ?? []
  ).map((e) => e.node);

describe('Sage X3 simulator: GraphQL', () => {
  let sim: SageX3Simulator;
  let orders: Resource[];
  beforeAll(async () => {
    sim = await startSageX3Simulator({ seed: 11, size: 'tiny' });
    orders = (await pageRest(sim, restUrl(sim, 'PORDER', { count: '100' }))).resources;
  });
  afterAll(() => sim.close());

  const query = async (args: string, select = '_id') => {
    const { status, body } = await gql(
      sim,
      `{ x3Purchasing { purchaseOrder { query(first: 100, ${args}) { edges { node { ${select} } } } } } }`,
    );
    expect(status).toBe(200);
    return { nodes: nodesOf(body.data, 'x3Purchasing', 'purchaseOrder'), errors: body.errors };
  };
  const keys = (pred: (r: Resource) => boolean) => {
    const k = orders.filter(pred).map((r) => r.POHNUM);
    expect(k.length).toBeGreaterThan(0);
    expect(k.length).toBeLessThan(orders.length);
    return k;
  };

  it('serves the same records as REST, with references, lines and system fields', async () => {
    const { nodes } = await query(
      'orderBy: "{_id: 1}"',
      `_id id _createStamp _updateStamp _etag company { code } orderFromSupplier { code { code } } currency { code }
       totalAmountExcludingTax purchaseOrderLines { query(first: 50) { edges { node { lineNumber product { code } quantityInOrderUnitOrdered } } } }`,
    );
    expect(nodes).toHaveLength(orders.length);
    for (const [i, n] of nodes.entries()) {
      const r = orders[i] as Resource;
      expect(n._id).toBe(r.POHNUM);
      expect(n.id).toBe(r.POHNUM);
      expect(n._updateStamp).toBe(r.UPDDATTIM);
      expect(n._createStamp).toBe(r.CREDATTIM);
      expect(n.company).toEqual({ code: r.CPY });
      expect(n.orderFromSupplier).toEqual({ code: { code: r.BPSNUM } });
      expect(Number(n.totalAmountExcludingTax)).toBe(r.TOTORD);
      const lines = (n.purchaseOrderLines as { query: { edges: Array<{ node: Node }> } }).query.edges.map(
        (e) => e.node,
      );
      expect(
        lines.map((l) => [l.lineNumber, (l.product as Node).code, Number(l.quantityInOrderUnitOrdered)]),
      ).toEqual((r.PORDERQ as Resource[]).map((l) => [l.POPLIN, l.ITMREF, l.QTYUOM]));
    }
  });

  it('filters with JSON-ish strings: unquoted keys, single quotes, operators and nested references', async () => {
    const some = orders[7] as Resource;
    const stamp = String(some.UPDDATTIM);
    expect((await query(`filter: "{currency: 'USD'}"`)).nodes.map((n) => n._id)).toEqual(
      keys((r) => r.CUR === 'USD'),
    );
    expect((await query(`filter: "{currency: {code: {_ne: 'USD'}}}"`)).nodes.map((n) => n._id)).toEqual(
      keys((r) => r.CUR !== 'USD'),
    );
    expect((await query(`filter: "{_updateStamp: {_gte: '${stamp}'}}"`)).nodes.map((n) => n._id)).toEqual(
      keys((r) => String(r.UPDDATTIM) >= stamp),
    );
    expect(
      (await query(`filter: "{_updateStamp: {_gt: '${stamp}', _lte: '2023-06-30T00:00:00Z'}}"`)).nodes.map(
        (n) => n._id,
      ),
    ).toEqual(keys((r) => String(r.UPDDATTIM) > stamp && String(r.UPDDATTIM) <= '2023-06-30T00:00:00Z'));
    const sup = String(some.BPSNUM);
    expect(
      (await query(`filter: "{orderFromSupplier: {code: {code: '${sup}'}}}"`)).nodes.map((n) => n._id),
    ).toEqual(orders.filter((r) => r.BPSNUM === sup).map((r) => r.POHNUM));
    expect(
      (await query(`filter: "{purchaseSite: {_in: ['FR011', 'US012']}, isClosed: 'no'}"`)).nodes.map(
        (n) => n._id,
      ),
    ).toEqual(keys((r) => ['FR011', 'US012'].includes(String(r.POHFCY)) && r.CLEFLG === false));
    expect(
      (await query(`filter: "{_or: [{currency: 'USD'}, {receiptStatus: 'notReceived'}]}"`)).nodes.map(
        (n) => n._id,
      ),
    ).toEqual(keys((r) => r.CUR === 'USD' || Number(r.RCPFLG) < 2));
    expect((await query(`filter: "{\\"currency\\": \\"EUR\\"}"`)).nodes.map((n) => n._id)).toEqual(
      keys((r) => r.CUR === 'EUR'),
    );
  });

  it('sorts with orderBy strings (1, +1, -1, nested) and pages any order with opaque cursors', async () => {
    const byAmount = await query('orderBy: "{totalAmountExcludingTax: -1}"', '_id');
    expect(byAmount.nodes.map((n) => n._id)).toEqual(
      [...orders].sort((a, b) => Number(b.TOTORD) - Number(a.TOTORD)).map((r) => r.POHNUM),
    );
    const paged = await pageGraphql(sim, 'x3Purchasing', 'purchaseOrder', {
      first: 3,
      orderBy: '{purchaseSite: {code: +1}, _updateStamp: -1}',
    });
    const expected = [...orders].sort(
      (a, b) =>
        String(a.POHFCY).localeCompare(String(b.POHFCY)) ||
        String(b.UPDDATTIM).localeCompare(String(a.UPDDATTIM)) ||
        String(a.POHNUM).localeCompare(String(b.POHNUM)),
    );
    expect(paged.nodes.map((n) => n._id)).toEqual(expected.map((r) => r.POHNUM));
  });

  it('reads one record by _id and returns null for an unknown one', async () => {
    const key = String((orders[2] as Resource).POHNUM);
    const { body } = await gql(
      sim,
      'query($id: ID!) { x3Purchasing { purchaseOrder { read(_id: $id) { _id orderDate } } } }',
      { id: key },
    );
    expect(body.data).toEqual({
      x3Purchasing: { purchaseOrder: { read: { _id: key, orderDate: (orders[2] as Resource).ORDDAT } } },
    });
    const missing = await gql(sim, `{ x3Purchasing { purchaseOrder { read(_id: "NOPE") { _id } } } }`);
    expect(missing.body.data).toEqual({ x3Purchasing: { purchaseOrder: { read: null } } });
  });

  it('reports bad arguments as GraphQL errors, unknown fields as 400, and needs x-xtrem-endpoint', async () => {
    const bad = await query(`filter: "{nope: 1}"`);
    expect(bad.errors?.[0]?.message).toContain('unknown property "nope"');
    expect((await query(`after: "garbage"`)).errors?.[0]?.message).toContain('Invalid cursor');
    const unknown = await gql(
      sim,
      '{ x3Purchasing { purchaseOrder { query { edges { node { nope } } } } } }',
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.[0]?.message).toContain('Cannot query field "nope"');
    const noEndpoint = await gql(sim, '{ __typename }', {}, { 'x-xtrem-endpoint': '' });
    expect(noEndpoint.status).toBe(400);
    expect((await gql(sim, '{ __typename }', {}, { 'x-xtrem-endpoint': 'OTHER' })).status).toBe(404);
  });

  it('supports introspection with the seven nodes under their packages', async () => {
    const { body } = await gql(
      sim,
      '{ __schema { queryType { fields { name type { fields { name } } } } } }',
    );
    const fields = (
      body.data as {
        __schema: {
          queryType: { fields: Array<{ name: string; type: { fields: Array<{ name: string }> } }> };
        };
      }
    ).__schema.queryType.fields;
    expect(Object.fromEntries(fields.map((f) => [f.name, f.type.fields.map((x) => x.name).sort()]))).toEqual({
      x3FinanceData: ['account'],
      x3Finance: ['journalEntry'],
      x3MasterData: ['customer', 'product', 'supplier'],
      x3Purchasing: ['purchaseOrder'],
      x3Sales: ['salesInvoice'],
    });
  });

  it('serves the older xtremX3 root names when asked', async () => {
    const old = await startSageX3Simulator({ seed: 11, size: 'tiny', graphqlRootStyle: 'xtremX3' });
    try {
      const { body } = await gql(
        old,
        '{ xtremX3FinanceData { account { query(first: 1) { edges { node { _id code } } } } } }',
      );
      expect(nodesOf(body.data, 'xtremX3FinanceData', 'account')).toEqual([
        { _id: 'PCG~100000', code: '100000' },
      ]);
      expect((await gql(old, '{ x3FinanceData { __typename } }')).status).toBe(400);
    } finally {
      await old.close();
    }
  });
});
