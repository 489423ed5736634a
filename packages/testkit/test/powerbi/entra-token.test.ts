import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PowerBISimulator, TestClock, startPowerBISimulator } from './imports.js';
import { pbi, tokenRequest } from './helpers.js';

const PLANTED_SECRET = 'planted-Secret~0123456789abcdefXYZ';

describe('Entra ID token endpoint', () => {
  let sim: PowerBISimulator;
  const clock = new TestClock('2025-03-01T10:00:00Z');
  beforeAll(async () => {
    sim = await startPowerBISimulator({
      clock,
      tenants: [
        {
          tenantId: '11111111-2222-4333-8444-555555555555',
          domains: ['contoso.onmicrosoft.com'],
          apps: [
            { clientId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', clientSecret: PLANTED_SECRET },
            {
              clientId: 'aaaaaaaa-bbbb-4ccc-8ddd-000000000002',
              clientSecret: 'old',
              clientSecretExpiresAt: Date.parse('2025-01-01T00:00:00Z'),
            },
          ],
        },
      ],
    });
  });
  afterAll(() => sim.close());

  const form = (extra: Record<string, string> = {}) => ({
    grant_type: 'client_credentials',
    client_id: sim.clientId,
    client_secret: PLANTED_SECRET,
    scope: 'https://analysis.windows.net/powerbi/api/.default',
    ...extra,
  });

  it('issues a bearer token for a client secret sent in the form', async () => {
    const res = await tokenRequest(sim, form());
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      token_type: 'Bearer',
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: expect.stringMatching(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/),
    });
  });

  it('accepts the secret through HTTP Basic and the tenant by verified domain', async () => {
    const basic = Buffer.from(`${sim.clientId}:${encodeURIComponent(PLANTED_SECRET)}`).toString('base64');
    const res = await tokenRequest(
      sim,
      { grant_type: 'client_credentials', scope: sim.scope },
      { tenant: 'contoso.onmicrosoft.com', headers: { authorization: `Basic ${basic}` } },
    );
    expect(res.status).toBe(200);
  });

  it('answers a wrong secret with 401 invalid_client AADSTS7000215 and the full error shape', async () => {
    const res = await tokenRequest(sim, form({ client_secret: 'wrong' }), {
      headers: { 'client-request-id': 'c0ffee00-0000-4000-8000-000000000001' },
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      error: 'invalid_client',
      error_description: expect.stringMatching(
        /^AADSTS7000215: Invalid client secret provided\..* Trace ID: [0-9a-f-]{36}\r\nCorrelation ID: c0ffee00-0000-4000-8000-000000000001\r\nTimestamp: 2025-03-01 10:00:00\.000Z$/,
      ),
      error_codes: [7000215],
      timestamp: '2025-03-01 10:00:00Z',
      trace_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      correlation_id: 'c0ffee00-0000-4000-8000-000000000001',
      error_uri: 'https://login.microsoftonline.com/error?code=7000215',
    });
    expect(JSON.stringify(body)).not.toContain('wrong');
  });

  it.each([
    [
      'unknown app',
      { client_id: '99999999-9999-4999-8999-999999999999' },
      undefined,
      400,
      'unauthorized_client',
      700016,
    ],
    [
      'bad scope',
      { scope: 'https://analysis.windows.net/powerbi/api/Dataset.ReadWrite.All' },
      undefined,
      400,
      'invalid_scope',
      70011,
    ],
    [
      'mixed resources',
      {
        scope: `${'https://analysis.windows.net/powerbi/api/.default'} https://graph.microsoft.com/.default`,
      },
      undefined,
      400,
      'invalid_scope',
      700022,
    ],
    ['unknown tenant', {}, '00000000-0000-4000-8000-000000000000', 400, 'invalid_tenant', 90002],
    ['malformed tenant', {}, 'not a tenant!', 400, 'invalid_request', 900023],
    ['/common', {}, 'common', 400, 'invalid_request', 9001023],
    [
      'resource parameter',
      { resource: 'https://analysis.windows.net/powerbi/api' },
      undefined,
      400,
      'invalid_request',
      901002,
    ],
    ['wrong grant', { grant_type: 'password' }, undefined, 400, 'unsupported_grant_type', 70003],
  ] as const)('%s → %i %s AADSTS%i', async (_name, extra, tenant, status, error, code) => {
    const res = await tokenRequest(sim, form(extra), {
      tenant: tenant ? encodeURIComponent(tenant) : undefined,
    });
    expect(res.status).toBe(status);
    const body = (await res.json()) as {
      error: string;
      error_codes: number[];
      trace_id: string;
      correlation_id: string;
    };
    expect(body.error).toBe(error);
    expect(body.error_codes).toEqual([code]);
    expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a request without secret or assertion (AADSTS7000218) and an expired secret (7000222)', async () => {
    const { client_secret: _omit, ...noSecret } = form();
    const a = await tokenRequest(sim, noSecret);
    expect(a.status).toBe(401);
    expect(((await a.json()) as { error_codes: number[] }).error_codes).toEqual([7000218]);
    const b = await tokenRequest(
      sim,
      form({ client_id: 'aaaaaaaa-bbbb-4ccc-8ddd-000000000002', client_secret: 'old' }),
    );
    expect(b.status).toBe(401);
    expect(((await b.json()) as { error_codes: number[] }).error_codes).toEqual([7000222]);
  });

  it('never writes the planted secret into the request log', async () => {
    await tokenRequest(sim, form());
    await tokenRequest(sim, form({ client_secret: `${PLANTED_SECRET}x` }));
    const log = JSON.stringify(sim.control.requests());
    expect(log).not.toContain(PLANTED_SECRET);
    expect(sim.control.requests({ route: 'token' }).at(-1)).toMatchObject({
      status: 401,
      errorCode: 'AADSTS7000215',
    });
  });

  it('an expired token gets Power BI 403 TokenExpired; a token for another resource gets 401', async () => {
    const res = await tokenRequest(sim, form());
    const { access_token: token } = (await res.json()) as { access_token: string };
    const api = pbi(sim, token);
    expect((await api.call('GET', '/datasets')).status).toBe(200);
    await clock.advance(3599 * 1000);
    const expired = await api.call('GET', '/datasets');
    expect(expired.status).toBe(403);
    expect(await expired.json()).toEqual({
      error: { code: 'TokenExpired', message: 'Access token has expired, resubmit with a new access token' },
    });
    const graph = await tokenRequest(sim, form({ scope: 'https://graph.microsoft.com/.default' }));
    const graphToken = ((await graph.json()) as { access_token: string }).access_token;
    const wrongAud = await pbi(sim, graphToken).call('GET', '/datasets');
    expect(wrongAud.status).toBe(401);
    expect(((await wrongAud.json()) as { error: { code: string } }).error.code).toBe(
      'PowerBINotAuthorizedException',
    );
  });
});

