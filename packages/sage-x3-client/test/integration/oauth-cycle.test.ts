import { TestClock, trackHttpRequests } from '@mlc/core';
import { type SageX3Simulator, startSageX3Simulator } from '@mlc/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MemoryTokenStore,
  type RefreshTokenExpiringEvent,
  type StoredRefreshToken,
  X3AuthError,
  createX3Client,
  oauth2RefreshTokenAuth,
} from '../../src/index.js';
import { version } from '../../package.json';
import { capturingLogger, errorText } from './helpers.js';

const START = '2024-06-01T08:00:00Z';

/**
 * Resolves once no request of this process is on the wire. Access tokens are refreshed in the background inside
 * their refresh margin, so a token request may still be in flight when a read returns: time must not move then.
 */
const wire = trackHttpRequests();
async function quiet(): Promise<void> {
  while (wire.inFlight > 0) await new Promise<void>((resolve) => setImmediate(resolve));
}
let sim: SageX3Simulator | undefined;
afterEach(() => sim?.close());

async function start(clock: TestClock) {
  sim = await startSageX3Simulator({ seed: 3, size: 'tiny', clock });
  return sim;
}

function clientFor(
  s: SageX3Simulator,
  clock: TestClock,
  auth: ReturnType<typeof oauth2RefreshTokenAuth>,
  logger = capturingLogger(),
) {
  return createX3Client({
    // The cloud gateway: GraphQL at /v1/service/{endPoint}/api, endpoint in the path ([documented] §2.1).
    baseUrl: s.url,
    graphqlUrl: `${s.url}/v1/service/${s.endpoint}/api`,
    sendEndpointHeader: false,
    endpoint: s.endpoint,
    transport: 'graphql',
    clock,
    logger,
    auth,
  });
}

async function countAccounts(client: ReturnType<typeof createX3Client>): Promise<number> {
  let n = 0;
  for await (const change of client.changes('account')) if (change.ok) n++;
  return n;
}

