import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import { createTlsFetch } from '@mlc/core';
import { type PowerBISimulator, startPowerBISimulator } from '@mlc/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PowerBIClient, type TokenCredential, createPowerBIClient } from '../src/index.js';
import { orderRows, ordersSchema } from './helpers/simulated-client.js';

// A real Entra client, not written here: @azure/identity (4.13.x, the last line for Node 20) refuses an http:
// authority, discovers the token endpoint from `{authorityHost}/{tenant}/v2.0/.well-known/openid-configuration`,
// and signs certificate assertions itself (aud = the discovered token endpoint). The simulator serves HTTPS with a
// generated CA, and every URL it writes derives from its public origin.
describe('@azure/identity credentials against the Entra simulator over HTTPS', () => {
  let sim: PowerBISimulator;
  beforeAll(async () => {
    sim = await startPowerBISimulator({ tls: true });
  }, 60_000);
  afterAll(() => sim?.close());

  const common = () => ({
    authorityHost: sim.authorityHost,
    // Trust the simulator's generated CA (a real deployment trusts the public PKI, or sets NODE_EXTRA_CA_CERTS).
    tlsOptions: { ca: sim.tls!.caCertificatePem },
    // No public-cloud instance discovery call: the simulator is the authority.
    disableInstanceDiscovery: true,
  });

  async function appendAndVerify(client: PowerBIClient, batchId: string) {
    const dataset = await client.ensureDataset(ordersSchema);
    const orders = dataset.table('Orders');
    const result = await orders.append(orderRows(40, batchId.length * 1000), { batchId });
    expect(result.outcome).toBe('applied');
    expect(await orders.countWhere('_batch', batchId)).toBe(40);
  }

  // An @azure/identity credential is a TokenCredential as this package declares it (getToken → token + expiry).
  const clientWith = (credential: TokenCredential) =>
    createPowerBIClient({
      credential,
      groupId: sim.groupId,
      apiBase: sim.url,
      fetch: createTlsFetch({ ca: sim.tls!.caCertificatePem }),
      onDuplicateDataset: 'first',
    });

  it('serves https URLs: discovery issuer and token_endpoint derive from the public origin', async () => {
    expect(sim.authorityHost).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const fetch = createTlsFetch({ ca: sim.tls!.caCertificatePem });
    const doc = (await (
      await fetch(`${sim.authorityHost}/${sim.tenantId}/v2.0/.well-known/openid-configuration`)
    ).json()) as { issuer: string; token_endpoint: string };
    expect(doc.token_endpoint).toBe(`${sim.authorityHost}/${sim.tenantId}/oauth2/v2.0/token`);
    expect(doc.issuer).toBe(`${sim.authorityHost}/${sim.tenantId}/v2.0`);
  });

  it('ClientSecretCredential gets a token, and the client appends and verifies with it', async () => {
    const credential = new ClientSecretCredential(sim.tenantId, sim.clientId, sim.clientSecret!, common());
    const token = await credential.getToken(sim.scope);
    expect(token.token).toBeTruthy();
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
    await appendAndVerify(clientWith(credential), 'secret-batch');
  }, 60_000);

  it('ClientCertificateCredential gets a token (assertion aud = the https token endpoint), and the client appends and verifies', async () => {
    const credential = new ClientCertificateCredential(
      sim.tenantId,
      sim.clientId,
      { certificate: `${sim.certificate!.privateKeyPem}\n${sim.certificate!.certificatePem}` },
      common(),
    );
    const token = await credential.getToken(sim.scope);
    expect(token.token).toBeTruthy();
    await appendAndVerify(clientWith(credential), 'certificate-batch');
    const tokens = sim.control.requests({ route: 'token' }).filter((entry) => entry.status === 200);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('a wrong secret is refused with the real AADSTS shape, which @azure/identity surfaces', async () => {
    const credential = new ClientSecretCredential(
      sim.tenantId,
      sim.clientId,
      'not-the-secret-planted',
      common(),
    );
    const error = await credential.getToken(sim.scope).catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/AADSTS7000215/);
  }, 60_000);
});