describe('client assertion (certificate) authentication', () => {
  let sim: PowerBISimulator;
  const clock = new TestClock('2025-03-01T10:00:00Z');
  beforeAll(async () => {
    sim = await startPowerBISimulator({ clock });
  });
  afterAll(() => sim.close());

  async function assertion(
    opts: {
      alg?: 'PS256' | 'RS256';
      aud?: string;
      iss?: string;
      expSeconds?: number;
      header?: Record<string, string>;
    } = {},
  ): Promise<string> {
    const cert = sim.certificate;
    if (!cert) throw new Error('no certificate');
    const alg = opts.alg ?? 'PS256';
    const key = await importPKCS8(cert.privateKeyPem, alg);
    const now = Math.floor(clock.now() / 1000);
    const header =
      opts.header ??
      (alg === 'PS256' ? { 'x5t#S256': cert.thumbprints.x5tS256 } : { x5t: cert.thumbprints.x5t });
    return new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg, typ: 'JWT', ...header })
      .setAudience(opts.aud ?? `${sim.authorityHost}/${sim.tenantId}/oauth2/v2.0/token`)
      .setIssuer(opts.iss ?? sim.clientId)
      .setSubject(opts.iss ?? sim.clientId)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + (opts.expSeconds ?? 600))
      .sign(key);
  }

  const assertionForm = (jwt: string) => ({
    grant_type: 'client_credentials',
    client_id: sim.clientId,
    scope: sim.scope,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: jwt,
  });

  it('exposes the test certificate with matching thumbprints', () => {
    const cert = sim.certificate;
    expect(cert).toBeDefined();
    const der = Buffer.from(
      (cert?.certificatePem ?? '').replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''),
      'base64',
    );
    expect(cert?.thumbprints.x5tS256).toBe(createHash('sha256').update(der).digest('base64url'));
    expect(cert?.thumbprints.x5t).toBe(createHash('sha1').update(der).digest('base64url'));
  });

  it('accepts PS256 with x5t#S256 and RS256 with x5t', async () => {
    expect((await tokenRequest(sim, assertionForm(await assertion()))).status).toBe(200);
    expect((await tokenRequest(sim, assertionForm(await assertion({ alg: 'RS256' })))).status).toBe(200);
    const publicAud = await assertion({
      aud: `https://login.microsoftonline.com/${sim.tenantId}/oauth2/v2.0/token`,
    });
    expect((await tokenRequest(sim, assertionForm(publicAud))).status).toBe(200);
  });

  it('refuses a bad signature, an unknown thumbprint, a wrong audience/issuer and an expired assertion', async () => {
    const good = await assertion();
    const [h, p, s] = good.split('.');
    const tampered = `${h}.${p}.${(s ?? '').slice(0, -4)}AAAA`;
    const cases: Array<[string, number]> = [
      [tampered, 700027],
      [await assertion({ header: { 'x5t#S256': 'bm90LXJlZ2lzdGVyZWQ' } }), 700027],
      [await assertion({ aud: 'https://example.com/token' }), 50012],
      [await assertion({ expSeconds: 60 }), 0],
    ];
    for (const [jwt, code] of cases.slice(0, 3)) {
      const res = await tokenRequest(sim, assertionForm(jwt));
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: string; error_codes: number[] };
      expect(body.error).toBe('invalid_client');
      expect(body.error_codes).toEqual([code]);
    }
    const shortLived = cases[3]?.[0] ?? '';
    await clock.advance(60_000 + 301_000); // past exp plus the 5-minute skew allowance
    const expired = await tokenRequest(sim, assertionForm(shortLived));
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error_codes: number[] }).error_codes).toEqual([700024]);
  });

  it('refuses an assertion whose iss/sub is another client', async () => {
    const res = await tokenRequest(
      sim,
      assertionForm(await assertion({ iss: '12345678-1234-4234-8234-123456789012' })),
    );
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error_codes: number[] }).error_codes).toEqual([50012]);
  });
});
