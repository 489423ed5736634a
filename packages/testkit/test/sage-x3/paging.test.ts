import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SageX3Simulator, startSageX3Simulator } from '../../src/index.js';
import { type Resource, isStampKeyOrdered, pageGraphql, pageRest, restUrl } from './helpers.js';

// 52k suppliers: the stamp generator puts bulk postings (50–400 records sharing one stamp) in every other block
// of 1000, so with pages of 1000 several equal-stamp groups straddle page boundaries.
const SUPPLIERS = 52_000;

describe('Sage X3 simulator: paging 50k+ records over REST and GraphQL', () => {
  let sim: SageX3Simulator;
  let stampOrdered: Resource[];
  beforeAll(async () => {
    sim = await startSageX3Simulator({ seed: 42, size: { supplier: SUPPLIERS }, maxPageSize: 1000 });
  });
  afterAll(() => sim.close());

  it('REST $next by (UPDDATTIM, key) and GraphQL cursors give every record once, in order, identically', async () => {
    const rest = await pageRest(sim, restUrl(sim, 'BPSUPPLIER', { count: '1000', orderBy: 'UPDDATTIM asc' }));
    stampOrdered = rest.resources;
    const restItems = rest.resources.map((r) => ({ key: String(r.BPSNUM), stamp: String(r.UPDDATTIM) }));
    expect(restItems).toHaveLength(SUPPLIERS);
    expect(new Set(restItems.map((r) => r.key)).size).toBe(SUPPLIERS);
    expect(isStampKeyOrdered(restItems)).toBe(true);
    expect(rest.pages.slice(0, -1).every((p) => p.length === 1000)).toBe(true);

    // Equal-stamp groups straddle page boundaries (the case that breaks naive `stamp > last` paging).
    let straddling = 0;
    for (let p = 1; p < rest.pages.length; p++) {
      const prev = rest.pages[p - 1]?.at(-1);
      const next = rest.pages[p]?.[0];
      if (prev && next && prev.UPDDATTIM === next.UPDDATTIM) straddling++;
    }
    expect(straddling).toBeGreaterThan(2);

    const graph = await pageGraphql(sim, 'x3MasterData', 'supplier', {
      first: 1000,
      orderBy: '{_updateStamp: 1, _id: 1}',
    });
    const graphItems = graph.nodes.map((n) => ({ key: n._id, stamp: n._updateStamp }));
    expect(graphItems).toEqual(restItems);
    expect(sim.control.count('supplier')).toBe(SUPPLIERS);
  }, 60_000);

  it('REST default order pages by key with key=gt.<key> and covers the table once', async () => {
    const first = restUrl(sim, 'BPSUPPLIER', { count: '1000' });
    const { resources, pages } = await pageRest(sim, first);
    const keys = resources.map((r) => String(r.BPSNUM));
    expect(keys).toHaveLength(SUPPLIERS);
    expect([...keys].sort()).toEqual(keys);
    expect(new Set(keys).size).toBe(SUPPLIERS);
    expect(pages.length).toBe(Math.ceil(SUPPLIERS / 1000));
  }, 60_000);

  it('a stamp lower bound with tie-breaking works from the middle of an equal-stamp group', async () => {
    // find a big equal-stamp group and resume from its middle as a client with cursor (stamp, key) would
    const byStamp = new Map<string, string[]>();
    for (const r of stampOrdered) {
      const s = String(r.UPDDATTIM);
      byStamp.set(s, [...(byStamp.get(s) ?? []), String(r.BPSNUM)]);
    }
    const [stamp, keys] = [...byStamp.entries()].sort((a, b) => b[1].length - a[1].length)[0] as [
      string,
      string[],
    ];
    expect(keys.length).toBeGreaterThan(49);
    const mid = keys[Math.floor(keys.length / 2)] as string;
    const resumed = await pageRest(
      sim,
      restUrl(sim, 'BPSUPPLIER', {
        count: '37',
        orderBy: 'UPDDATTIM asc',
        where: `UPDDATTIM eq @${stamp}@`,
        key: `gt.${stamp}~${mid}`,
      }),
    );
    expect(resumed.resources.map((r) => r.BPSNUM)).toEqual(keys.slice(keys.indexOf(mid) + 1));
  }, 60_000);
});
