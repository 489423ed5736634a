import { TestClock } from '@mlc/core';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SageX3Simulator, startSageX3Simulator } from '../../src/index.js';
import { getJson, restUrl } from './helpers.js';

const START = '2024-03-01T12:00:00Z';

describe('Sage X3 simulator: authentication', () => {
  let sim: SageX3Simulator;
  let clock: TestClock;
  beforeAll(async () => {
    clock = new TestClock(START);
    sim = await startSageX3Simulator({
      seed: 5,
      size: 'tiny',
      clock,
      users: [{ user: 'WSUSER', password: 'planted-basic-pw-Q7' }],
      connectedApps: [{ clientId: 'app-1', secret: 'planted-app-secret-Z9', user: 'WSUSER' }],
      oauthClients: [
        { clientId: 'cloud-1', clientSecret: 'planted-client-secret-K3', redirectUri: 'https://app/cb' },
      ],
    });
  });
  afterAll(() => sim.close());

  const restWith = (authorization?: string) =>
    fetch(restUrl(sim, 'BPSUPPLIER'), { headers: authorization ? { authorization } : {} });
  const graphqlWith = (authorization: string, url = sim.graphqlUrl) =>
    fetch(url, {
      method: 'POST',
      headers: { authorization, 'x-xtrem-endpoint': sim.endpoint, 'content-type': 'application/json' },
      body: JSON.stringify({
        query: '{ x3MasterData { supplier { query(first: 1) { edges { node { _id } } } } } }',
      }),
    });
  const jwt = async (
    claims: { iss?: string; sub?: string; aud?: string; iat?: number; exp?: number },
    secret = 'planted-app-secret-Z9',
  ) => {
    const now = Math.floor(clock.now() / 1000);
    const app = sim.credentials.connectedApp;
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(claims.iss ?? app.clientId)
      .setSubject(claims.sub ?? app.user)
      .setAudience(claims.aud ?? app.audience)
      .setIssuedAt(claims.iat ?? now - 30)
      .setExpirationTime(claims.exp ?? now + 300)
      .sign(new TextEncoder().encode(secret));
  };

  it('checks Basic credentials on REST and challenges with the Syracuse realm', async () => {
    const good = `Basic ${Buffer.from('WSUSER:planted-basic-pw-Q7').toString('base64')}`;
    expect((await restWith(good)).status).toBe(200);
    const bad = await restWith(`Basic ${Buffer.from('WSUSER:wrong').toString('base64')}`);
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe('Basic realm="Syracuse"');
    expect(await bad.json()).toEqual({ message: 'Unauthorised' });
    expect((await restWith()).status).toBe(401);
    expect((await graphqlWith(good)).status).toBe(200); // Basic on GraphQL is allowed by default
  });

  it('validates connected-app JWTs: iss, sub, aud exactly, signature, exp and future iat (error 21)', async () => {
    expect(sim.credentials.connectedApp.audience).toBe(`${sim.url}/xtrem/api`);
    const now = Math.floor(clock.now() / 1000);
    const ok = await graphqlWith(`Bearer ${await jwt({})}`);
    expect(ok.status).toBe(200);
    const cases: Array<[Parameters<typeof jwt>[0], string | undefined, string]> = [
      [{ aud: `${sim.url}/xtrem/api/` }, undefined, 'Error 45: Invalid token'],
      [{ iss: 'someone-else' }, undefined, 'Error 41: Invalid token'],
      [{ sub: 'ADMIN' }, undefined, 'Error 42: Invalid token'],
      [{ iat: now + 60 }, undefined, 'Error 21: Invalid token'],
      [{ iat: now - 400, exp: now - 1 }, undefined, 'Error 50: Invalid token'],
      [{}, 'not-the-secret', 'Error 50: Invalid token'],
    ];
    for (const [claims, secret, text] of cases) {
      const res = await graphqlWith(`Bearer ${await jwt(claims, secret)}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('text/plain');
      expect(await res.text()).toBe(text);
    }
    // an iat slightly ahead (within the skew) is accepted
    expect((await graphqlWith(`Bearer ${await jwt({ iat: now + 5 })}`)).status).toBe(200);
    // connected-app JWTs are a GraphQL credential, not a REST one
    expect((await restWith(`Bearer ${await jwt({})}`)).status).toBe(401);
  });

  it('exchanges an authorization code, rotates refresh tokens and expires access tokens after 5 minutes', async () => {
    const o = sim.credentials.oauth;
    const token = async (body: Record<string, string>) => {
      const res = await fetch(o.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: o.clientId, client_secret: o.clientSecret, ...body }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const first = await token({
      grant_type: 'authorization_code',
      code: o.authorizationCode,
      redirect_uri: o.redirectUri,
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 300,
      refresh_token_expires_in: 30 * 86400,
    });
    const access = String(first.body.access_token);
    expect((await restWith(`Bearer ${access}`)).status).toBe(200);
    expect((await graphqlWith(`Bearer ${access}`)).status).toBe(200);
    expect((await graphqlWith(`Bearer ${access}`, `${sim.url}/v1/service/${sim.endpoint}/api`)).status).toBe(
      200,
    );

    // the code is single use
    const reuse = await token({
      grant_type: 'authorization_code',
      code: o.authorizationCode,
      redirect_uri: o.redirectUri,
    });
    expect(reuse).toEqual({ status: 403, body: { message: 'Pairing not found' } });

    await clock.advance(300_000);
    const expired = await restWith(`Bearer ${access}`);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ message: 'Unauthorised' });

    const rt1 = String(first.body.refresh_token);
    const second = await token({ grant_type: 'refresh_token', refresh_token: rt1 });
    expect(second.status).toBe(200);
    const rt2 = String(second.body.refresh_token);
    expect(rt2).not.toBe(rt1);
    expect(sim.control.refreshTokenState(rt1)).toBe('used');
    expect((await restWith(`Bearer ${String(second.body.access_token)}`)).status).toBe(200);
    // a used refresh token is dead
    expect(await token({ grant_type: 'refresh_token', refresh_token: rt1 })).toEqual({
      status: 403,
      body: { message: 'Pairing not found' },
    });
    // the rotated refresh token keeps the pairing's 30-day expiry
    expect(second.body.refresh_token_expires_in).toBe(30 * 86400 - 300);

    // revocation kills the access token and the refresh token
    sim.control.revokeRefreshToken(rt2);
    expect((await restWith(`Bearer ${String(second.body.access_token)}`)).status).toBe(401);
    expect((await token({ grant_type: 'refresh_token', refresh_token: rt2 })).status).toBe(403);
  });

  it('expires refresh tokens after 30 days and answers the documented error bodies', async () => {
    const o = sim.credentials.oauth;
    const post = async (body: Record<string, string>) => {
      const res = await fetch(o.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
      });
      return { status: res.status, body: await res.json() };
    };
    const minted = sim.control.mintRefreshToken();
    const base = { client_id: o.clientId, client_secret: o.clientSecret };
    expect(await post({ ...base, grant_type: 'password' })).toEqual({
      status: 400,
      body: { message: 'Invalid grant type' },
    });
    expect(await post({ grant_type: 'refresh_token' })).toEqual({
      status: 400,
      body: { message: 'Missing required request parameters' },
    });
    expect(
      await post({
        ...base,
        client_id: 'nope',
        grant_type: 'refresh_token',
        refresh_token: minted.refreshToken,
      }),
    ).toEqual({
      status: 404,
      body: { message: 'Unknown client_id' },
    });
    expect(
      (
        await post({
          ...base,
          client_secret: 'wrong',
          grant_type: 'refresh_token',
          refresh_token: minted.refreshToken,
        })
      ).status,
    ).toBe(401);
    await clock.advance(30 * 86400 * 1000 + 1000);
    expect(await post({ ...base, grant_type: 'refresh_token', refresh_token: minted.refreshToken })).toEqual({
      status: 403,
      body: { message: 'Request expired' },
    });
  });

  it('revokes every token mid-run when the revocation fault fires', async () => {
    const o = sim.credentials.oauth;
    const minted = sim.control.mintRefreshToken();
    const res = await fetch(o.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: o.clientId,
        client_secret: o.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: minted.refreshToken,
      }),
    });
    const body = (await res.json()) as { access_token: string; refresh_token: string };
    sim.control.setFaults({ revokeTokensAfterRequests: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await restWith(`Bearer ${body.access_token}`)).status);
    expect(statuses).toEqual([200, 200, 401, 401]);
    expect(sim.control.refreshTokenState(body.refresh_token)).toBe('revoked');
    sim.control.clearFaults();
  });

  it('keeps planted secrets out of the request log', async () => {
    const log = JSON.stringify(sim.control.requestLog());
    expect(log.length).toBeGreaterThan(100);
    for (const secret of ['planted-basic-pw-Q7', 'planted-app-secret-Z9', 'planted-client-secret-K3']) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toContain('Bearer');
    expect(sim.control.requestLog().some((e) => e.auth === 'jwt' && e.status === 200)).toBe(true);
    expect((await getJson(sim, `${sim.url}/__sim/requests`)).status).toBe(200);
  });

  it("sends the simulator clock's time as the Date header, on success and on refusal", async () => {
    const ok = await restWith(`Basic ${btoa('WSUSER:planted-basic-pw-Q7')}`);
    expect(ok.status).toBe(200);
    expect(Date.parse(ok.headers.get('date') ?? '')).toBe(clock.now() - (clock.now() % 1000));
    const refused = await restWith('Basic bm9ib2R5Om5vcGU=');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('date')).toBe(new Date(clock.now()).toUTCString());
  });
});
