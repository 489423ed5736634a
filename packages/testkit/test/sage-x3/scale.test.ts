import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SageX3Simulator, startSageX3Simulator } from '../../src/index.js';
import { isStampKeyOrdered, pageGraphql, pageRest, restUrl } from './helpers.js';

// 260k journal entries with 2–6 lines each: over 1M journal lines, generated only when read.
describe('Sage X3 simulator: a 1M-line journal without building the table', () => {
  let sim: SageX3Simulator;
  let heapAtStart: number;
  beforeAll(async () => {
    heapAtStart = process.memoryUsage().heapUsed;
    sim = await startSageX3Simulator({ seed: 3, size: { journalEntry: 260_000 } });
  });
  afterAll(() => sim.close());

  it('holds over a million journal lines', () => {
    expect(sim.control.count('journalEntry')).toBe(260_000);
    expect(sim.control.lineCount('journalEntry')).toBeGreaterThanOrEqual(1_000_000);
    expect(sim.control.generatedRecords()).toBe(0);
  });

  it('pages from a high stamp over REST and GraphQL building only the records it returns', async () => {
    const since = '2023-12-28T00:00:00Z';
    const rest = await pageRest(
      sim,
      restUrl(sim, 'GACCENTRY', { count: '200', orderBy: 'UPDDATTIM', where: `UPDDATTIM ge @${since}@` }),
    );
    const items = rest.resources.map((r) => ({ key: String(r.NUM), stamp: String(r.UPDDATTIM) }));
    expect(items.length).toBeGreaterThan(400);
    expect(items.length).toBeLessThan(5_000);
    expect(items.every((i) => i.stamp >= since)).toBe(true);
    expect(isStampKeyOrdered(items)).toBe(true);
    expect(rest.resources.every((r) => Array.isArray(r.GACCENTRYD) && r.GACCENTRYD.length >= 2)).toBe(true);

    const graph = await pageGraphql(sim, 'x3Finance', 'journalEntry', {
      first: 200,
      filter: `{_updateStamp: {_gte: '${since}'}}`,
      orderBy: '{_updateStamp: 1, _id: 1}',
    });
    expect(graph.nodes.map((n) => ({ key: n._id, stamp: n._updateStamp }))).toEqual(items);

    // Only about what was returned got built (plus one look-ahead per page), not the 260k-record table.
    expect(sim.control.generatedRecords()).toBeLessThan(items.length * 2 + 200);
    // Behaviour, not timing: materialising the table would take hundreds of MB.
    expect(process.memoryUsage().heapUsed - heapAtStart).toBeLessThan(150 * 1024 * 1024);
  }, 60_000);

  it('stops at an upper stamp bound in the middle of the table', async () => {
    const before = sim.control.generatedRecords();
    const { resources } = await pageRest(
      sim,
      restUrl(sim, 'GACCENTRY', {
        count: '100',
        orderBy: 'UPDDATTIM',
        where: 'UPDDATTIM ge @2023-01-01T00:00:00Z@ and UPDDATTIM lt @2023-01-02T00:00:00Z@',
      }),
    );
    expect(resources.length).toBeGreaterThan(50);
    expect(resources.every((r) => String(r.UPDDATTIM).startsWith('2023-01-01T'))).toBe(true);
    expect(sim.control.generatedRecords() - before).toBeLessThan(resources.length * 2 + 100);
  }, 60_000);
});
