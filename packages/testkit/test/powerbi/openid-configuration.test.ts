import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PowerBISimulator, startPowerBISimulator } from './imports.js';

describe('Entra ID OpenID Connect discovery', () => {
  let sim: PowerBISimulator;
  beforeAll(async () => {
    sim = await startPowerBISimulator({});
  });
  afterAll(() => sim.close());

  it('points a standard client at the simulated token endpoint, by tenant id or verified domain', async () => {
    const res = await fetch(`${sim.authorityHost}/${sim.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { token_endpoint: string; issuer: string };
    expect(doc.token_endpoint).toBe(sim.tokenUrl);
    expect(doc.issuer).toBe(`${sim.authorityHost}/${sim.tenantId}/v2.0`);
    const token = await fetch(doc.token_endpoint, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sim.clientId,
        client_secret: sim.clientSecret ?? '',
        scope: 'https://analysis.windows.net/powerbi/api/.default',
      }),
    });
    expect(token.status).toBe(200);
  });

  it('answers an unknown tenant with invalid_tenant (AADSTS90002)', async () => {
    const res = await fetch(
      `${sim.authorityHost}/no-such-tenant.example/v2.0/.well-known/openid-configuration`,
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
  });
});
