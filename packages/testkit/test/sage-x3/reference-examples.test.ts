import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SageX3Simulator, startSageX3Simulator } from '../../src/index.js';
import { type Resource, gql, pageRest, restUrl } from './helpers.js';

type Node = Record<string, unknown>;
const edges = (data: unknown, root: string, node: string): Node[] =>
  (
    (data as Record<string, Record<string, { query: { edges: Array<{ node: Node }> } }>>)[root]?.[node]?.query
      ?.edges ?? []
  ).map((e) => e.node);

// The query examples of the project's Sage X3 reference (§1.2, §2.4, §2.6), answered as the reference says. Each
// case names its section; [CONFIRMED] ones are Sage's own examples.
describe('Sage X3 simulator: the reference query examples', () => {
  let sim: SageX3Simulator;
  let orders: Resource[];
  beforeAll(async () => {
    sim = await startSageX3Simulator({ seed: 11, size: 'tiny' });
    orders = (await pageRest(sim, restUrl(sim, 'PORDER', { count: '100' }))).resources;
  });
  afterAll(() => sim.close());

  const po = async (args: string, select = '_id') => {
    const { status, body } = await gql(
      sim,
      `{ x3Purchasing { purchaseOrder { query(first: 100, ${args}) { edges { node { ${select} } } } } } }`,
    );
    expect(status).toBe(200);
    return { nodes: edges(body.data, 'x3Purchasing', 'purchaseOrder'), errors: body.errors };
  };
  const keysWhere = (pred: (r: Resource) => boolean) => {
    const k = orders.filter(pred).map((r) => r.POHNUM);
    expect(k.length).toBeGreaterThan(0);
    expect(k.length).toBeLessThan(orders.length);
    return k;
  };

  it("§2.6 [CONFIRMED] {isClosed: {_ne: 'yes'}}: isClosed is a no/yes local menu, not a Boolean", async () => {
    const open = await po(`filter: "{isClosed: {_ne: 'yes'}}"`, '_id isClosed');
    expect(open.errors).toBeUndefined();
    expect(open.nodes.map((n) => n._id)).toEqual(keysWhere((r) => r.CLEFLG === false));
    expect(new Set(open.nodes.map((n) => n.isClosed))).toEqual(new Set(['no']));
    const closed = await po(`filter: "{isClosed: 'yes'}"`, 'isClosed');
    expect(new Set(closed.nodes.map((n) => n.isClosed))).toEqual(new Set(['yes']));
    // A Boolean is not a value of the menu.
    const wrong = await po('filter: "{isClosed: true}"');
    expect(wrong.errors?.[0]?.message).toMatch(/not a value of NoYes/);
  });

  it('§2.5 purchase orders carry signatureStatus and receiptStatus as local menus', async () => {
    const { nodes, errors } = await po('orderBy: "{_id: 1}"', '_id signatureStatus receiptStatus');
    expect(errors).toBeUndefined();
    expect(nodes).toHaveLength(orders.length);
    for (const n of nodes) {
      expect(['notManaged', 'notSigned', 'partiallySigned', 'signed']).toContain(n.signatureStatus);
      expect(['notReceived', 'partiallyReceived', 'received']).toContain(n.receiptStatus);
    }
    const { body } = await gql(
      sim,
      '{ __type(name: "PurchaseOrder") { fields { name type { kind name } } } }',
    );
    const fields = (
      body.data as { __type: { fields: Array<{ name: string; type: { kind: string; name: string } }> } }
    ).__type.fields;
    const kind = (name: string) => fields.find((f) => f.name === name)?.type;
    expect(kind('isClosed')).toEqual({ kind: 'ENUM', name: 'NoYes' });
    expect(kind('signatureStatus')?.kind).toBe('ENUM');
    expect(kind('orderFromSupplier')?.kind).toBe('OBJECT');
    expect(kind('purchaseSite')?.kind).toBe('OBJECT');
    expect(kind('orderDate')?.name).toBe('Date');
  });

  it("§2.6 [CONFIRMED] several keys = AND: {purchaseSite: 'FR011', orderFromSupplier: '…'} on references", async () => {
    const some = orders.find((r) => r.POHFCY === 'FR011') as Resource;
    const sup = String(some.BPSNUM);
    const { nodes, errors } = await po(`filter: "{purchaseSite: 'FR011', orderFromSupplier: '${sup}'}"`);
    expect(errors).toBeUndefined();
    expect(nodes.map((n) => n._id)).toEqual(
      orders.filter((r) => r.POHFCY === 'FR011' && r.BPSNUM === sup).map((r) => r.POHNUM),
    );
  });

  it('§2.6 [CONFIRMED] sort {code: -1} and nested {purchaseSite: {_id: -1}, _id: -1}', async () => {
    const { nodes } = await po('orderBy: "{purchaseSite: {_id: -1}, _id: -1}"', '_id');
    const expected = [...orders]
      .sort(
        (a, b) =>
          String(b.POHFCY).localeCompare(String(a.POHFCY)) ||
          String(b.POHNUM).localeCompare(String(a.POHNUM)),
      )
      .map((r) => r.POHNUM);
    expect(nodes.map((n) => n._id)).toEqual(expected);
    const products = await gql(
      sim,
      '{ x3MasterData { product { query(first: 5, orderBy: "{code: -1}") { edges { node { code } } } } } }',
    );
    const codes = edges(products.body.data, 'x3MasterData', 'product').map((n) => String(n.code));
    expect(codes).toEqual([...codes].sort().reverse());
  });

  it('§2.6 [CONFIRMED] variables: query($first: Int!, $filter: String, $orderBy: String)', async () => {
    const { status, body } = await gql(
      sim,
      `query($first: Int!, $filter: String, $orderBy: String) { x3Purchasing { purchaseOrder {
         query(first: $first, filter: $filter, orderBy: $orderBy) { edges { node { _id } } pageInfo { hasNextPage endCursor } } } } }`,
      { first: 3, filter: "{isClosed: {_ne: 'yes'}}", orderBy: '{_id: 1}' },
    );
    expect(status).toBe(200);
    expect(edges(body.data, 'x3Purchasing', 'purchaseOrder').map((n) => n._id)).toEqual(
      orders
        .filter((r) => r.CLEFLG === false)
        .slice(0, 3)
        .map((r) => r.POHNUM),
    );
  });

  it('§2.4 [CONFIRMED] operation shape: query(...) { edges { cursor node } pageInfo {…} } and read(_id)', async () => {
    const first = orders[0] as Resource;
    const { body } = await gql(
      sim,
      `{ x3Purchasing { purchaseOrder {
         query(filter: "{isClosed: 'no'}", orderBy: "{_id: 1}", first: 2) {
           edges { cursor node { _id } } pageInfo { endCursor hasNextPage startCursor hasPreviousPage } }
         read(_id: "${String(first.POHNUM)}") { _id isClosed } } } }`,
    );
    const node = (body.data as { x3Purchasing: { purchaseOrder: Record<string, unknown> } }).x3Purchasing
      .purchaseOrder;
    const query = node.query as { edges: Array<{ cursor: string }>; pageInfo: Record<string, unknown> };
    expect(query.edges).toHaveLength(2);
    expect(typeof query.edges[0]?.cursor).toBe('string');
    expect(Object.keys(query.pageInfo).sort()).toEqual([
      'endCursor',
      'hasNextPage',
      'hasPreviousPage',
      'startCursor',
    ]);
    expect(node.read).toEqual({ _id: first.POHNUM, isClosed: first.CLEFLG ? 'yes' : 'no' });
  });

  it('§1.2 [OBSERVED] incremental REST query: CREDATTIM ge @…Z@ and a site, with key=gt. paging', async () => {
    const since = String((orders[5] as Resource).CREDATTIM);
    const url = restUrl(sim, 'PORDER', {
      where: `CREDATTIM ge @${since}@ and POHFCY eq 'FR011'`,
      orderBy: 'POHNUM',
      count: '2',
    });
    const { resources } = await pageRest(sim, url);
    expect(resources.map((r) => r.POHNUM)).toEqual(
      orders
        .filter((r) => String(r.CREDATTIM) >= since && r.POHFCY === 'FR011')
        .map((r) => r.POHNUM)
        .sort(),
    );
  });
});
