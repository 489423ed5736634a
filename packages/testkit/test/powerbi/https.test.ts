import { createTlsFetch } from '@mlc/core';
import { describe, expect, it } from 'vitest';
import { generateTestTls, startPowerBISimulator } from '../../src/index.js';

describe('Power BI simulator over HTTPS', () => {
  it('serves https with a generated CA; clients that trust the CA connect, others are refused', async () => {
    const sim = await startPowerBISimulator({ tls: true });
    try {
      expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/myorg$/);
      expect(sim.tokenUrl.startsWith(`${sim.authorityHost}/`)).toBe(true);
      expect(sim.clusterUrl).toMatch(/^https:/);
      expect(sim.tls?.caCertificatePem).toMatch(/BEGIN CERTIFICATE/);
      const untrusted = await fetch(sim.tokenUrl, { method: 'POST' }).catch((e: unknown) => e);
      expect(untrusted).toBeInstanceOf(Error);
      const trusted = createTlsFetch({ ca: sim.tls!.caCertificatePem });
      const token = await trusted(sim.tokenUrl, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: sim.clientId,
          client_secret: sim.clientSecret ?? '',
          scope: sim.scope,
        }),
      });
      expect(token.status).toBe(200);
    } finally {
      await sim.close();
    }
  }, 60_000);

  it('derives every URL it writes from publicOrigin (a TLS front), including discovery and accepted audiences', async () => {
    const sim = await startPowerBISimulator({ publicOrigin: 'https://login.sim.example:8443/' });
    try {
      expect(sim.authorityHost).toBe('https://login.sim.example:8443');
      expect(sim.localOrigin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // Reached on its bound address (behind the front), it writes the public origin.
      const doc = (await (
        await fetch(`${sim.localOrigin}/${sim.tenantId}/v2.0/.well-known/openid-configuration`)
      ).json()) as { issuer: string; token_endpoint: string };
      expect(doc.token_endpoint).toBe(`https://login.sim.example:8443/${sim.tenantId}/oauth2/v2.0/token`);
      expect(doc.issuer).toBe(`https://login.sim.example:8443/${sim.tenantId}/v2.0`);
    } finally {
      await sim.close();
    }
  });

  it('generateTestTls makes a CA and a server certificate for the given hosts', () => {
    const tls = generateTestTls({ hosts: ['sim.local', '127.0.0.1'], days: 2 });
    expect(tls.caCertificatePem).toMatch(/BEGIN CERTIFICATE/);
    expect(tls.certificatePem).toMatch(/BEGIN CERTIFICATE/);
    expect(tls.privateKeyPem).toMatch(/BEGIN PRIVATE KEY/);
  });
});
