import { startSageX3Simulator } from '@mlc/testkit';
import { describe, expect, it } from 'vitest';
import { basicAuth, connectedAppAuth, createX3Client } from '../../src/index.js';

// Syracuse in production is HTTPS, often with a private CA (reference §1.1, §3 gotcha 8): the simulator serves
// HTTPS with a generated CA on request, and the client trusts it through `tls: { ca }`.
describe('the X3 client over HTTPS (simulator with a generated CA)', () => {
  it('reads over REST and GraphQL with the CA trusted, and refuses the server without it', async () => {
    const sim = await startSageX3Simulator({ seed: 3, size: 'tiny', tls: true });
    try {
      expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(sim.credentials.connectedApp.audience).toBe(`${sim.url}/xtrem/api`);
      const ca = sim.tls!.caCertificatePem;
      const rest = createX3Client({
        baseUrl: sim.url,
        endpoint: sim.endpoint,
        auth: basicAuth(sim.credentials.basic),
        transport: 'rest',
        tls: { ca },
      });
      const graphql = createX3Client({
        baseUrl: sim.url,
        endpoint: sim.endpoint,
        auth: connectedAppAuth(sim.credentials.connectedApp),
        transport: 'graphql',
        tls: { ca },
      });
      const keys = async (client: typeof rest) => {
        const out: string[] = [];
        for await (const change of client.changes('supplier')) out.push(String(change.key));
        return out;
      };
      const viaRest = await keys(rest);
      expect(viaRest.length).toBeGreaterThan(0);
      expect(await keys(graphql)).toEqual(viaRest);

      const untrusted = createX3Client({
        baseUrl: sim.url,
        endpoint: sim.endpoint,
        auth: basicAuth(sim.credentials.basic),
        transport: 'rest',
        retry: false,
      });
      const error = await keys(untrusted).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as { retryable?: boolean }).retryable).toBe(false);
    } finally {
      await sim.close();
    }
  }, 60_000);
});
