import { TestClock } from '@mlc/core';
import { describe, expect, it } from 'vitest';
import { DatasetPacer, resolvePacingOptions } from '../src/index.js';

const START = Date.parse('2024-01-01T00:00:00Z');

function pacer(options: Parameters<typeof resolvePacingOptions>[0] = {}) {
  const clock = new TestClock(START);
  return { clock, pacer: new DatasetPacer(resolvePacingOptions({ windowMarginMs: 0, ...options }), clock) };
}

/** Acquires `count` slots one after another and returns the (clock) times at which each was granted. */
async function grantTimes(
  clock: TestClock,
  p: DatasetPacer,
  count: number,
  rows = 1,
  table = 'T',
): Promise<number[]> {
  const times: number[] = [];
  const all = (async () => {
    for (let i = 0; i < count; i++) {
      await p.acquire(table, rows);
      times.push(clock.now() - START);
    }
  })();
  await clock.run(all);
  return times;
}

describe('DatasetPacer', () => {
  it('lets 120 POSTs through per rolling minute, then waits for the oldest to age out', async () => {
    const { clock, pacer: p } = pacer();
    const times = await grantTimes(clock, p, 250);
    expect(times.slice(0, 120).every((t) => t === 0)).toBe(true);
    expect(times[120]).toBe(60_000);
    expect(times[240]).toBe(120_000);
    // No rolling 60 s window ever holds more than 120 grants.
    for (let i = 120; i < times.length; i++)
      expect(times[i]! - times[i - 120]!).toBeGreaterThanOrEqual(60_000);
  });

  it('keeps the documented margin when asked', async () => {
    const clock = new TestClock(START);
    const p = new DatasetPacer(resolvePacingOptions({ windowMarginMs: 1_000 }), clock);
    const times = await grantTimes(clock, p, 121);
    expect(times[120]).toBe(61_000);
  });

  it('budgets 1,000,000 rows per rolling hour', async () => {
    const { clock, pacer: p } = pacer({ postsPerMinute: 1_000 });
    const times = await grantTimes(clock, p, 101, 10_000);
    expect(times[99]).toBe(0);
    expect(times[100]).toBe(3_600_000);
  });

  it('switches to 120 POSTs per hour once the table is known to hold 250,000 rows', async () => {
    const { clock, pacer: p } = pacer();
    p.setTableRows('Big', 250_000);
    const times = await grantTimes(clock, p, 121, 1, 'Big');
    expect(times[119]).toBe(0);
    expect(times[120]).toBe(3_600_000);
    // Another table of the dataset below the threshold only sees the minute window.
    const other = await grantTimes(clock, p, 1, 1, 'Small');
    expect(other[0]).toBe(3_600_000);
  });

  it('tracks appended and cleared rows, capped for tables the service trims', () => {
    const { pacer: p } = pacer();
    p.addTableRows('T', 200_000);
    p.addTableRows('T', 100_000);
    expect(p.tableRows('T')).toBe(300_000);
    p.addTableRows('F', 300_000, 210_000);
    expect(p.tableRows('F')).toBe(210_000);
    p.setTableRows('T', 0);
    expect(p.tableRows('T')).toBe(0);
  });

  it('holds every request after a 429 until Retry-After has passed', async () => {
    const { clock, pacer: p } = pacer();
    p.pauseUntil(START + 5_000);
    expect(await grantTimes(clock, p, 1)).toEqual([5_000]);
  });

  it('runs at most maxInFlight tasks at once, in order', async () => {
    const { clock, pacer: p } = pacer({ maxInFlight: 5 });
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const tasks = Array.from({ length: 12 }, (_, i) =>
      p.run(async () => {
        running++;
        peak = Math.max(peak, running);
        order.push(i);
        await clock.sleep(100);
        running--;
      }),
    );
    await clock.run(Promise.all(tasks));
    expect(peak).toBe(5);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('does not pace at all when pacing is off', async () => {
    const clock = new TestClock(START);
    const p = new DatasetPacer(resolvePacingOptions(false), clock);
    const times = await grantTimes(clock, p, 500, 10_000);
    expect(new Set(times)).toEqual(new Set([0]));
  });

  it('compresses the windows with timeScale (for simulators that do the same)', async () => {
    const { clock, pacer: p } = pacer({ timeScale: 60 });
    const times = await grantTimes(clock, p, 121);
    expect(times[120]).toBe(1_000);
  });
});
