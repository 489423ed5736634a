import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SageX3Simulator, startSageX3Simulator } from '../../src/index.js';
import { basicAuth, gql, restUrl } from './helpers.js';

type Node = Record<string, unknown>;
const nodesOf = (data: unknown, root: string, node: string): Node[] =>
  (
    (data as Record<string, Record<string, { query: { edges: Array<{ node: Node }> } }>>)[root]?.[node]?.query
      ?.edges ?? []
  ).map((e) => e.node);

// Issue 11: the GraphQL nodes beyond purchase orders, audited against the reference (§2.5, §2.6). Documented:
// salesInvoice.id is a reference (→ CustomerInvoiceHeader), journalEntry has journalEntryTransaction (a node of
// x3FinanceData), and local menus are compared by value names (`{isClosed: {_ne: 'yes'}}`). Inferred: the enum
// type names and the value names of the integer menus.
describe('Sage X3 simulator: GraphQL audit against the reference', () => {
  let sim: SageX3Simulator;
  beforeAll(async () => {
    sim = await startSageX3Simulator({ seed: 12, size: 'tiny' });
  });
  afterAll(() => sim.close());

  const query = async (root: string, node: string, select: string, args = 'first: 200') => {
    const { status, body } = await gql(
      sim,
      `{ ${root} { ${node} { query(${args}) { edges { node { ${select} } } } } } }`,
    );
    expect(status).toBe(200);
    return { nodes: nodesOf(body.data, root, node), errors: body.errors };
  };

  it('§2.5 salesInvoice.id is a reference (→ CustomerInvoiceHeader) whose _id is the invoice number, not a string', async () => {
    const { nodes, errors } = await query('x3Sales', 'salesInvoice', '_id id { _id }');
    expect(errors).toBeUndefined();
    expect(nodes.length).toBeGreaterThan(0);
    for (const n of nodes) expect(n.id).toEqual({ _id: n._id });
    // Selected as a scalar, it is refused like any object field.
    const scalar = await gql(
      sim,
      '{ x3Sales { salesInvoice { query(first: 1) { edges { node { id } } } } } }',
    );
    expect(scalar.body.errors?.[0]?.message).toMatch(/must have a selection of subfields/);
    const type = await gql(sim, '{ __type(name: "SalesInvoice") { fields { name type { name kind } } } }');
    const fields = (type.body.data as { __type: { fields: Array<{ name: string; type: { name: string } }> } })
      .__type.fields;
    expect(fields.find((f) => f.name === 'id')?.type.name).toBe('CustomerInvoiceHeader');
  });

  it.each([
    [
      'x3Sales',
      'salesInvoice',
      'invoiceType',
      'SIVTYP',
      'SINVOICEV',
      ['invoice', 'creditNote', 'debitNote', 'prepayment'],
    ],
    ['x3Sales', 'salesInvoice', 'status', 'STA', 'SINVOICEV', ['notPosted', 'posted']],
    ['x3Finance', 'journalEntry', 'journalEntryStatus', 'STA', 'GACCENTRY', ['temporary', 'final']],
    [
      'x3MasterData',
      'product',
      'productStatus',
      'ITMSTA',
      'ITMMASTER',
      ['active', 'inDevelopment', 'onShortage', 'notRenewed', 'obsolete', 'notUsable'],
    ],
  ] as const)(
    '§2.6 %s.%s.%s is a local menu: GraphQL shows value names, REST the stored number, filters take names',
    async (root, node, field, restField, className, names) => {
      const { nodes, errors } = await query(root, node, `_id ${field}`);
      expect(errors).toBeUndefined();
      const values = new Set(nodes.map((n) => n[field]));
      for (const v of values) expect(names).toContain(v);
      // The same records over REST carry the numbers: name n ↔ entry n.
      const res = await fetch(restUrl(sim, className, { count: '200' }), {
        headers: { authorization: basicAuth(sim) },
      });
      const rest = ((await res.json()) as { $resources: Node[] }).$resources;
      const keyField = Object.keys(rest[0] ?? {}).find((k) => k !== '$uuid') as string;
      const byKey = new Map(rest.map((r) => [String(r[keyField]), r[restField]]));
      let matched = 0;
      for (const n of nodes) {
        const number = byKey.get(String(n._id));
        if (number === undefined) continue;
        matched++;
        expect(names.indexOf(n[field] as never) + 1).toBe(number);
      }
      expect(matched).toBeGreaterThan(0);
      const first = names[0] as string;
      const filtered = await query(
        root,
        node,
        `_id ${field}`,
        `first: 200, filter: "{${field}: '${first}'}"`,
      );
      expect(filtered.errors).toBeUndefined();
      for (const n of filtered.nodes) expect(n[field]).toBe(first);
      const byNumber = await query(root, node, '_id', `first: 1, filter: "{${field}: 1}"`);
      expect(byNumber.errors?.[0]?.message).toMatch(/is not a value of/);
    },
  );

  it('§2.5 journalEntry.journalEntryTransaction is a reference read as { code }', async () => {
    const { nodes, errors } = await query(
      'x3Finance',
      'journalEntry',
      '_id journalEntryTransaction { code }',
    );
    expect(errors).toBeUndefined();
    expect(nodes.length).toBeGreaterThan(0);
    for (const n of nodes) expect(n.journalEntryTransaction).toEqual({ code: 'STDCO' });
  });
});
