import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDataset, jsonOf, pbi, secretToken } from './helpers.js';
import { type PowerBISimulator, startPowerBISimulator, TestClock } from './imports.js';

const T = [
  {
    name: 'T',
    columns: [
      { name: '_batch', dataType: 'String' },
      { name: 'n', dataType: 'Int64' },
    ],
  },
];

let sim: PowerBISimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function setup(options: Parameters<typeof startPowerBISimulator>[0] = {}) {
  const clock = new TestClock('2025-03-01T10:00:00Z');
  sim = await startPowerBISimulator({ clock, ...options });
  const api = pbi(sim, await secretToken(sim));
  const id = await createDataset(api, T);
  return { clock, api, id, sim };
}

const count = (batch: string) => `EVALUATE ROW("n", COUNTROWS(FILTER('T', 'T'[_batch] = "${batch}")) + 0)`;

describe('fault injection', () => {
  it('drop-after-apply: the client sees a socket error, yet the rows are stored and countable', async () => {
    const { api, id, sim } = await setup();
    sim.control.addFault({ kind: 'drop-after', routes: ['postRows'], times: 1 });
    await expect(
      api.postRows(id, 'T', [
        { _batch: 'b-1', n: 1 },
        { _batch: 'b-1', n: 2 },
      ]),
    ).rejects.toThrow(TypeError);
    expect(sim.control.rows(id, 'T')).toHaveLength(2);
    const q = await jsonOf<{ results: Array<{ tables: Array<{ rows: unknown[] }> }> }>(
      await api.query(id, count('b-1')),
    );
    expect(q.results[0]?.tables[0]?.rows).toEqual([{ '[n]': 2 }]);
    expect(sim.control.requests({ route: 'postRows' })[0]).toMatchObject({
      status: null,
      outcome: 'dropped-after',
      applied: true,
      rowCount: 2,
    });
    // `times: 1` retired the rule.
    expect(sim.control.faults()).toEqual([]);
    expect((await api.postRows(id, 'T', [{ _batch: 'b-2', n: 1 }])).status).toBe(200);
  });

  it('replace-body: answers the given raw body (a malformed executeQueries answer) once, then the real one', async () => {
    const { api, id, sim } = await setup();
    await api.postRows(id, 'T', [{ _batch: 'b-1', n: 1 }]);
    sim.control.addFault({
      kind: 'replace-body',
      routes: ['executeQueries'],
      body: '{"results":[{"tables":[]}]}',
      times: 1,
    });
    const malformed = await api.query(id, count('b-1'));
    expect(malformed.status).toBe(200);
    expect(await malformed.text()).toBe('{"results":[{"tables":[]}]}');
    const real = await jsonOf<{ results: Array<{ tables: Array<{ rows: unknown[] }> }> }>(
      await api.query(id, count('b-1')),
    );
    expect(real.results[0]?.tables[0]?.rows).toEqual([{ '[n]': 1 }]);
  });

  it('drop-before-apply: the client sees a socket error and no rows are stored', async () => {
    const { api, id, sim } = await setup();
    sim.control.setFaults([{ kind: 'drop-before', routes: ['postRows'], times: 1 }]);
    await expect(api.postRows(id, 'T', [{ _batch: 'b-1', n: 1 }])).rejects.toThrow(TypeError);
    expect(sim.control.rows(id, 'T')).toEqual([]);
    expect(sim.control.requests({ route: 'postRows' })[0]).toMatchObject({
      outcome: 'dropped-before',
      applied: false,
    });
  });

  it('injects 5xx and 429 storms without applying, then recovers', async () => {
    const { api, id, sim } = await setup();
    sim.control.setFaults([
      { kind: 'status', status: 503, routes: ['postRows'], times: 2 },
      { kind: 'throttle', retryAfterSeconds: 7, routes: ['postRows'], after: 2, times: 2 },
    ]);
    const statuses: Array<[number, string | null]> = [];
    for (let i = 0; i < 5; i++) {
      const res = await api.postRows(id, 'T', [{ n: i }]);
      statuses.push([res.status, res.headers.get('retry-after')]);
    }
    expect(statuses).toEqual([
      [503, null],
      [503, null],
      [429, '7'],
      [429, '7'],
      [200, null],
    ]);
    expect(sim.control.rows(id, 'T')).toEqual([{ _batch: null, n: 4 }]);
  });

  it('the token endpoint can fail with temporarily_unavailable', async () => {
    const { sim } = await setup();
    sim.control.addFault({ kind: 'status', status: 503, routes: ['token'], times: 1 });
    await expect(secretToken(sim)).rejects.toThrow(/503.*temporarily_unavailable/);
    await expect(secretToken(sim)).resolves.toMatch(/^eyJ/);
  });

  it('latency holds the response until the simulator clock advances', async () => {
    const { clock, api, id } = await setup();
    sim?.control.addFault({ kind: 'latency', latencyMs: 5_000, routes: ['getDataset'] });
    let settled = false;
    const pending = api.call('GET', `/datasets/${id}`).then((r) => {
      settled = true;
      return r;
    });
    await vi.waitFor(() => expect(clock.pendingSleeps).toBe(1));
    expect(settled).toBe(false);
    await clock.advance(5_000);
    expect((await pending).status).toBe(200);
  });

  it('ingestion lag: appended rows become visible to executeQueries only after the lag', async () => {
    const { clock, api, id, sim } = await setup({ faults: [{ kind: 'ingestion-lag', lagMs: 10_000 }] });
    expect((await api.postRows(id, 'T', [{ _batch: 'b-9', n: 1 }])).status).toBe(200);
    const read = async () =>
      (
        await jsonOf<{ results: Array<{ tables: Array<{ rows: Array<Record<string, number>> }> }> }>(
          await api.query(id, count('b-9')),
        )
      ).results[0]?.tables[0]?.rows[0]?.['[n]'];
    expect(await read()).toBe(0);
    expect(sim.control.rows(id, 'T')).toHaveLength(1);
    expect(sim.control.rows(id, 'T', { visibleOnly: true })).toHaveLength(0);
    await clock.advance(10_000);
    expect(await read()).toBe(1);
  });

  it('probabilistic faults are deterministic for a seed', async () => {
    const run = async () => {
      const {
        api,
        id,
        sim: s,
      } = await setup({
        seed: 42,
        faults: [{ kind: 'status', status: 500, probability: 0.5, routes: ['postRows'] }],
      });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await api.postRows(id, 'T', [{ n: i }])).status);
      await s.close();
      return out;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a).toContain(500);
    expect(a).toContain(200);
  });
});
