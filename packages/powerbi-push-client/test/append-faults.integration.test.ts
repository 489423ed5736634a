import type { PowerBISimulator } from '@mlc/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { isPowerBIError } from '../src/index.js';
import { orderRows, ordersSchema, startSimulatedClient } from './helpers/simulated-client.js';

let sim: PowerBISimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function setup(...args: Parameters<typeof startSimulatedClient>) {
  const started = await startSimulatedClient(...args);
  sim = started.sim;
  const dataset = await started.clock.run(started.client.ensureDataset(ordersSchema));
  return { ...started, dataset, orders: dataset.table('Orders') };
}

function urlOf(input: Parameters<typeof fetch>[0]): string {
  return input instanceof Request ? input.url : String(input);
}

function storedIds(s: PowerBISimulator, datasetId: string): number[] {
  return s.control.rows(datasetId, 'Orders').map((row) => Number(row.id));
}

describe('append faults over loopback HTTP', () => {
  it('reports a connection dropped after the rows were applied as unknown, never resends, and counting finds them', async () => {
    const { sim: s, clock, orders } = await setup();
    s.control.addFault({ kind: 'drop-after', routes: ['postRows'], times: 1 });
    const result = await clock.run(orders.append(orderRows(500), { batchId: 'b-after' }));
    expect(result.outcome).toBe('unknown');
    expect(result.requests[0]).toMatchObject({ outcome: 'unknown', startIndex: 0, rowCount: 500 });
    expect(s.control.requests({ route: 'postRows' })).toHaveLength(1);
    expect(await clock.run(orders.countWhere('_batch', 'b-after'))).toBe(500);
  });

  it('reports a connection dropped before apply as unknown too (the client cannot tell), and counting finds no rows', async () => {
    const { sim: s, clock, dataset, orders } = await setup();
    s.control.addFault({ kind: 'drop-before', routes: ['postRows'], times: 1 });
    const result = await clock.run(orders.append(orderRows(500), { batchId: 'b-before' }));
    expect(result.outcome).toBe('unknown');
    expect(s.control.requests({ route: 'postRows' })).toHaveLength(1);
    expect(await clock.run(orders.countWhere('_batch', 'b-before'))).toBe(0);
    expect(storedIds(s, dataset.datasetId)).toHaveLength(0);
  });

  it('does not resend a POST answered with a 5xx (it may have been applied)', async () => {
    const { sim: s, clock, orders } = await setup();
    s.control.addFault({ kind: 'status', status: 500, routes: ['postRows'], times: 1 });
    const result = await clock.run(orders.append(orderRows(10)));
    expect(result.outcome).toBe('unknown');
    expect(isPowerBIError(result.requests[0]?.error, 'PBI_HTTP_ERROR')).toBe(true);
    expect(s.control.requests({ route: 'postRows' })).toHaveLength(1);
  });

  it('retries a POST that provably never left (connection refused) and one turned away with 429', async () => {
    let refused = 0;
    const {
      sim: s,
      clock,
      dataset,
      orders,
    } = await setup(
      {},
      {
        wrapFetch: (next) => async (input, init) => {
          if (urlOf(input).endsWith('/rows') && refused === 0) {
            refused++;
            throw Object.assign(new TypeError('fetch failed'), {
              cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
            });
          }
          return next(input, init);
        },
      },
    );
    s.control.addFault({ kind: 'throttle', routes: ['postRows'], retryAfterSeconds: 30, times: 2 });
    const result = await clock.run(orders.append(orderRows(100), { batchId: 'b-retry' }));
    expect(result.outcome).toBe('applied');
    expect(refused).toBe(1);
    expect(s.control.requests({ route: 'postRows' }).map((entry) => entry.status)).toEqual([429, 429, 200]);
    expect(storedIds(s, dataset.datasetId)).toHaveLength(100);
  });

  it('reports rows that never left as not-applied: a token endpoint 5xx before the POST', async () => {
    const {
      sim: s,
      clock,
      orders,
    } = await setup(
      { tokenLifetimeSeconds: 600 },
      { retry: { maxAttempts: 2, baseDelayMs: 10 }, tokenRefreshMarginMs: 60_000 },
    );
    // The cached token is due for refresh, and the token endpoint fails with 500 from now on.
    await clock.clock.advance(600_000);
    s.control.addFault({ kind: 'status', status: 500, routes: ['token'] });
    const result = await clock.run(orders.append(orderRows(10), { batchId: 'b-token-5xx' }));
    expect(result.outcome).toBe('not-applied');
    // The token request's facts stay; the error's outcome describes the rows request, which never left.
    expect(result.requests[0]?.error).toMatchObject({ status: 500, outcome: 'not-applied' });
    expect(s.control.requests({ route: 'token' }).length).toBeGreaterThanOrEqual(2);
    expect(s.control.requests({ route: 'postRows' })).toHaveLength(0);
  });

  it('reports rows that never left as not-applied: connection refused and name not resolved on every attempt', async () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND']) {
      const {
        sim: s,
        clock,
        orders,
      } = await setup(
        {},
        {
          retry: { maxAttempts: 2, baseDelayMs: 10 },
          wrapFetch: (next) => async (input, init) => {
            if (urlOf(input).endsWith('/rows')) {
              throw Object.assign(new TypeError('fetch failed'), {
                cause: Object.assign(new Error('connect'), { code }),
              });
            }
            return next(input, init);
          },
        },
      );
      const result = await clock.run(orders.append(orderRows(10), { batchId: `b-${code}` }));
      expect(result.outcome).toBe('not-applied');
      expect(s.control.requests({ route: 'postRows' })).toHaveLength(0);
      await s.close();
      sim = undefined;
    }
  });

  it('reports a token endpoint whose host name does not resolve as not-applied', async () => {
    const { sim: s, clock, orders } = await setup();
    const { createPowerBIClient, clientSecretCredential } = await import('../src/index.js');
    const client = createPowerBIClient({
      credential: clientSecretCredential({
        tenantId: s.tenantId,
        clientId: s.clientId,
        clientSecret: s.clientSecret ?? '',
        authorityHost: 'http://login.invalid',
        retry: false,
      }),
      groupId: s.groupId,
      apiBase: s.url,
      clock: clock.clientClock,
      fetch: clock.fetch,
      retry: { maxAttempts: 1 },
    });
    const table = client.table(orders.datasetId, 'Orders', { schema: ordersSchema });
    const result = await clock.run(table.append(orderRows(3), { batchId: 'b-dns' }));
    expect(result.outcome).toBe('not-applied');
    expect(s.control.requests({ route: 'postRows' })).toHaveLength(0);
  });

  it('asks beforeSend before every split request and every retry, and sends nothing once it refuses', async () => {
    const { sim: s, clock, orders } = await setup({}, { maxRowsPerRequest: 100 });
    s.control.addFault({ kind: 'throttle', routes: ['postRows'], retryAfterSeconds: 5, times: 1 });
    const asked: number[] = [];
    const result = await clock.run(
      orders.append(orderRows(300), {
        batchId: 'b-fenced',
        beforeSend: ({ timeoutMs }) => {
          asked.push(timeoutMs);
        },
      }),
    );
    expect(result.outcome).toBe('applied');
    // Three split requests, one of which was throttled once and retried: four sends, four checks.
    expect(s.control.requests({ route: 'postRows' })).toHaveLength(4);
    expect(asked).toEqual([120_000, 120_000, 120_000, 120_000]);
    let allowed = 1;
    const refused = await clock.run(
      orders.append(orderRows(300, 1_000), {
        batchId: 'b-refused',
        beforeSend: () => {
          if (allowed-- <= 0) throw new Error('lease lost');
        },
      }),
    );
    expect(refused.outcome).toBe('partial');
    expect(refused.requests.map((r) => r.outcome)).toEqual(['applied', 'not-applied', 'not-applied']);
    expect(s.control.requests({ route: 'postRows' })).toHaveLength(5);
  });

  it('ends a request throttled beyond the Retry-After cap at once: not-applied with the full delay, no waiting', async () => {
    const { sim: s, clock, orders } = await setup({}, { maxRowsPerRequest: 100 });
    s.control.addFault({ kind: 'throttle', routes: ['postRows'], retryAfterSeconds: 3392, times: 1 });
    const start = clock.now();
    const result = await clock.run(orders.append(orderRows(300), { batchId: 'b-long-429' }));
    expect(clock.now() - start).toBeLessThan(120_000);
    expect(result.retryAfterMs).toBe(3_392_000);
    expect(result.requests.some((r) => r.outcome === 'not-applied' && r.retryAfterMs === 3_392_000)).toBe(
      true,
    );
    expect(result.requests.filter((r) => r.outcome === 'unknown')).toEqual([]);
    // One throttled answer, never retried inside the append.
    expect(s.control.requests({ route: 'postRows' }).filter((r) => r.status === 429)).toHaveLength(1);
  });

  it('survives the token expiring mid-append (403 TokenExpired → fresh token → resend)', async () => {
    let posts = 0;
    let simulator: PowerBISimulator | undefined;
    const {
      sim: s,
      clock,
      dataset,
      orders,
    } = await setup(
      {},
      {
        maxRowsPerRequest: 100,
        wrapFetch: (next) => async (input, init) => {
          if (urlOf(input).endsWith('/rows') && ++posts === 4) simulator?.control.expireTokens();
          return next(input, init);
        },
      },
    );
    simulator = s;
    const result = await clock.run(orders.append(orderRows(1_000), { batchId: 'b-token' }));
    expect(result.outcome).toBe('applied');
    const postLog = s.control.requests({ route: 'postRows' });
    expect(postLog.filter((entry) => entry.errorCode === 'TokenExpired').length).toBeGreaterThan(0);
    expect(s.control.requests({ route: 'token' }).length).toBeGreaterThanOrEqual(2);
    const ids = storedIds(s, dataset.datasetId);
    expect(ids).toHaveLength(1_000);
    expect(new Set(ids).size).toBe(1_000);
  });

  it('refreshes short-lived tokens before they expire during a long paced append', async () => {
    const {
      sim: s,
      clock,
      orders,
    } = await setup(
      { tokenLifetimeSeconds: 600 },
      { maxRowsPerRequest: 100, pacing: { postsPerMinute: 10 }, tokenRefreshMarginMs: 60_000 },
    );
    const result = await clock.run(orders.append(orderRows(20_000)));
    expect(result.outcome).toBe('applied');
    // 200 POSTs at 10 per minute take ~20 minutes: tokens of 10 minutes must have been renewed, without a 403.
    expect(s.control.requests({ route: 'token' }).length).toBeGreaterThanOrEqual(3);
    expect(s.control.requests({ route: 'postRows' }).filter((entry) => entry.status === 403)).toHaveLength(0);
  });
});
