import type { PowerBISimulator } from '@mlc/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

function storedIds(s: PowerBISimulator, datasetId: string): number[] {
  return s.control.rows(datasetId, 'Orders').map((row) => Number(row.id));
}

// Volume runs: hundreds of thousands of rows over real loopback HTTP on a simulated clock (seconds of real time).
vi.setConfig({ testTimeout: 120_000 });

describe('append volume over loopback HTTP (slow: 200k rows)', () => {
  // Every POST is held 200 ms by the simulator, so requests overlap and the 5-pending limit binds.
  const slowPosts = { faults: [{ kind: 'latency' as const, routes: ['postRows' as const], latencyMs: 200 }] };

  it('paces a 200k-row append: no 429, every row stored once', async () => {
    const { sim: s, clock, dataset, orders } = await setup(slowPosts);
    const result = await clock.run(orders.append(orderRows(200_000), { batchId: 'big' }));
    expect(result.outcome).toBe('applied');
    expect(result.requests.map((request) => request.rowCount)).toEqual(Array(20).fill(10_000));
    const posts = s.control.requests({ route: 'postRows' });
    expect(posts.filter((entry) => entry.status === 429)).toHaveLength(0);
    expect(posts).toHaveLength(20);
    const ids = storedIds(s, dataset.datasetId);
    expect(ids).toHaveLength(200_000);
    expect(new Set(ids).size).toBe(200_000);
    expect(await clock.run(orders.countWhere('_batch', 'big'))).toBe(200_000);
  });

  it('without pacing the same append meets 429s, waits them out and still stores every row once', async () => {
    const {
      sim: s,
      clock,
      dataset,
      orders,
    } = await setup(slowPosts, { pacing: false, retry: { maxThrottledRetries: 100 } });
    const throttled: number[] = [];
    const result = await clock.run(orders.append(orderRows(200_000), { batchId: 'big' }));
    expect(result.outcome).toBe('applied');
    const posts = s.control.requests({ route: 'postRows' });
    throttled.push(...posts.filter((entry) => entry.status === 429).map((entry) => entry.seq));
    expect(throttled.length).toBeGreaterThan(0);
    expect(posts.filter((entry) => entry.status === 200)).toHaveLength(20);
    const ids = storedIds(s, dataset.datasetId);
    expect(ids).toHaveLength(200_000);
    expect(new Set(ids).size).toBe(200_000);
  });

  it('keeps to 120 POSTs per minute (200 requests of 500 rows) without a 429', async () => {
    const { sim: s, clock, dataset, orders } = await setup(slowPosts, { maxRowsPerRequest: 500 });
    const started = clock.now();
    const result = await clock.run(orders.append(orderRows(100_000)));
    expect(result.outcome).toBe('applied');
    const posts = s.control.requests({ route: 'postRows' });
    expect(posts).toHaveLength(200);
    expect(posts.filter((entry) => entry.status === 429)).toHaveLength(0);
    expect(storedIds(s, dataset.datasetId)).toHaveLength(100_000);
    // 200 POSTs at ≤ 120 per minute cannot finish inside the first minute.
    expect(clock.now() - started).toBeGreaterThanOrEqual(60_000);
  });

  it('keeps to the rows-per-hour budget across hours without a 429', async () => {
    const {
      sim: s,
      clock,
      dataset,
      orders,
    } = await setup({ limits: { rowsPerHour: 20_000 } }, { pacing: { rowsPerHour: 20_000 } });
    const started = clock.now();
    const result = await clock.run(orders.append(orderRows(60_000)));
    expect(result.outcome).toBe('applied');
    expect(s.control.requests({ route: 'postRows' }).filter((entry) => entry.status === 429)).toHaveLength(0);
    expect(storedIds(s, dataset.datasetId)).toHaveLength(60_000);
    expect(clock.now() - started).toBeGreaterThanOrEqual(2 * 3_600_000);
  });

  it('switches to 120 POSTs per hour once the table is large (threshold lowered to 1,000 rows)', async () => {
    const {
      sim: s,
      clock,
      dataset,
      orders,
    } = await setup(
      { limits: { slowModeTableRows: 1_000 } },
      { maxRowsPerRequest: 10, pacing: { largeTableRowThreshold: 1_000 } },
    );
    await clock.run(orders.append(orderRows(1_000), { batchId: 'fill' }));
    const started = clock.now();
    const result = await clock.run(orders.append(orderRows(1_300, 1_000)));
    expect(result.outcome).toBe('applied');
    expect(s.control.requests({ route: 'postRows' }).filter((entry) => entry.status === 429)).toHaveLength(0);
    expect(storedIds(s, dataset.datasetId)).toHaveLength(2_300);
    // 230 POSTs in all, at most 120 in any hour once the table is large.
    expect(clock.now() - started).toBeGreaterThanOrEqual(3_600_000);
  });
});