describe('OAuth2 refresh-token strategy against the simulated cloud gateway', () => {
  it('runs 30 minutes on the test clock: refreshed every cycle, rotated tokens persisted first, old ones dead', async () => {
    const clock = new TestClock(START);
    const s = await start(clock);
    const saved: StoredRefreshToken[] = [];
    const store = new MemoryTokenStore();
    const persisting = {
      load: () => store.load(),
      save: async (t: StoredRefreshToken) => {
        // Persisted before use: at save time the rotated token is active and nothing used it yet.
        expect(s.control.refreshTokenState(t.refreshToken)).toBe('active');
        saved.push(t);
        await store.save(t);
      },
    };
    const logger = capturingLogger();
    const client = clientFor(
      s,
      clock,
      oauth2RefreshTokenAuth({
        tokenUrl: s.credentials.oauth.tokenUrl,
        clientId: s.credentials.oauth.clientId,
        clientSecret: s.credentials.oauth.clientSecret,
        refreshToken: s.credentials.oauth.refreshToken,
        tokenStore: persisting,
      }),
      logger,
    );
    const expected = s.control.count('account');
    // One read per minute for 30 minutes; access tokens live 5 minutes and are refreshed 1 minute early.
    for (let minute = 0; minute <= 30; minute++) {
      expect(await clock.run(countAccounts(client))).toBe(expected);
      await quiet();
      await clock.advance(60_000);
    }
    const tokenCalls = s.control.requestLog().filter((e) => e.surface === 'token');
    expect(tokenCalls.length).toBeGreaterThanOrEqual(7); // ≈ every 4 minutes over 30 minutes
    expect(tokenCalls.every((e) => e.status === 200)).toBe(true);
    // Every request of the client, token endpoint included, names the package, its version and Node.js.
    const [major, minor] = process.versions.node.split('.');
    const clientRequests = s.control
      .requestLog()
      .filter((e) => e.surface === 'token' || e.surface === 'graphql');
    expect(clientRequests.length).toBeGreaterThan(tokenCalls.length);
    for (const entry of clientRequests)
      expect(entry.userAgent).toBe(`mlc-sage-x3-client/${version} node/${major}.${minor}`);
    expect(saved.length).toBe(tokenCalls.length);
    expect(new Set(saved.map((t) => t.refreshToken)).size).toBe(saved.length);
    // Every rotated-away token is dead; only the last one is live.
    expect(s.control.refreshTokenState(s.credentials.oauth.refreshToken)).toBe('used');
    for (const t of saved.slice(0, -1)) expect(s.control.refreshTokenState(t.refreshToken)).toBe('used');
    expect(s.control.refreshTokenState(saved.at(-1)!.refreshToken)).toBe('active');
    expect((await store.load())?.refreshToken).toBe(saved.at(-1)!.refreshToken);

    // A client that still holds a used refresh token gets a clear, typed error.
    const stale = clientFor(
      s,
      clock,
      oauth2RefreshTokenAuth({
        tokenUrl: s.credentials.oauth.tokenUrl,
        clientId: s.credentials.oauth.clientId,
        clientSecret: s.credentials.oauth.clientSecret,
        refreshToken: saved[0]!.refreshToken,
      }),
      logger,
    );
    const error = await clock.run(countAccounts(stale)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X3AuthError);
    expect((error as X3AuthError).code).toBe('X3_REFRESH_TOKEN_INVALID');
    expect((error as X3AuthError).message).toMatch(/already used|revoked|expired/);

    // Nothing secret in errors or logs.
    const planted = [
      s.credentials.oauth.clientSecret,
      s.credentials.oauth.refreshToken,
      ...saved.map((t) => t.refreshToken),
    ];
    const haystack = `${errorText(error)}\n${logger.lines.join('\n')}`;
    for (const secret of planted) expect(haystack).not.toContain(secret);
    expect(haystack).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // no access token (JWT) either
  }, 60_000);

  it('two processes sharing one token store: each refresh takes the token the other rotated', async () => {
    const clock = new TestClock(START);
    const s = await start(clock);
    const store = new MemoryTokenStore();
    const auth = () =>
      oauth2RefreshTokenAuth({
        tokenUrl: s.credentials.oauth.tokenUrl,
        clientId: s.credentials.oauth.clientId,
        clientSecret: s.credentials.oauth.clientSecret,
        refreshToken: s.credentials.oauth.refreshToken,
        tokenStore: store,
      });
    // A (a running service) and B (a second worker, or `mlc run` beside it) share the store, not their memory.
    const a = clientFor(s, clock, auth());
    const b = clientFor(s, clock, auth());
    const expected = s.control.count('account');
    for (let minute = 0; minute <= 20; minute++) {
      expect(await clock.run(countAccounts(a))).toBe(expected);
      await quiet();
      expect(await clock.run(countAccounts(b))).toBe(expected);
      await quiet();
      await clock.advance(60_000);
    }
    const tokenCalls = s.control.requestLog().filter((e) => e.surface === 'token');
    // Both refreshed on their own cycles, every refresh with the live token: none was refused as already used.
    expect(tokenCalls.length).toBeGreaterThanOrEqual(8);
    expect(tokenCalls.map((e) => e.status)).toEqual(tokenCalls.map(() => 200));
    const stored = await store.load();
    expect(stored && s.control.refreshTokenState(stored.refreshToken)).toBe('active');
  });

  it('a revoked refresh token gives a clear auth error', async () => {
    const clock = new TestClock(START);
    const s = await start(clock);
    const store = new MemoryTokenStore();
    const client = clientFor(
      s,
      clock,
      oauth2RefreshTokenAuth({
        tokenUrl: s.credentials.oauth.tokenUrl,
        clientId: s.credentials.oauth.clientId,
        clientSecret: s.credentials.oauth.clientSecret,
        refreshToken: s.credentials.oauth.refreshToken,
        tokenStore: store,
      }),
    );
    await clock.run(countAccounts(client));
    const current = (await store.load())!.refreshToken;
    expect(s.control.revokeRefreshToken(current)).toBe(true);
    // The pairing is gone: the access token is refused, the forced refresh is refused too.
    const error = await clock.run(countAccounts(client)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X3AuthError);
    expect((error as X3AuthError).code).toBe('X3_REFRESH_TOKEN_INVALID');
    expect((error as X3AuthError).retryable).toBe(false);
    expect(errorText(error)).not.toContain(current);
  }, 30_000);

  it('fires the expiry warning inside its window, once per refresh token', async () => {
    const clock = new TestClock(START);
    const s = await start(clock);
    const events: RefreshTokenExpiringEvent[] = [];
    const logger = capturingLogger();
    const client = clientFor(
      s,
      clock,
      oauth2RefreshTokenAuth({
        tokenUrl: s.credentials.oauth.tokenUrl,
        clientId: s.credentials.oauth.clientId,
        clientSecret: s.credentials.oauth.clientSecret,
        refreshToken: s.credentials.oauth.refreshToken,
        tokenStore: new MemoryTokenStore(),
        onRefreshTokenExpiring: (e) => events.push(e),
      }),
      logger,
    );
    const pairingEnds = s.credentials.oauth.refreshTokenExpiresAt;
    await clock.run(countAccounts(client));
    expect(events).toEqual([]); // 30 days left
    await clock.setTime(pairingEnds - 8 * 86_400_000);
    await clock.run(countAccounts(client));
    expect(events).toEqual([]); // 8 days left: outside the default 7-day window
    await clock.setTime(pairingEnds - 6 * 86_400_000);
    await clock.run(countAccounts(client));
    expect(events).toHaveLength(1);
    expect(events[0]!.expiresAt).toBe(pairingEnds);
    expect(events[0]!.remainingMs).toBe(6 * 86_400_000);
    expect(logger.lines.some((l) => l.includes('refresh token expires soon'))).toBe(true);
  }, 30_000);
});
