import { TestClock } from '@mlc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SageX3Simulator, startSageX3Simulator } from '../../src/index.js';
import { basicAuth, gql, restUrl } from './helpers.js';

/** The repair a client may apply: re-escape backslashes that do not start a valid JSON escape. */
const repair = (text: string): string => text.replace(/\\(?!["\\/bfnrtu])/g, '\\\\');

describe('Sage X3 simulator: faults', () => {
  let sim: SageX3Simulator;
  let clock: TestClock;
  beforeAll(async () => {
    clock = new TestClock('2024-01-10T00:00:00Z');
    sim = await startSageX3Simulator({ seed: 21, size: 'tiny', clock });
  });
  afterAll(() => sim.close());

  const get = (url = restUrl(sim, 'BPSUPPLIER', { count: '20' })) =>
    fetch(url, { headers: { authorization: basicAuth(sim) } });

  it('drops the connection, answers 5xx with the gateway body, and 429 with Retry-After', async () => {
    sim.control.setFaults({ next: ['connectionReset', 'serverError', 'throttle'], retryAfterSeconds: 7 });
    await expect(get()).rejects.toThrow();
    const err = await get();
    expect([500, 502, 503]).toContain(err.status);
    expect(await err.json()).toEqual({
      $severity: 'error',
      $dataCode: 'InternalServerError',
      $message: '',
      $source: 'Gateway',
    });
    const throttled = await get();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    expect((await get()).status).toBe(200); // forced faults are used up
    expect(
      sim.control
        .requestLog()
        .slice(-4)
        .map((e) => [e.status, e.faults]),
    ).toEqual([
      [0, ['connectionReset']],
      [err.status, ['serverError']],
      [429, ['throttle']],
      [200, []],
    ]);
  });

  it('sends malformed JSON with raw backslashes that a deterministic repair turns back into the clean page', async () => {
    const url = restUrl(sim, 'BPSUPPLIER', { count: '20' });
    const clean = await (await get(url)).json();
    sim.control.setFaults({ next: ['malformedJson'] });
    const text = await (await get(url)).text();
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    const repaired = JSON.parse(repair(text)) as Record<string, unknown>;
    const { $title, ...rest } = repaired;
    expect(rest).toEqual(clean);
  });

  it('returns partial GraphQL data together with errors', async () => {
    sim.control.setFaults({ next: ['graphqlPartialError'] });
    const { status, body } = await gql(
      sim,
      '{ x3Finance { journalEntry { query(first: 2) { edges { node { _id journalEntryLines { query { edges { node { lineNumber } } } } } } } } } }',
    );
    expect(status).toBe(200);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.message).toContain('Access denied');
    expect(body.errors?.[0]?.path).toEqual([
      'x3Finance',
      'journalEntry',
      'query',
      'edges',
      0,
      'node',
      'journalEntryLines',
    ]);
    const edges = (
      body.data as {
        x3Finance: { journalEntry: { query: { edges: Array<{ node: Record<string, unknown> }> } } };
      }
    ).x3Finance.journalEntry.query.edges;
    expect(edges).toHaveLength(2);
    expect(edges[0]?.node.journalEntryLines).toBeNull();
    expect(edges[1]?.node.journalEntryLines).not.toBeNull();
  });

  it('adds latency on the injected clock (the answer waits for the test clock, not real time)', async () => {
    sim.control.setFaults({ next: ['latency'], latencyMs: 2_000 });
    let done = false;
    const pending = get().then((r) => {
      done = true;
      return r;
    });
    while (clock.pendingSleeps === 0) await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    await clock.advance(2_000);
    expect((await pending).status).toBe(200);
  });

  it('draws rate-based faults from a seeded RNG: the same run gets the same faults', async () => {
    const run = async (): Promise<number[]> => {
      const s = await startSageX3Simulator({
        seed: 99,
        size: 'tiny',
        faults: { serverErrorRate: 0.2, throttleRate: 0.2, malformedJsonRate: 0.2 },
      });
      const out: number[] = [];
      try {
        for (let i = 0; i < 30; i++) {
          const res = await fetch(restUrl(s, 'ITMMASTER'), { headers: { authorization: basicAuth(s) } });
          const text = await res.text();
          let valid = true;
          try {
            JSON.parse(text);
          } catch {
            valid = false;
          }
          out.push(valid ? res.status : -res.status);
        }
      } finally {
        await s.close();
      }
      return out;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(a).toContain(200);
    expect(a).toContain(429);
    expect(a).toContain(-200);
    expect(a.some((s) => s >= 500)).toBe(true);
  });

  it('leaves the token endpoint alone unless asked', async () => {
    sim.control.setFaults({ serverErrorRate: 1 });
    const o = sim.credentials.oauth;
    const res = await fetch(o.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'refresh_token',
        refresh_token: o.refreshToken,
        client_id: o.clientId,
        client_secret: o.clientSecret,
      }),
    });
    expect(res.status).toBe(200);
    expect((await get()).status).toBeGreaterThanOrEqual(500);
    sim.control.setFaults({ serverErrorRate: 1, surfaces: ['token'] });
    expect((await get()).status).toBe(200);
    sim.control.clearFaults();
  });
});
