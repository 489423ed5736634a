import { TestClock, silentLogger } from '@mlc/core';
import { describe, expect, it } from 'vitest';
import {
  MemoryTokenStore,
  type StoredRefreshToken,
  X3AuthError,
  oauth2RefreshTokenAuth,
} from '../../src/index.js';

const CLIENT_SECRET = 'planted-client-secret-0001';

/** A tiny token endpoint: rotates refresh tokens, a used one is dead. */
function fakeGateway(clock: TestClock) {
  let n = 0;
  const live = new Set(['rt-initial-planted']);
  const events: string[] = [];
  const fetch = async (input: string | URL | Request): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input);
    const body = (await request.json()) as Record<string, string>;
    events.push(`POST ${body.grant_type}`);
    if (body.client_secret !== CLIENT_SECRET)
      return Response.json({ message: 'Invalid client' }, { status: 401 });
    if (!live.has(body.refresh_token ?? '')) {
      return Response.json({ message: 'Refresh token not found' }, { status: 403 });
    }
    live.delete(body.refresh_token ?? '');
    n++;
    const refresh = `rt-${n}-planted`;
    live.add(refresh);
    return Response.json({
      access_token: `at-${n}-planted`,
      refresh_token: refresh,
      expires_in: 300,
      refresh_token_expires_in: 30 * 86400 - n * 3600 * 24 * 4,
    });
  };
  return { fetch: fetch as typeof globalThis.fetch, events, live, clock };
}

const ctx = { url: new URL('https://gw/x'), method: 'POST' as const, forceRefresh: false };

