import { TestClock } from '@mlc/core';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { connectedAppAuth, signConnectedAppJwt } from '../../src/index.js';

const options = {
  clientId: 'client-123',
  secret: 'connected-app-secret-planted-XYZ',
  user: 'APIUSER',
  audience: 'https://x3.example.com:8124/xtrem/api',
};

describe('connected-app JWT', () => {
  it('signs HS256 with exact iss/sub/aud, back-dated iat and short exp', async () => {
    const clock = new TestClock('2024-05-01T12:00:00Z');
    const { token, expiresAt } = await signConnectedAppJwt(options, clock);
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    const { payload } = await jwtVerify(token, new TextEncoder().encode(options.secret), {
      currentDate: new Date(clock.now()),
    });
    const now = clock.now() / 1000;
    expect(payload).toMatchObject({ iss: 'client-123', sub: 'APIUSER', aud: options.audience });
    expect(payload.iat).toBe(now - 30);
    expect(payload.exp).toBe(now - 30 + 300);
    expect(expiresAt).toBe((now + 270) * 1000);
  });

  it('caches the token and mints a new one when it nears expiry', async () => {
    const clock = new TestClock('2024-05-01T12:00:00Z');
    const runtime = connectedAppAuth({ ...options, lifetimeSeconds: 120, iatBackdateSeconds: 10 }).start({
      clock,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    const ctx = { url: new URL('https://x'), method: 'POST' as const, forceRefresh: false };
    const a = (await runtime.provider.getHeaders(ctx)).authorization;
    expect((await runtime.provider.getHeaders(ctx)).authorization).toBe(a);
    // 4 s before the token's expiry (iat backdated 10 s, lifetime 120 s): inside core's must-refresh window, so
    // the caller waits for a new token (earlier in the margin the old one is used while a new one is minted).
    await clock.advance(106_000);
    const b = (await runtime.provider.getHeaders(ctx)).authorization;
    expect(b).not.toBe(a);
    expect(decodeJwt(b!.slice(7)).iat).toBe(Math.floor(clock.now() / 1000) - 10);
    expect(runtime.knownSecrets()).toContain(options.secret);
  });

  it('explains X3 error numbers without echoing the token or secret', () => {
    const runtime = connectedAppAuth(options).start({
      clock: new TestClock(),
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    const error = runtime.describeRejection({
      status: 401,
      headers: new Headers(),
      text: 'Error 45: Invalid token',
      method: 'POST',
      url: 'https://x3.example.com:8124/xtrem/api',
      kind: 'auth',
      outcome: 'not-applied',
    });
    expect(error).toMatchObject({
      name: 'X3AuthError',
      code: 'X3_JWT_REJECTED',
      x3ErrorNumber: 45,
      status: 401,
    });
    expect(error?.message).toMatch(/audience/);
    expect(JSON.stringify(error)).not.toContain(options.secret);
  });
});
