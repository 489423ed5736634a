import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SageX3Simulator, startSageX3Simulator } from '../../src/index.js';
import { type Resource, basicAuth, getJson, pageRest } from './helpers.js';

// The folder discovery call Sage documents (reference §1.1 and §3 gotcha 3), requested as written there.
describe('Sage X3 simulator: Syracuse endPoints list', () => {
  let sim: SageX3Simulator;
  let base: string;
  beforeAll(async () => {
    sim = await startSageX3Simulator({
      seed: 4,
      size: 'tiny',
      endpoints: ['SEED', 'X3U9REF_SEED', 'PILOT1'],
      endpointFolders: { X3U9REF_SEED: 'X3U9REF' },
    });
    base = `${sim.url}/api1/syracuse/collaboration/syracuse/endPoints`;
  });
  afterAll(() => sim.close());

  it('lists one resource per configured endpoint in the $resources envelope', async () => {
    const url = `${base}?representation=endPoints.$query&count=100`;
    const { status, body, headers } = await getJson(sim, url);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toContain('application/json');
    expect(body).toMatchObject({
      $url: url,
      $descriptor: 'endPoints',
      $startIndex: 1,
      $itemsPerPage: 100,
      $totalResults: 3,
      $links: {},
    });
    const resources = body.$resources as Resource[];
    expect(resources.map((r) => [r.dataset, r.x3ServerFolder, r.application, r.contract])).toEqual([
      ['PILOT1', 'PILOT1', 'x3', 'erp'],
      ['SEED', 'SEED', 'x3', 'erp'],
      ['X3U9REF_SEED', 'X3U9REF', 'x3', 'erp'],
    ]);
    for (const r of resources) {
      expect(r.$uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(typeof r.description).toBe('string');
    }
    expect(new Set(resources.map((r) => r.$uuid)).size).toBe(3);
  });

  it('each discovered endpoint name answers the X3 class URLs (the name, not the folder)', async () => {
    const { body } = await getJson(sim, `${base}?representation=endPoints.$query`);
    for (const r of body.$resources as Resource[]) {
      const res = await getJson(
        sim,
        `${sim.url}/api1/x3/erp/${String(r.dataset)}/BPCUSTOMER?representation=BPCUSTOMER.$query&count=1`,
      );
      expect(res.status).toBe(200);
      expect(res.body.$resources).toHaveLength(1);
    }
    const byFolder = await getJson(
      sim,
      `${sim.url}/api1/x3/erp/X3U9REF/BPCUSTOMER?representation=BPCUSTOMER.$query`,
    );
    expect(byFolder.status).toBe(404);
  });

  it('pages with count and startIndex, $next verbatim, default count 20', async () => {
    const paged = await pageRest(sim, `${base}?representation=endPoints.$query&count=2`);
    expect(paged.pages.map((p) => p.map((r) => r.dataset))).toEqual([['PILOT1', 'SEED'], ['X3U9REF_SEED']]);
    const second = await getJson(sim, `${base}?representation=endPoints.$query&count=2&startIndex=3`);
    expect(second.body).toMatchObject({ $startIndex: 3, $itemsPerPage: 2, $totalResults: 3, $links: {} });
    const dflt = await getJson(sim, `${base}?representation=endPoints.$query`);
    expect(dflt.body.$itemsPerPage).toBe(20);
  });

  it('filters with where on its properties and ignores unknown properties, as admin endpoints do', async () => {
    const where = async (clause: string) =>
      (
        (await getJson(sim, `${base}?representation=endPoints.$query&where=${encodeURIComponent(clause)}`))
          .body.$resources as Resource[]
      ).map((r) => r.dataset);
    expect(await where("dataset eq 'PILOT1'")).toEqual(['PILOT1']);
    expect(await where("x3ServerFolder like 'X3U9%'")).toEqual(['X3U9REF_SEED']);
    expect(await where("nope eq 'x'")).toEqual(['PILOT1', 'SEED', 'X3U9REF_SEED']);
  });

  it('rejects a missing or wrong representation, other facets, bad count and unknown entities', async () => {
    expect((await getJson(sim, base)).status).toBe(400);
    expect((await getJson(sim, `${base}?representation=endPoint.$query`)).status).toBe(400);
    expect((await getJson(sim, `${base}?representation=endPoints.$details`)).status).toBe(400);
    expect((await getJson(sim, `${base}?representation=endPoints.$query&count=0`)).status).toBe(400);
    expect((await getJson(sim, `${base}?representation=endPoints.$query&startIndex=0`)).status).toBe(400);
    const unknown = await getJson(
      sim,
      `${sim.url}/api1/syracuse/collaboration/syracuse/users?representation=users.$query`,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.$diagnoses).toBeDefined();
  });

  it('needs the same Basic or cloud Bearer auth as the X3 classes', async () => {
    const url = `${base}?representation=endPoints.$query`;
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Basic realm="Syracuse"');
    await none.body?.cancel();
    const wrong = await getJson(sim, url, `Basic ${Buffer.from('ADMIN:wrong').toString('base64')}`);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ message: 'Unauthorised' });
    expect((await getJson(sim, url, basicAuth(sim))).status).toBe(200);

    const o = sim.credentials.oauth;
    const token = await fetch(o.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'refresh_token',
        refresh_token: o.refreshToken,
        client_id: o.clientId,
        client_secret: o.clientSecret,
      }),
    });
    expect(token.status).toBe(200);
    const access = String(((await token.json()) as Record<string, unknown>).access_token);
    expect((await getJson(sim, url, `Bearer ${access}`)).status).toBe(200);
    expect((await getJson(sim, url, 'Bearer not-a-token')).status).toBe(401);
    const log = sim.control.requestLog().filter((e) => e.url.includes('/syracuse/'));
    expect(log.some((e) => e.surface === 'rest' && e.auth === 'oauth' && e.status === 200)).toBe(true);
  });
});