describe('oauth2RefreshTokenAuth', () => {
  it('persists each rotated refresh token before the access token is used', async () => {
    const clock = new TestClock('2024-05-01T00:00:00Z');
    const gw = fakeGateway(clock);
    const saved: StoredRefreshToken[] = [];
    const store = {
      load: async () => undefined,
      save: async (t: StoredRefreshToken) => {
        gw.events.push(`save ${t.refreshToken}`);
        saved.push(t);
      },
    };
    const runtime = oauth2RefreshTokenAuth({
      tokenUrl: 'https://gw.example.com/v1/token',
      clientId: 'cid',
      clientSecret: CLIENT_SECRET,
      refreshToken: 'rt-initial-planted',
      tokenStore: store,
    }).start({ clock, logger: silentLogger, fetch: gw.fetch });
    const headers = await runtime.provider.getHeaders(ctx);
    gw.events.push(`use ${headers.authorization}`);
    expect(gw.events).toEqual(['POST refresh_token', 'save rt-1-planted', 'use Bearer at-1-planted']);
    expect(saved[0]?.expiresAt).toBe(clock.now() + (30 * 86400 - 4 * 86400) * 1000);
    expect(runtime.knownSecrets()).toEqual(
      expect.arrayContaining([CLIENT_SECRET, 'rt-1-planted', 'at-1-planted']),
    );
  });

  it('prefers the stored (rotated) token over the configured one', async () => {
    const clock = new TestClock('2024-05-01T00:00:00Z');
    const gw = fakeGateway(clock);
    gw.live.add('rt-stored');
    const store = new MemoryTokenStore({
      refreshToken: 'rt-stored',
      expiresAt: clock.now() + 86400_000 * 20,
    });
    const runtime = oauth2RefreshTokenAuth({
      tokenUrl: 'https://gw.example.com/v1/token',
      clientId: 'cid',
      clientSecret: CLIENT_SECRET,
      refreshToken: 'rt-initial-planted',
      tokenStore: store,
    }).start({ clock, logger: silentLogger, fetch: gw.fetch });
    await runtime.provider.getHeaders(ctx);
    expect(gw.live.has('rt-stored')).toBe(false);
    expect(gw.live.has('rt-initial-planted')).toBe(true);
    expect((await store.load())?.refreshToken).toBe('rt-1-planted');
  });

  it('does not use the new access token when saving fails, and says why', async () => {
    const clock = new TestClock('2024-05-01T00:00:00Z');
    const gw = fakeGateway(clock);
    const runtime = oauth2RefreshTokenAuth({
      tokenUrl: 'https://gw.example.com/v1/token',
      clientId: 'cid',
      clientSecret: CLIENT_SECRET,
      refreshToken: 'rt-initial-planted',
      tokenStore: {
        load: async () => undefined,
        save: async (t) => {
          throw new Error(`disk full while writing ${t.refreshToken}`);
        },
      },
    }).start({ clock, logger: silentLogger, fetch: gw.fetch });
    const error = await runtime.provider.getHeaders(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X3AuthError);
    expect((error as X3AuthError).code).toBe('X3_TOKEN_STORE_FAILED');
    const text = JSON.stringify((error as X3AuthError).toJSON());
    expect(text).not.toContain('rt-1-planted');
    expect(text).not.toContain('at-1-planted');
  });

  it('a save that failed leaves the store a token behind: the next refresh uses the live one in memory', async () => {
    const clock = new TestClock('2024-05-01T00:00:00Z');
    const gw = fakeGateway(clock);
    const store = new MemoryTokenStore({
      refreshToken: 'rt-initial-planted',
      expiresAt: clock.now() + 86400_000 * 20,
    });
    let saves = 0;
    const runtime = oauth2RefreshTokenAuth({
      tokenUrl: 'https://gw.example.com/v1/token',
      clientId: 'cid',
      clientSecret: CLIENT_SECRET,
      tokenStore: {
        load: () => store.load(),
        save: async (t) => {
          if (++saves === 1) throw new Error('disk full');
          await store.save(t);
        },
      },
    }).start({ clock, logger: silentLogger, fetch: gw.fetch });
    const failed = await runtime.provider.getHeaders(ctx).catch((e: unknown) => e);
    expect((failed as X3AuthError).code).toBe('X3_TOKEN_STORE_FAILED');
    // The store still holds rt-initial (dead now); this session holds rt-1 (live).
    const headers = await runtime.provider.getHeaders(ctx);
    expect(headers.authorization).toBe('Bearer at-2-planted');
    expect((await store.load())?.refreshToken).toBe('rt-2-planted');
  });

  it('a store that cannot be read after the first refresh: a warning, and the token in memory', async () => {
    const clock = new TestClock('2024-05-01T00:00:00Z');
    const gw = fakeGateway(clock);
    const store = new MemoryTokenStore();
    let readable = true;
    const warnings: string[] = [];
    const logger = {
      ...silentLogger,
      warn: (_fields: unknown, message?: string) => warnings.push(message ?? ''),
    };
    const runtime = oauth2RefreshTokenAuth({
      tokenUrl: 'https://gw.example.com/v1/token',
      clientId: 'cid',
      clientSecret: CLIENT_SECRET,
      refreshToken: 'rt-initial-planted',
      tokenStore: {
        load: async () => {
          if (!readable) throw new Error('store offline');
          return store.load();
        },
        save: (t) => store.save(t),
      },
    }).start({ clock, logger, fetch: gw.fetch });
    expect((await runtime.provider.getHeaders(ctx)).authorization).toBe('Bearer at-1-planted');
    readable = false;
    await clock.advance(6 * 60_000);
    expect((await runtime.provider.getHeaders(ctx)).authorization).toBe('Bearer at-2-planted');
    expect(warnings.some((w) => w.includes('Reading the Sage X3 token store failed'))).toBe(true);
  });

  it('turns a dead refresh token into a clear typed error', async () => {
    const clock = new TestClock('2024-05-01T00:00:00Z');
    const gw = fakeGateway(clock);
    gw.live.clear();
    const runtime = oauth2RefreshTokenAuth({
      tokenUrl: 'https://gw.example.com/v1/token',
      clientId: 'cid',
      clientSecret: CLIENT_SECRET,
      refreshToken: 'rt-initial-planted',
    }).start({ clock, logger: silentLogger, fetch: gw.fetch });
    const error = (await runtime.provider.getHeaders(ctx).catch((e: unknown) => e)) as X3AuthError;
    expect(error).toBeInstanceOf(X3AuthError);
    expect(error.code).toBe('X3_REFRESH_TOKEN_INVALID');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/pairing/);
    expect(JSON.stringify(error.toJSON())).not.toContain('rt-initial-planted');
    expect(JSON.stringify(error.toJSON())).not.toContain(CLIENT_SECRET);
  });

  it('warns once per refresh token that expires within the window', async () => {
    const clock = new TestClock('2024-05-01T00:00:00Z');
    const gw = fakeGateway(clock);
    const warnings: number[] = [];
    const logged: unknown[] = [];
    const runtime = oauth2RefreshTokenAuth({
      tokenUrl: 'https://gw.example.com/v1/token',
      clientId: 'cid',
      clientSecret: CLIENT_SECRET,
      refreshToken: 'rt-initial-planted',
      expiryWarningWindowMs: 20 * 86400_000,
      onRefreshTokenExpiring: (e) => warnings.push(Math.round(e.remainingMs / 86400_000)),
    }).start({ clock, logger: { ...silentLogger, warn: (o: unknown) => logged.push(o) }, fetch: gw.fetch });
    // Refresh tokens from the fake live 26, 22, 18, 14 days: only the last two are inside 20 days.
    for (let i = 0; i < 4; i++) await runtime.provider.getHeaders({ ...ctx, forceRefresh: true });
    expect(warnings).toEqual([18, 14]);
    expect(JSON.stringify(logged)).not.toContain('planted');
  });
});
