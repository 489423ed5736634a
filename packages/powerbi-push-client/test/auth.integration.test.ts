import { inspect } from 'node:util';
import {
  type PowerBISimulator,
  TEST_CERTIFICATE_PEM,
  TEST_PRIVATE_KEY_PEM,
  startPowerBISimulator,
} from '@mlc/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PowerBIAuthError,
  PowerBIHttpError,
  type TokenCredential,
  clientCertificateCredential,
  clientSecretCredential,
  createPowerBIClient,
} from '../src/index.js';
import { version } from '../package.json';
import { IoDriver } from './helpers/io-driver.js';
import { capturingLogger, orderRows, ordersSchema } from './helpers/simulated-client.js';

let sim: PowerBISimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const PLANTED_SECRET = 'planted~Secret.Value_0123456789abcdefXYZ';
const KEY_LINE = TEST_PRIVATE_KEY_PEM.split('\n')[3]!;

async function start(options: Parameters<typeof startPowerBISimulator>[0] = {}) {
  const driver = new IoDriver();
  sim = await startPowerBISimulator({ clock: driver.serverClock, ...options });
  const { logger, lines } = capturingLogger();
  const clientFor = (credential: TokenCredential) =>
    createPowerBIClient({
      credential,
      groupId: sim!.groupId,
      apiBase: sim!.url,
      authorityHost: sim!.authorityHost,
      clock: driver.clientClock,
      fetch: driver.fetch,
      logger,
      retry: { maxAttempts: 2, baseDelayMs: 10 },
    });
  return { sim, driver, clientFor, lines };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

/** Every way an error or log line could be rendered. */
function renderings(error: unknown, lines: string[]): string {
  return [
    String(error),
    inspect(error, { depth: 10 }),
    JSON.stringify(error),
    (error as Error).stack ?? '',
    ...lines,
  ].join('\n');
}

describe('authentication against the simulated Entra ID', () => {
  it('works with a client secret, a certificate assertion and any TokenCredential', async () => {
    const { sim: s, driver, clientFor } = await start();
    const secret = clientFor(
      clientSecretCredential({ tenantId: s.tenantId, clientId: s.clientId, clientSecret: s.clientSecret! }),
    );
    const created = await driver.run(secret.ensureDataset(ordersSchema));
    expect(created.created).toBe(true);

    const certificate = clientFor(
      clientCertificateCredential({
        tenantId: s.tenantId,
        clientId: s.clientId,
        certificate: TEST_CERTIFICATE_PEM,
        privateKey: TEST_PRIVATE_KEY_PEM,
      }),
    );
    const found = await driver.run(certificate.ensureDataset(ordersSchema));
    expect(found).toMatchObject({ created: false, datasetId: created.datasetId });
    // Every request, Entra token requests included, names the package, its version and Node.js.
    const [major, minor] = process.versions.node.split('.');
    const requests = s.control.requests();
    expect(requests.some((r) => r.route === 'token')).toBe(true);
    for (const request of requests)
      expect(request.userAgent).toBe(`mlc-powerbi-push-client/${version} node/${major}.${minor}`);

    // The older RS256 + SHA-1 x5t assertion, and the secret sent as HTTP Basic auth: both documented forms.
    const rs256 = clientFor(
      clientCertificateCredential({
        tenantId: s.tenantId,
        clientId: s.clientId,
        certificate: TEST_CERTIFICATE_PEM + TEST_PRIVATE_KEY_PEM,
        algorithm: 'RS256',
      }),
    );
    expect((await driver.run(rs256.listDatasets())).map((d) => d.id)).toEqual([created.datasetId]);
    const basic = clientFor(
      clientSecretCredential({
        tenantId: s.tenantId,
        clientId: s.clientId,
        clientSecret: s.clientSecret!,
        useBasicAuth: true,
      }),
    );
    expect((await driver.run(basic.listDatasets())).map((d) => d.id)).toEqual([created.datasetId]);

    // The @azure/identity shape: a token and its expiry, from anywhere (here: the built-in secret flow).
    const inner = clientSecretCredential({
      tenantId: s.tenantId,
      clientId: s.clientId,
      clientSecret: s.clientSecret!,
      authorityHost: s.authorityHost,
      fetch: driver.fetch,
      clock: driver.clientClock,
    });
    const scopes: Array<string | string[]> = [];
    const custom: TokenCredential = {
      async getToken(scope) {
        scopes.push(scope);
        return inner.getToken(scope);
      },
    };
    const viaCustom = clientFor(custom).table(created.datasetId, 'Orders', { schema: ordersSchema });
    expect((await driver.run(viaCustom.append(orderRows(10)))).outcome).toBe('applied');
    expect(scopes).toEqual([s.scope]);
  });

  it('maps a wrong secret to AADSTS7000215 with trace/correlation ids and a hint, never showing the secret', async () => {
    const { sim: s, driver, clientFor, lines } = await start();
    const client = clientFor(
      clientSecretCredential({ tenantId: s.tenantId, clientId: s.clientId, clientSecret: PLANTED_SECRET }),
    );
    const error = await failure(driver.run(client.ensureDataset(ordersSchema)));
    expect(error).toBeInstanceOf(PowerBIAuthError);
    const auth = error as PowerBIAuthError;
    expect(auth).toMatchObject({
      code: 'PBI_AUTH_FAILED',
      kind: 'auth',
      status: 401,
      oauthError: 'invalid_client',
      aadstsCode: 7000215,
    });
    expect(auth.traceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(auth.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(auth.hint).toMatch(/secret VALUE/);
    expect(auth.message).toContain('Hint:');
    expect(renderings(error, lines)).not.toContain(PLANTED_SECRET);
    // Not retried: a wrong secret does not get better.
    expect(s.control.requests({ route: 'token' })).toHaveLength(1);
  });

  it('maps an unknown application to AADSTS700016 with a hint', async () => {
    const { sim: s, driver, clientFor, lines } = await start();
    const client = clientFor(
      clientSecretCredential({
        tenantId: s.tenantId,
        clientId: '00000000-1111-2222-3333-444444444444',
        clientSecret: PLANTED_SECRET,
      }),
    );
    const error = (await failure(driver.run(client.ensureDataset(ordersSchema)))) as PowerBIAuthError;
    expect(error).toBeInstanceOf(PowerBIAuthError);
    expect(error.aadstsCode).toBe(700016);
    expect(error.hint).toMatch(/client \(application\) ID and the tenant ID/);
    expect(renderings(error, lines)).not.toContain(PLANTED_SECRET);
  });

  it('maps a certificate the app does not know to an auth error, never showing the private key', async () => {
    const { sim: s, driver, clientFor, lines } = await start({ tenants: [{ apps: [{ certificates: [] }] }] });
    const client = clientFor(
      clientCertificateCredential({
        tenantId: s.tenantId,
        clientId: s.clientId,
        certificate: TEST_CERTIFICATE_PEM,
        privateKey: TEST_PRIVATE_KEY_PEM,
      }),
    );
    const error = (await failure(driver.run(client.ensureDataset(ordersSchema)))) as PowerBIAuthError;
    expect(error).toBeInstanceOf(PowerBIAuthError);
    expect(error.aadstsCode).toBeDefined();
    expect(error.hint).toBeDefined();
    const text = renderings(error, lines);
    expect(text).not.toContain(KEY_LINE);
    expect(text).not.toContain('PRIVATE KEY');
  });

  it('explains a service principal that is not a member of the workspace', async () => {
    const { sim: s, driver, clientFor, lines } = await start();
    s.control.removeMember(s.groupId, s.clientId);
    const client = clientFor(
      clientSecretCredential({ tenantId: s.tenantId, clientId: s.clientId, clientSecret: s.clientSecret! }),
    );
    const error = (await failure(driver.run(client.ensureDataset(ordersSchema)))) as PowerBIHttpError;
    expect(error).toBeInstanceOf(PowerBIHttpError);
    expect([401, 403, 404]).toContain(error.status);
    expect(error.serviceCode).toBeDefined();
    expect(error.requestId).toBeDefined();
    expect(error.hint).toMatch(/member/i);
    expect(error.kind === 'auth' || error.kind === 'client').toBe(true);
    expect(renderings(error, lines)).not.toContain(s.clientSecret!);
  });

  it('keeps bearer tokens and secrets out of debug logs of a successful run', async () => {
    const {
      sim: s,
      driver,
      clientFor,
      lines,
    } = await start({ tenants: [{ apps: [{ clientSecret: PLANTED_SECRET }] }] });
    const client = clientFor(
      clientSecretCredential({ tenantId: s.tenantId, clientId: s.clientId, clientSecret: PLANTED_SECRET }),
    );
    const dataset = await driver.run(client.ensureDataset(ordersSchema));
    await driver.run(dataset.table('Orders').append(orderRows(5), { batchId: 'b' }));
    expect(lines.length).toBeGreaterThan(0);
    const text = lines.join('\n');
    expect(text).not.toContain(PLANTED_SECRET);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}\./);
    expect(inspect(client, { depth: 10 })).not.toContain(PLANTED_SECRET);
  });
});
