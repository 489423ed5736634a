import { describe, expect, it } from 'vitest';
import { type AccessToken, TestClock, TokenCycler, isMlcError } from '../src/index.js';

describe('TokenCycler', () => {
  it('shares one refresh among 10 concurrent callers', async () => {
    const clock = new TestClock();
    let refreshes = 0;
    const cycler = new TokenCycler(
      async () => {
        refreshes++;
        await clock.sleep(10);
        return { token: `t${refreshes}`, expiresAt: clock.now() + 300_000 };
      },
      { clock },
    );
    const all = Promise.all(Array.from({ length: 10 }, () => cycler.getToken()));
    await clock.advance(10);
    const tokens = await all;
    expect(refreshes).toBe(1);
    expect(new Set(tokens.map((t) => t.token))).toEqual(new Set(['t1']));
  });

  it('refreshes a margin before expiry, not after', async () => {
    const clock = new TestClock();
    let n = 0;
    const cycler = new TokenCycler(async () => ({ token: `t${++n}`, expiresAt: clock.now() + 300_000 }), {
      clock,
      refreshMarginMs: 30_000,
    });
    expect((await cycler.getToken()).token).toBe('t1');
    await clock.advance(269_999);
    expect((await cycler.getToken()).token).toBe('t1');
    await clock.advance(1);
    expect((await cycler.getToken()).token).toBe('t2');
  });

  it('honours an earlier refreshAt hint', async () => {
    const clock = new TestClock();
    let n = 0;
    const cycler = new TokenCycler(
      async (): Promise<AccessToken> => ({
        token: `t${++n}`,
        expiresAt: clock.now() + 3_600_000,
        refreshAt: clock.now() + 1_000,
      }),
      { clock },
    );
    await cycler.getToken();
    await clock.advance(1_000);
    expect((await cycler.getToken()).token).toBe('t2');
  });

  it('forces a refresh on demand (after a 401)', async () => {
    let n = 0;
    const contexts: boolean[] = [];
    const cycler = new TokenCycler(async ({ forced }) => {
      contexts.push(forced);
      return { token: `t${++n}`, expiresAt: Date.now() + 3_600_000 };
    });
    await cycler.getToken();
    expect((await cycler.getToken({ forceRefresh: true })).token).toBe('t2');
    expect(contexts).toEqual([false, true]);
  });

  it('surfaces refresh failures with their cause to every waiter, then recovers', async () => {
    let fail = true;
    const cycler = new TokenCycler(async () => {
      if (fail) throw new Error('idp down');
      return { token: 'ok', expiresAt: Date.now() + 3_600_000 };
    });
    const results = await Promise.allSettled([cycler.getToken(), cycler.getToken()]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason;
      expect(isMlcError(reason) && reason.code).toBe('TOKEN_REFRESH_FAILED');
      expect((reason as Error).cause).toBeInstanceOf(Error);
    }
    fail = false;
    expect((await cycler.getToken()).token).toBe('ok');
  });

  it('honours AbortSignal while waiting', async () => {
    const clock = new TestClock();
    const cycler = new TokenCycler(
      async () => {
        await clock.sleep(1000);
        return { token: 'late', expiresAt: clock.now() + 300_000 };
      },
      { clock },
    );
    const controller = new AbortController();
    const pending = cycler.getToken({ signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    await clock.advance(1000);
    expect((await cycler.getToken()).token).toBe('late');
  });
});
