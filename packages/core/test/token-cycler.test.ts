import { describe, expect, it } from 'vitest';
import { type AccessToken, type Logger, TestClock, TokenCycler, isMlcError } from '../src/index.js';

/** Lets every promise continuation that is ready run (a macrotask after the microtask queue drains). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A logger that keeps its warn lines. */
function warnings(): Logger & { lines: Array<{ object: unknown; message?: string }> } {
  const lines: Array<{ object: unknown; message?: string }> = [];
  const noop = () => {};
  return {
    lines,
    debug: noop,
    info: noop,
    error: noop,
    warn: (object: unknown, message?: string) => lines.push({ object, message }),
  } as Logger & { lines: typeof lines };
}

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
    expect(n).toBe(1);
    await clock.advance(1);
    // Inside the margin: the caller keeps the valid token; the refresh runs beside it.
    expect((await cycler.getToken()).token).toBe('t1');
    await settle();
    expect(n).toBe(2);
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
    await cycler.getToken();
    await settle();
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

  describe('background refresh (as the Azure SDK token cycler)', () => {
    const HOUR = 3_600_000;

    /** A cycler whose refreshes the test answers one by one. */
    function manual(options: { refreshMarginMs?: number; mustRefreshMarginMs?: number } = {}) {
      const clock = new TestClock();
      const logger = warnings();
      const calls: Array<ReturnType<typeof deferred<AccessToken>>> = [];
      const cycler = new TokenCycler(
        () => {
          const call = deferred<AccessToken>();
          calls.push(call);
          return call.promise;
        },
        { clock, logger, refreshMarginMs: 60_000, ...options },
      );
      const answer = async (index: number, token: string) => {
        calls[index]?.resolve({ token, expiresAt: clock.now() + HOUR });
        await settle();
      };
      return { clock, logger, calls, cycler, answer };
    }

    it('inside the margin, every caller gets the valid token at once while ONE refresh runs', async () => {
      const { clock, calls, cycler, answer } = manual();
      const first = cycler.getToken();
      await answer(0, 'old');
      expect((await first).token).toBe('old');
      await clock.advance(HOUR - 30_000);
      const tokens = await Promise.all(Array.from({ length: 5 }, () => cycler.getToken()));
      expect(tokens.map((t) => t.token)).toEqual(['old', 'old', 'old', 'old', 'old']);
      expect(calls).toHaveLength(2);
      await answer(1, 'new');
      expect((await cycler.getToken()).token).toBe('new');
      expect(calls).toHaveLength(2);
    });

    it('blocks callers only when the token is expired or within the must-refresh window', async () => {
      const { clock, calls, cycler, answer } = manual({ mustRefreshMarginMs: 5_000 });
      const first = cycler.getToken();
      await answer(0, 'old');
      await first;
      await clock.advance(HOUR - 5_000);
      let settled = false;
      const waiting = cycler.getToken().then((t) => {
        settled = true;
        return t;
      });
      await settle();
      expect(settled).toBe(false);
      expect(calls).toHaveLength(2);
      await answer(1, 'new');
      expect((await waiting).token).toBe('new');
    });

    it('does not surface a failed background refresh while the old token is valid: warns, retries on the next call', async () => {
      const { clock, logger, calls, cycler, answer } = manual();
      const first = cycler.getToken();
      await answer(0, 'old');
      await first;
      await clock.advance(HOUR - 30_000);
      expect((await cycler.getToken()).token).toBe('old');
      calls[1]?.reject(new Error('idp down'));
      await settle();
      expect(logger.lines).toHaveLength(1);
      expect(logger.lines[0]?.message).toMatch(/token refresh failed/);
      expect(JSON.stringify(logger.lines[0]?.object)).toContain('TOKEN_REFRESH_FAILED');
      // The next call still gets the valid token and starts one more refresh.
      expect((await cycler.getToken()).token).toBe('old');
      expect(calls).toHaveLength(3);
      await answer(2, 'new');
      expect((await cycler.getToken()).token).toBe('new');
    });

    it('surfaces a failed refresh to callers who wait for it (the token expired)', async () => {
      const { clock, calls, cycler, answer } = manual();
      const first = cycler.getToken();
      await answer(0, 'old');
      await first;
      await clock.advance(HOUR);
      const waiting = cycler.getToken();
      calls[1]?.reject(new Error('idp down'));
      await expect(waiting).rejects.toMatchObject({ code: 'TOKEN_REFRESH_FAILED' });
    });

    it('a forced refresh (after a 401) waits for a new token even inside the validity window', async () => {
      const { calls, cycler, answer } = manual();
      const first = cycler.getToken();
      await answer(0, 'old');
      await first;
      const forced = cycler.getToken({ forceRefresh: true });
      expect(calls).toHaveLength(2);
      await answer(1, 'new');
      expect((await forced).token).toBe('new');
    });
  });
});
