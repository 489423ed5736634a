import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretToken } from './helpers.js';
import { type PowerBISimulator, startPowerBISimulator, TestClock } from './imports.js';

// [documented] reference §2.8 (S12): with `preferClientRouting=true` the service answers 307 with a Location to
// follow. Path/query kept and redirect before authentication are [inferred].
describe('cluster redirects (preferClientRouting)', () => {
  let sim: PowerBISimulator;
  let token: string;
  const clock = new TestClock('2025-03-01T10:00:00Z');
  beforeAll(async () => {
    sim = await startPowerBISimulator({ clock });
    token = await secretToken(sim);
  });
  afterAll(() => sim.close());

  const datasetsUrl = (base: string, query = '') => `${base}/groups/${sim.groupId}/datasets${query}`;

  it('answers 307 to the cluster origin, which serves the same API', async () => {
    expect(sim.clusterUrl).toBeDefined();
    expect(new URL(sim.clusterUrl!).origin).not.toBe(new URL(sim.url).origin);
    const res = await fetch(datasetsUrl(sim.url, '?preferClientRouting=true'), {
      headers: { authorization: `Bearer ${token}` },
      redirect: 'manual',
    });
    expect(res.status).toBe(307);
    const location = res.headers.get('location')!;
    expect(location).toBe(datasetsUrl(sim.clusterUrl!, '?preferClientRouting=true'));
    const followed = await fetch(location, { headers: { authorization: `Bearer ${token}` } });
    expect(followed.status).toBe(200);
    // Without the parameter there is no redirect.
    const plain = await fetch(datasetsUrl(sim.url), {
      headers: { authorization: `Bearer ${token}` },
      redirect: 'manual',
    });
    expect(plain.status).toBe(200);
  });

  it("a plain fetch follows it but drops Authorization (cross-origin), so the call fails — the client's problem", async () => {
    const res = await fetch(datasetsUrl(sim.url, '?preferClientRouting=true'), {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
  });

  it("'always' redirects every API call; false serves no cluster", async () => {
    const always = await startPowerBISimulator({ clock, clusterRedirects: 'always' });
    const none = await startPowerBISimulator({ clock, clusterRedirects: false });
    try {
      const t = await secretToken(always);
      const res = await fetch(`${always.url}/groups/${always.groupId}/datasets`, {
        headers: { authorization: `Bearer ${t}` },
        redirect: 'manual',
      });
      expect(res.status).toBe(307);
      expect(none.clusterUrl).toBeUndefined();
      const n = await fetch(`${none.url}/groups/${none.groupId}/datasets?preferClientRouting=true`, {
        headers: { authorization: `Bearer ${await secretToken(none)}` },
        redirect: 'manual',
      });
      expect(n.status).toBe(200);
    } finally {
      await always.close();
      await none.close();
    }
  });
});
