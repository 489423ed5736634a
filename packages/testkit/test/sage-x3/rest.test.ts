import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SageX3Simulator, startSageX3Simulator } from '../../src/index.js';
import { type Resource, basicAuth, getJson, pageRest, restUrl } from './helpers.js';

describe('Sage X3 simulator: REST api1', () => {
  let sim: SageX3Simulator;
  let invoices: Resource[];
  beforeAll(async () => {
    sim = await startSageX3Simulator({ seed: 9, size: 'tiny', maxPageSize: 50 });
    invoices = (await pageRest(sim, restUrl(sim, 'SINVOICEV', { count: '50' }))).resources;
  });
  afterAll(() => sim.close());

  const where = async (clause: string): Promise<string[]> =>
    (await pageRest(sim, restUrl(sim, 'SINVOICEV', { count: '50', where: clause }))).resources.map((r) =>
      String(r.NUM),
    );
  const expectKeys = (pred: (r: Resource) => boolean): string[] => {
    const keys = invoices.filter(pred).map((r) => String(r.NUM));
    // each case must select some records but not all, or it proves nothing
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.length).toBeLessThan(invoices.length);
    return keys;
  };

  it('serves the $resources envelope with $itemsPerPage, default count 20 and the server maximum', async () => {
    const first = await getJson(sim, restUrl(sim, 'SINVOICEV'));
    expect(first.status).toBe(200);
    expect(first.body.$itemsPerPage).toBe(20);
    expect(first.body.$resources).toHaveLength(20);
    const next = (first.body.$links as { $next: { $url: string } }).$next.$url;
    expect(next.startsWith(`${sim.url}/api1/x3/erp/SEED/SINVOICEV?`)).toBe(true);
    expect(new URL(next).searchParams.get('key')).toMatch(/^gt\.SI\d+$/);

    const capped = await getJson(sim, restUrl(sim, 'SINVOICEV', { count: '500' }));
    expect(capped.body.$itemsPerPage).toBe(50);
    expect(capped.body.$resources).toHaveLength(50);

    const all = await getJson(sim, restUrl(sim, 'SINVOICEV', { count: '50', key: 'gt.SI0000030' }));
    expect(all.body.$resources).toHaveLength(29);
    expect(all.body.$links).toEqual({}); // last page: no $next
  });

  it('records carry UTC stamps, lines and the same data in $details', async () => {
    const inv = invoices[3] as Resource;
    expect(inv.UPDDATTIM).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(inv.CREDATTIM).toMatch(/Z$/);
    expect(Array.isArray(inv.SIVSID)).toBe(true);
    const one = await getJson(
      sim,
      `${sim.url}/api1/x3/erp/SEED/SINVOICEV('${String(inv.NUM)}')?representation=SINVOICEV.$details`,
    );
    expect(one.status).toBe(200);
    const { $url, $etag, ...rest } = one.body;
    expect($etag).toBe(inv.UPDDATTIM);
    expect(rest).toEqual(inv);
  });

  it('reads a composite key with ~ and pages accounts by key=gt.CHART~CODE', async () => {
    const one = await getJson(
      sim,
      `${sim.url}/api1/x3/erp/SEED/GACCOUNT('PCG~100003')?representation=GACCOUNT.$details`,
    );
    expect(one.status).toBe(200);
    expect([one.body.COA, one.body.ACC]).toEqual(['PCG', '100003']);
    const page = await getJson(sim, restUrl(sim, 'GACCOUNT', { count: '5' }));
    const next = new URL((page.body.$links as { $next: { $url: string } }).$next.$url);
    expect(next.searchParams.get('key')).toBe('gt.PCG~100004');
    const { resources } = await pageRest(sim, restUrl(sim, 'GACCOUNT', { count: '7' }));
    expect(resources.map((r) => r.ACC)).toEqual(Array.from({ length: 30 }, (_, i) => String(100000 + i)));
  });

  it('filters with the SData where subset', async () => {
    const some = invoices[5] as Resource;
    const stamp = String(some.UPDDATTIM);
    expect(await where(`CUR eq 'USD'`)).toEqual(expectKeys((r) => r.CUR === 'USD'));
    expect(await where(`CUR ne "USD"`)).toEqual(expectKeys((r) => r.CUR !== 'USD'));
    expect(await where(`UPDDATTIM ge @${stamp}@`)).toEqual(expectKeys((r) => String(r.UPDDATTIM) >= stamp));
    expect(await where(`UPDDATTIM lt @${stamp}@ and CUR eq 'EUR'`)).toEqual(
      expectKeys((r) => String(r.UPDDATTIM) < stamp && r.CUR === 'EUR'),
    );
    expect(await where(`INVDAT le @2022-06-30@`)).toEqual(
      expectKeys((r) => String(r.INVDAT) <= '2022-06-30'),
    );
    expect(await where(`(CUR eq 'USD' or SIVTYP eq 2) and AMTNOT gt 1000`)).toEqual(
      expectKeys((r) => (r.CUR === 'USD' || r.SIVTYP === 2) && Number(r.AMTNOT) > 1000),
    );
    expect(await where(`SALFCY in ('FR011','US012')`)).toEqual(
      expectKeys((r) => ['FR011', 'US012'].includes(String(r.SALFCY))),
    );
    expect(await where(`BPCINV like '%7_'`)).toEqual(expectKeys((r) => /7.$/.test(String(r.BPCINV))));
    expect(await where(`left(SALFCY, 2) eq 'DE'`)).toEqual(
      expectKeys((r) => String(r.SALFCY).startsWith('DE')),
    );
    expect(await where(`AMTNOT between 100 and 5000`)).toEqual(
      expectKeys((r) => Number(r.AMTNOT) >= 100 && Number(r.AMTNOT) <= 5000),
    );
    expect(await where(`not (CUR eq 'EUR')`)).toEqual(expectKeys((r) => r.CUR !== 'EUR'));
    const quoted = await getJson(sim, restUrl(sim, 'SINVOICEV', { where: `BPCINV eq 'O''Brien'` }));
    expect(quoted.status).toBe(200);
    expect(quoted.body.$resources).toEqual([]);
  });

  it('answers an unknown where property with a bare HTTP 500, as X3 does', async () => {
    // [documented] status 500 (reference §1.4); [inferred] empty body (real servers say nothing).
    const bare = await fetch(restUrl(sim, 'SINVOICEV', { where: `NOSUCHFIELD eq 'x'` }), {
      headers: { authorization: basicAuth(sim) },
    });
    expect(bare.status).toBe(500);
    expect(await bare.text()).toBe('');
    const named = await startSageX3Simulator({ seed: 1, size: 'tiny', unknownWhereFieldBody: 'diagnoses' });
    try {
      const res = await getJson(named, restUrl(named, 'SINVOICEV', { where: `NOSUCHFIELD eq 'x'` }));
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.body)).toContain('NOSUCHFIELD');
    } finally {
      await named.close();
    }
    expect((await getJson(sim, restUrl(sim, 'SINVOICEV', { where: `CUR eq` }))).status).toBe(500);
    expect(
      (await getJson(sim, restUrl(sim, 'SINVOICEV', { where: `UPDDATTIM ge @2024-13-45T99@` }))).status,
    ).toBe(500);
    expect((await getJson(sim, restUrl(sim, 'SINVOICEV', { orderBy: 'NOPE desc' }))).status).toBe(500);
  });

  it('orders by several fields with asc/desc and pages such orders with ~-joined key values', async () => {
    const { resources } = await pageRest(
      sim,
      restUrl(sim, 'SINVOICEV', { count: '7', orderBy: 'CUR desc, AMTNOT asc' }),
    );
    const expected = [...invoices].sort(
      (a, b) =>
        String(b.CUR).localeCompare(String(a.CUR)) ||
        Number(a.AMTNOT) - Number(b.AMTNOT) ||
        String(a.NUM).localeCompare(String(b.NUM)),
    );
    expect(resources.map((r) => r.NUM)).toEqual(expected.map((r) => r.NUM));
  });

  it('refuses unknown endpoints, classes, representations and facets', async () => {
    const get = (path: string) => getJson(sim, `${sim.url}/api1/x3/erp/${path}`);
    expect((await get('NOPE/SINVOICEV?representation=SINVOICEV.$query')).status).toBe(404);
    expect((await get('SEED/NOPE?representation=NOPE.$query')).status).toBe(404);
    expect((await get('SEED/SINVOICEV')).status).toBe(400);
    expect((await get('SEED/SINVOICEV?representation=BPSUPPLIER.$query')).status).toBe(400);
    expect((await get('SEED/SINVOICEV?representation=SINVOICEV.$edit')).status).toBe(400);
    expect((await get(`SEED/SINVOICEV('NOPE')?representation=SINVOICEV.$details`)).status).toBe(404);
  });

  it('honours configurable class and representation names', async () => {
    const custom = await startSageX3Simulator({
      size: 'tiny',
      classes: { journalEntry: { className: 'YGLENTRY', representation: 'YGLENTRYQ' } },
    });
    try {
      const ok = await getJson(
        custom,
        `${custom.url}/api1/x3/erp/SEED/YGLENTRY?representation=YGLENTRYQ.$query`,
        basicAuth(custom),
      );
      expect(ok.status).toBe(200);
      expect(custom.classes.journalEntry).toEqual({ className: 'YGLENTRY', representation: 'YGLENTRYQ' });
    } finally {
      await custom.close();
    }
  });

  it('generates the same records for the same seed and different ones for another seed', async () => {
    const again = await startSageX3Simulator({ seed: 9, size: 'tiny' });
    const other = await startSageX3Simulator({ seed: 10, size: 'tiny' });
    try {
      const a = (await getJson(again, restUrl(again, 'SINVOICEV', { count: '50' }), basicAuth(again))).body
        .$resources;
      const b = (await getJson(other, restUrl(other, 'SINVOICEV', { count: '50' }), basicAuth(other))).body
        .$resources;
      expect(a).toEqual(invoices.slice(0, 50));
      expect(b).not.toEqual(a);
    } finally {
      await again.close();
      await other.close();
    }
  });
});
