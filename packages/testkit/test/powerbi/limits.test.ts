import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDataset, ORDERS_TABLE, pbi, secretToken } from './helpers.js';
import { type PowerBISimulator, startPowerBISimulator, TestClock } from './imports.js';

const T = [{ name: 'T', columns: [{ name: 'n', dataType: 'Int64' }] }];
const rows = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ n: from + i }));

let sim: PowerBISimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function setup(options: Parameters<typeof startPowerBISimulator>[0], query = '') {
  const clock = new TestClock('2025-03-01T10:00:00Z');
  sim = await startPowerBISimulator({ clock, ...options });
  const api = pbi(sim, await secretToken(sim));
  const id = await createDataset(api, T, query);
  return { clock, api, id, sim };
}

describe('quota limits → 429 with Retry-After', () => {
  it('120 POST rows requests per minute per dataset (documented numbers)', async () => {
    const { clock, api, id, sim } = await setup({ tokenLifetimeSeconds: 86_400 });
    await clock.advance(10_000);
    for (let i = 0; i < 120; i++) expect((await api.postRows(id, 'T', [{ n: i }])).status).toBe(200);
    await clock.advance(30_000);
    const res = await api.postRows(id, 'T', [{ n: 999 }]);
    expect(res.status).toBe(429);
    // The oldest of the 120 leaves the rolling minute 30 s from now.
    expect(res.headers.get('retry-after')).toBe('30');
    expect(await res.json()).toEqual({
      message:
        'You have exceeded the amount of requests allowed in the current time frame and further requests will fail. Retry in 30 seconds.',
    });
    expect(sim.control.rows(id, 'T')).toHaveLength(120);
    expect(sim.control.requests({ route: 'postRows' }).at(-1)).toMatchObject({
      outcome: 'throttled',
      errorCode: 'PostsPerMinuteLimit',
    });
    await clock.advance(30_000);
    expect((await api.postRows(id, 'T', [{ n: 999 }])).status).toBe(200);
    // Another dataset has its own budget.
    const other = await createDataset(api, T);
    expect((await api.postRows(other, 'T', [{ n: 1 }])).status).toBe(200);
  });

  it('timeScale compresses the minute and reports Retry-After in scaled seconds', async () => {
    // timeScale 60: a quota minute lasts 1 s of clock time, an hour 60 s.
    const { clock, api, id } = await setup({ timeScale: 60, limits: { postsPerMinute: 3 } });
    for (let i = 0; i < 3; i++) expect((await api.postRows(id, 'T', [{ n: i }])).status).toBe(200);
    const res = await api.postRows(id, 'T', [{ n: 3 }]);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    await clock.advance(1_000);
    expect((await api.postRows(id, 'T', [{ n: 3 }])).status).toBe(200);
  });

  it('1,000,000 rows per hour per dataset (scaled limit), with the rows-per-hour body', async () => {
    const { clock, api, id, sim } = await setup({ timeScale: 3600, limits: { rowsPerHour: 100 } });
    // timeScale 3600: the hour lasts 1 s.
    expect((await api.postRows(id, 'T', rows(60))).status).toBe(200);
    await clock.advance(400);
    expect((await api.postRows(id, 'T', rows(40))).status).toBe(200);
    const res = await api.postRows(id, 'T', rows(1));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toEqual({
      error: {
        code: 'TooManyRequests',
        message: 'You are over your rows per hour limit for this dataset. Retry in 1 seconds.',
      },
    });
    await clock.advance(600); // the first 60 rows leave the window
    expect((await api.postRows(id, 'T', rows(60))).status).toBe(200);
    expect(sim.control.quota(id).rowsLastHour).toBe(100);
  });

  it('Retry-After for the rows quota counts down to when enough rows leave the hour (unscaled)', async () => {
    const { clock, api, id } = await setup({ limits: { rowsPerHour: 10 }, tokenLifetimeSeconds: 86_400 });
    expect((await api.postRows(id, 'T', rows(6))).status).toBe(200);
    await clock.advance(20 * 60_000);
    expect((await api.postRows(id, 'T', rows(4))).status).toBe(200);
    const res = await api.postRows(id, 'T', rows(5));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe(String(40 * 60));
  });

  it('120 per hour once the table holds 250,000 rows (scaled-down threshold)', async () => {
    const { clock, api, id } = await setup({
      limits: { slowModeTableRows: 5, postsPerHourSlowMode: 2 },
      tokenLifetimeSeconds: 86_400,
    });
    expect((await api.postRows(id, 'T', rows(5))).status).toBe(200); // 1st post; table now at the threshold
    expect((await api.postRows(id, 'T', rows(1))).status).toBe(200); // 2nd post in the hour
    await clock.advance(5 * 60_000);
    const res = await api.postRows(id, 'T', rows(1));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe(String(55 * 60));
    await clock.advance(55 * 60_000);
    expect((await api.postRows(id, 'T', rows(1))).status).toBe(200);
  });

  it('at most 5 pending POST rows per dataset', async () => {
    const { clock, api, id, sim } = await setup({
      faults: [{ kind: 'latency', routes: ['postRows'], latencyMs: 1_000 }],
    });
    const slow = Array.from({ length: 5 }, (_, i) => api.postRows(id, 'T', [{ n: i }]));
    await vi.waitFor(() => expect(clock.pendingSleeps).toBe(5));
    expect(sim.control.quota(id).pendingPosts).toBe(5);
    const sixth = await api.postRows(id, 'T', [{ n: 5 }]);
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('retry-after')).toBe('1');
    await clock.advance(1_000);
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(sim.control.rows(id, 'T')).toHaveLength(5);
  });

  it('basicFIFO keeps 200k–210k rows, dropping the oldest (scaled-down cap)', async () => {
    const { api, id, sim } = await setup(
      { limits: { fifoMaxRows: 10, fifoTrimAbove: 12 } },
      '?defaultRetentionPolicy=basicFIFO',
    );
    expect((await api.postRows(id, 'T', rows(12))).status).toBe(200);
    expect(sim.control.rows(id, 'T')).toHaveLength(12);
    expect((await api.postRows(id, 'T', rows(3, 12))).status).toBe(200);
    const kept = sim.control.rows(id, 'T').map((r) => r.n);
    expect(kept).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('retention None refuses rows beyond 5,000,000 per table (scaled-down cap)', async () => {
    const { api, id, sim } = await setup({ limits: { noneMaxRows: 10 } });
    expect((await api.postRows(id, 'T', rows(8))).status).toBe(200);
    const res = await api.postRows(id, 'T', rows(3));
    expect(res.status).toBe(400);
    expect(sim.control.rows(id, 'T')).toHaveLength(8);
  });

  it('executeQueries: 120 queries per minute per principal', async () => {
    const { api, id } = await setup({ limits: { queriesPerMinute: 2 } });
    const q = `EVALUATE ROW("n", COUNTROWS('T') + 0)`;
    expect((await api.query(id, q)).status).toBe(200);
    expect((await api.query(id, q)).status).toBe(200);
    const res = await api.query(id, q);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('60');
  });

  it('uses the documented numbers by default', async () => {
    const { api } = await setup({});
    const res = await api.createDataset({ name: 'X', tables: [ORDERS_TABLE] });
    expect(res.status).toBe(201);
    const { POWER_BI_SIMULATOR_LIMITS } = await import('./imports.js');
    expect(POWER_BI_SIMULATOR_LIMITS).toMatchObject({
      maxRowsPerRequest: 10_000,
      maxRequestBytes: 16 * 1024 * 1024,
      postsPerMinute: 120,
      postsPerHourSlowMode: 120,
      slowModeTableRows: 250_000,
      rowsPerHour: 1_000_000,
      maxPendingPosts: 5,
      maxStringLength: 4_000,
      maxTables: 75,
      maxColumns: 75,
      maxRelationships: 75,
      fifoMaxRows: 200_000,
      noneMaxRows: 5_000_000,
    });
  });
});
