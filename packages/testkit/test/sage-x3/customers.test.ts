import { TestClock } from '@mlc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SageX3SizePreset,
  type SageX3Simulator,
  resolveSageX3SimulatorOptions,
  startSageX3Simulator,
} from '../../src/index.js';
import { type Resource, getJson, gql, pageRest, restUrl } from './helpers.js';

type Node = Record<string, unknown>;
const edgesOf = (data: unknown, root: string, node: string): Node[] =>
  (
    (data as Record<string, Record<string, { query: { edges: Array<{ node: Node }> } }>>)[root]?.[node]?.query
      ?.edges ?? []
  ).map((e) => e.node);

// Everything here is requested the way Sage's docs and samples write it (reference §1.1–§1.4, §4): a client
// written from those pages must get answers.
describe('Sage X3 simulator: customers (BPCUSTOMER, x3MasterData.customer)', () => {
  const clock = new TestClock('2024-03-01T12:00:00Z');
  let sim: SageX3Simulator;
  let customers: Resource[];
  beforeAll(async () => {
    sim = await startSageX3Simulator({ seed: 21, size: { customer: 60, salesInvoice: 80 }, clock });
    customers = (await pageRest(sim, restUrl(sim, 'BPCUSTOMER', { count: '25' }))).resources;
  });
  afterAll(() => sim.close());

  it('lists every customer over $query with the documented fields, in key order, paging by $next', async () => {
    expect(sim.classes.customer).toEqual({ className: 'BPCUSTOMER', representation: 'BPCUSTOMER' });
    expect(customers).toHaveLength(60);
    expect(sim.control.count('customer')).toBe(60);
    const keys = customers.map((r) => String(r.BPCNUM));
    expect(keys[0]).toBe('C00001');
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(60);
    for (const r of customers) {
      expect(Object.keys(r)).toEqual(
        expect.arrayContaining([
          '$uuid',
          'BPCNUM',
          'BPCNAM',
          'BPCTYP',
          'CRY',
          'CUR',
          'BCGCOD',
          'CREDATTIM',
          'UPDDATTIM',
        ]),
      );
      expect(typeof r.BPCNAM).toBe('string');
      expect([1, 2, 3]).toContain(r.BPCTYP);
      expect(String(r.UPDDATTIM)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(String(r.CREDATTIM) <= String(r.UPDDATTIM)).toBe(true);
    }
    // Deterministic: another simulator with the same seed and size serves the same customers.
    const twin = await startSageX3Simulator({ seed: 21, size: { customer: 60, salesInvoice: 80 } });
    try {
      expect((await pageRest(twin, restUrl(twin, 'BPCUSTOMER', { count: '100' }))).resources).toEqual(
        customers,
      );
    } finally {
      await twin.close();
    }
  });

  it("answers Sage's own query examples: where on CRY and left(BPCNAM,4), orderBy BPCNAM desc, BPCNUM asc", async () => {
    const notFr = await pageRest(sim, restUrl(sim, 'BPCUSTOMER', { count: '100', where: "(CRY ne 'FR')" }));
    const expected = customers.filter((r) => r.CRY !== 'FR').map((r) => r.BPCNUM);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(customers.length);
    expect(notFr.resources.map((r) => r.BPCNUM)).toEqual(expected);

    const ordered = await pageRest(
      sim,
      restUrl(sim, 'BPCUSTOMER', { count: '7', orderBy: 'BPCNAM desc, BPCNUM asc' }),
    );
    expect(ordered.pages.length).toBeGreaterThan(1);
    expect(ordered.resources.map((r) => r.BPCNUM)).toEqual(
      [...customers]
        .sort(
          (a, b) =>
            (String(a.BPCNAM) < String(b.BPCNAM) ? 1 : String(a.BPCNAM) > String(b.BPCNAM) ? -1 : 0) ||
            String(a.BPCNUM).localeCompare(String(b.BPCNUM)),
        )
        .map((r) => r.BPCNUM),
    );

    const inserted = sim.control.insert('customer', { values: { companyName: "Test O'Brien Trading" } });
    const left = await getJson(
      sim,
      restUrl(sim, 'BPCUSTOMER', { count: '100', where: "left(BPCNAM,4) eq 'Test'" }),
    );
    expect((left.body.$resources as Resource[]).map((r) => r.BPCNUM)).toEqual([inserted.key]);
    const quoted = await getJson(
      sim,
      restUrl(sim, 'BPCUSTOMER', { where: "BPCNAM eq 'Test O''Brien Trading'" }),
    );
    expect((quoted.body.$resources as Resource[]).map((r) => r.BPCNAM)).toEqual(["Test O'Brien Trading"]);
    sim.control.delete('customer', inserted.key);
  });

  it("reads one customer with $details via BPCUSTOMER('KEY'), and 404 for an unknown one", async () => {
    const one = customers[4] as Resource;
    const url = `${sim.url}/api1/x3/erp/${sim.endpoint}/BPCUSTOMER('${String(one.BPCNUM)}')?representation=BPCUSTOMER.$details`;
    const { status, body } = await getJson(sim, url);
    expect(status).toBe(200);
    expect(body).toMatchObject({ ...one, $etag: one.UPDDATTIM });
    const missing = await getJson(
      sim,
      `${sim.url}/api1/x3/erp/${sim.endpoint}/BPCUSTOMER('NOPE')?representation=BPCUSTOMER.$details`,
    );
    expect(missing.status).toBe(404);
    const noAuth = await fetch(url);
    expect(noAuth.status).toBe(401);
    await noAuth.body?.cancel();
  });

  it('control insert/update/delete move UPDDATTIM, CREDATTIM and the lists, over REST, GraphQL and HTTP', async () => {
    const key = String((customers[10] as Resource).BPCNUM);
    const updated = sim.control.update('customer', key, {
      values: { companyName: 'Renamed SA', isActive: false },
    });
    expect(updated.updatedAt).toBe('2024-03-01T12:00:00Z');
    const since = await getJson(
      sim,
      restUrl(sim, 'BPCUSTOMER', { where: 'UPDDATTIM ge @2024-03-01T00:00:00Z@', orderBy: 'UPDDATTIM' }),
    );
    expect(since.body.$resources).toEqual([
      expect.objectContaining({
        BPCNUM: key,
        BPCNAM: 'Renamed SA',
        BPCSTA: false,
        UPDDATTIM: '2024-03-01T12:00:00Z',
      }),
    ]);

    const created = await fetch(`${sim.url}/__sim/records/customer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        key: 'C09999',
        values: { companyName: 'Over HTTP', country: 'BE' },
        at: '2024-03-02T00:00:00Z',
      }),
    });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({
      entity: 'customer',
      key: 'C09999',
      createdAt: '2024-03-02T00:00:00Z',
    });
    const viaGraphql = await gql(
      sim,
      `{ x3MasterData { customer { read(_id: "C09999") { _id code { code } companyName country { code } _createStamp } } } }`,
    );
    expect(viaGraphql.body.data).toEqual({
      x3MasterData: {
        customer: {
          read: {
            _id: 'C09999',
            code: { code: 'C09999' },
            companyName: 'Over HTTP',
            country: { code: 'BE' },
            _createStamp: '2024-03-02T00:00:00Z',
          },
        },
      },
    });
    const removed = await fetch(`${sim.url}/__sim/records/customer/C09999`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    await removed.body?.cancel();
    expect(sim.control.count('customer')).toBe(60);
  });

  it('serves x3MasterData.customer with code { code } and the same values as REST, filters and read(_id)', async () => {
    const { status, body } = await gql(
      sim,
      `{ x3MasterData { customer { query(first: 100, orderBy: "{_id: 1}") { totalCount edges { node {
        _id code { code } companyName shortCompanyName customerType category { code } currency { code }
        country { code } isActive _createStamp _updateStamp } } } } } }`,
    );
    expect(status).toBe(200);
    const nodes = edgesOf(body.data, 'x3MasterData', 'customer');
    const rest = (await pageRest(sim, restUrl(sim, 'BPCUSTOMER', { count: '100' }))).resources;
    expect(nodes.map((n) => n._id)).toEqual(rest.map((r) => r.BPCNUM));
    for (const [i, n] of nodes.entries()) {
      const r = rest[i] as Resource;
      expect(n).toEqual({
        _id: r.BPCNUM,
        code: { code: r.BPCNUM },
        companyName: r.BPCNAM,
        shortCompanyName: r.BPCSHO,
        customerType: r.BPCTYP,
        category: { code: r.BCGCOD },
        currency: { code: r.CUR },
        country: { code: r.CRY },
        isActive: r.BPCSTA,
        _createStamp: r.CREDATTIM,
        _updateStamp: r.UPDDATTIM,
      });
    }
    const pick = String((rest[7] as Resource).BPCNUM);
    const filtered = await gql(
      sim,
      `{ x3MasterData { customer { query(filter: "{code: {code: '${pick}'}}") { edges { node { _id } } } } } }`,
    );
    expect(edgesOf(filtered.body.data, 'x3MasterData', 'customer')).toEqual([{ _id: pick }]);
  });

  it("sales invoices' bill-to codes are existing customers, and billToCustomer resolves to the customer node", async () => {
    const invoices = (await pageRest(sim, restUrl(sim, 'SINVOICEV', { count: '100' }))).resources;
    expect(invoices).toHaveLength(80);
    const current = (await pageRest(sim, restUrl(sim, 'BPCUSTOMER', { count: '100' }))).resources;
    const byKey = new Map(current.map((r) => [String(r.BPCNUM), r]));
    for (const inv of invoices) expect(byKey.has(String(inv.BPCINV))).toBe(true);
    const { body } = await gql(
      sim,
      `{ x3Sales { salesInvoice { query(first: 100, orderBy: "{_id: 1}") { edges { node {
        _id billToCustomer { code { code } companyName } } } } } } }`,
    );
    const nodes = edgesOf(body.data, 'x3Sales', 'salesInvoice');
    expect(nodes).toHaveLength(80);
    for (const [i, n] of nodes.entries()) {
      const code = String((invoices[i] as Resource).BPCINV);
      expect(n.billToCustomer).toEqual({ code: { code }, companyName: byKey.get(code)?.BPCNAM });
    }
  });

  it('every size preset has customers; the default ones cover the invoices bill-to codes C00001–C00999', () => {
    const presets: SageX3SizePreset[] = ['tiny', 'small', 'medium', 'large'];
    for (const size of presets) {
      expect(resolveSageX3SimulatorOptions({ size }).counts.customer).toBeGreaterThanOrEqual(999);
    }
    expect(resolveSageX3SimulatorOptions({ size: { journalEntry: 5 } }).counts.customer).toBe(1000);
  });
});
