import { TestClock } from '@mlc/core';
import { describe, expect, it } from 'vitest';
import { X3FilterError, basicAuth, createX3Client, sdata } from '../../src/index.js';

// Recorded shape: X3 answers a `where` naming an unknown property with HTTP 500 ([documented] reference §1.4) and,
// on the servers reported in issue 11, an empty body.
const bare500 = () => new Response(null, { status: 500 });
const page = (resources: unknown[]) =>
  Response.json({ $itemsPerPage: 20, $resources: resources, $links: {} });
const SUPPLIER = { BPSNUM: 'S1', BPSNAM: 'Acme', UPDDATTIM: '2024-01-01T00:00:00Z' };

function client(
  responses: Array<() => Response>,
  retry: false | { maxAttempts: number } = { maxAttempts: 5 },
) {
  const clock = new TestClock();
  const seen: string[] = [];
  const fetch = (async (input: Request) => {
    seen.push(new URL(input.url).search);
    const next = responses.shift();
    if (!next) throw new Error('unexpected request');
    return next();
  }) as unknown as typeof globalThis.fetch;
  const x3 = createX3Client({
    baseUrl: 'https://x3.example.com:8124',
    endpoint: 'SEED',
    auth: basicAuth({ user: 'u', password: 'p-planted' }),
    fetch,
    clock,
    retry,
  });
  const read = () =>
    clock.run(
      (async () => {
        const out: unknown[] = [];
        for await (const p of x3.rest.query({
          className: 'BPSUPPLIER',
          representation: 'BPSUPPLIER',
          where: sdata.and(sdata.eq('BPSNAM', 'Acme'), sdata.eq('NOSUCHFIELD', 1)),
        }))
          out.push(...p.resources);
        return out;
      })(),
    );
  return { read, seen };
}

describe('a filtered query answered by a bare 500', () => {
  it('probes once without the filter and throws X3FilterError naming the filter, without retries', async () => {
    const { read, seen } = client([bare500, () => page([SUPPLIER]), bare500]);
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X3FilterError);
    const e = error as X3FilterError;
    expect(e).toMatchObject({
      code: 'X3_FILTER_INVALID',
      retryable: false,
      status: 500,
      field: 'NOSUCHFIELD',
    });
    expect(e.filter).toBe("(BPSNAM eq 'Acme') and (NOSUCHFIELD eq 1)");
    expect(e.message).toContain("where=(BPSNAM eq 'Acme') and (NOSUCHFIELD eq 1)");
    expect(seen).toHaveLength(3);
    const probe = new URLSearchParams(seen[1]);
    expect(probe.has('where')).toBe(false);
    expect(probe.get('count')).toBe('1');
    expect(new URLSearchParams(seen[2]).get('where')).toContain('NOSUCHFIELD');
  });

  it('a passing 500 is not taken for a bad filter: the resend after a good probe answers', async () => {
    const { read, seen } = client([bare500, () => page([SUPPLIER]), () => page([SUPPLIER])]);
    expect(await read()).toEqual([SUPPLIER]);
    expect(seen).toHaveLength(3);
  });

  it('when the probe fails too, the server is at fault: ordinary retries go on, no second probe', async () => {
    const { read, seen } = client([bare500, bare500, bare500, bare500, () => page([SUPPLIER])]);
    expect(await read()).toEqual([SUPPLIER]);
    // 500, probe 500, retry 500 (not diagnosed again), retry 500, retry 200.
    expect(seen.map((q) => new URLSearchParams(q).has('where'))).toEqual([true, false, true, true, true]);
  });

  it('diagnoses even with retries turned off', async () => {
    const { read } = client([bare500, () => page([SUPPLIER]), bare500], false);
    expect(await read().catch((e: unknown) => e)).toBeInstanceOf(X3FilterError);
  });

  it('an unfiltered 500 is retried as before, never probed', async () => {
    const clock = new TestClock();
    const seen: string[] = [];
    const responses = [bare500, () => page([SUPPLIER])];
    const x3 = createX3Client({
      baseUrl: 'https://x3.example.com:8124',
      endpoint: 'SEED',
      auth: basicAuth({ user: 'u', password: 'p-planted' }),
      fetch: (async (input: Request) => {
        seen.push(new URL(input.url).search);
        return (responses.shift() as () => Response)();
      }) as unknown as typeof globalThis.fetch,
      clock,
    });
    const out = await clock.run(
      (async () => {
        const r: unknown[] = [];
        for await (const p of x3.rest.query({ className: 'BPSUPPLIER', representation: 'BPSUPPLIER' }))
          r.push(...p.resources);
        return r;
      })(),
    );
    expect(out).toEqual([SUPPLIER]);
    expect(seen).toHaveLength(2);
    expect(new URLSearchParams(seen[1]).get('count')).not.toBe('1');
  });
});
