import { TestClock } from '@mlc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SageX3Simulator, startSageX3Simulator } from '../../src/index.js';
import { basicAuth, gql, restUrl } from './helpers.js';

// The simulator holds decimals exactly and serves them as X3 JSON does, and lets a robustness test plant REST
// properties verbatim (a null key, a malformed stamp) without changing what it pages on.
describe('Sage X3 simulator: exact decimals and planted REST properties', () => {
  let sim: SageX3Simulator;
  const clock = new TestClock('2024-06-01T00:00:00Z');
  beforeAll(async () => {
    sim = await startSageX3Simulator({ seed: 3, size: { product: 5, salesInvoice: 0, customer: 3 }, clock });
  });
  afterAll(() => sim.close());

  it('serves a 22-digit decimal as a REST number literal with every digit, and as the GraphQL Decimal text', async () => {
    const key = [...sim.control.records('product')][0]?.key as string;
    sim.control.update('product', key, { values: { basePrice: '12345678901234567890.12' } });
    const res = await fetch(restUrl(sim, 'ITMMASTER', { where: `ITMREF eq '${key}'` }), {
      headers: { authorization: basicAuth(sim) },
    });
    expect(await res.text()).toMatch(/"BASPRI":12345678901234567890\.12[,}]/);
    const body = await gql(
      sim,
      `{ x3MasterData { product { query(filter: "{code: '${key}'}") { edges { node { basePrice } } } } } }`,
    );
    expect(JSON.stringify(body)).toContain('"basePrice":"12345678901234567890.12"');
  });

  it('a decimal field holding text that is not a number is served as a string', async () => {
    const key = [...sim.control.records('product')][1]?.key as string;
    sim.control.update('product', key, { values: { basePrice: '12,50' } });
    const res = await fetch(restUrl(sim, 'ITMMASTER', { where: `ITMREF eq '${key}'` }), {
      headers: { authorization: basicAuth(sim) },
    });
    expect(await res.text()).toContain('"BASPRI":"12,50"');
  });

  it('planted REST properties are served verbatim while paging still uses the record’s own key and stamp', async () => {
    const key = [...sim.control.records('product')][2]?.key as string;
    sim.control.update('product', key, {
      restOverrides: { ITMREF: null, UPDDATTIM: '2024-02-30T25:61:61Z' },
    });
    const res = await fetch(restUrl(sim, 'ITMMASTER', { count: '2', orderBy: 'ITMREF' }), {
      headers: { authorization: basicAuth(sim) },
    });
    const first = (await res.json()) as { $resources: Array<Record<string, unknown>>; $links: unknown };
    const all: Array<Record<string, unknown>> = [...first.$resources];
    let next = (first.$links as { $next?: { $url: string } }).$next?.$url;
    while (next) {
      const page = (await (await fetch(next, { headers: { authorization: basicAuth(sim) } })).json()) as {
        $resources: Array<Record<string, unknown>>;
        $links: { $next?: { $url: string } };
      };
      all.push(...page.$resources);
      next = page.$links.$next?.$url;
    }
    expect(all).toHaveLength(5);
    expect(all[2]).toMatchObject({ ITMREF: null, UPDDATTIM: '2024-02-30T25:61:61Z' });
    // A later update keeps them unless it replaces them.
    sim.control.update('product', key, { values: { description1: 'x' } });
    expect(sim.control.get('product', key)).toBeDefined();
  });
});
