import { TestClock } from '@mlc/core';
import { type SageX3Simulator, startSageX3Simulator } from '@mlc/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type X3Client,
  type X3ResponseError,
  basicAuth,
  createX3Client,
  isX3ResponseError,
} from '../../src/index.js';
import { rejectionOf } from '../rejection-of.js';

type Transport = 'rest' | 'graphql';
type Rewrite = (url: string, body: Record<string, unknown>) => Record<string, unknown>;

const SUPPLIERS = 57;
const PAGE = 10;

async function collect(iterable: AsyncIterable<string>, into: string[] = []): Promise<string[]> {
  for await (const key of iterable) into.push(key);
  return into;
}

/** The oracle: every key `changes()` reads (a different code path: stamp order, keyset paging), sorted. */
async function keysViaChanges(client: X3Client, entity: 'supplier' | 'account'): Promise<string[]> {
  const keys: string[] = [];
  for await (const change of client.changes(entity)) if (change.key !== undefined) keys.push(change.key);
  return keys.sort();
}

describe('keys() over real HTTP (simulator)', () => {
  let sim: SageX3Simulator;
  const clock = new TestClock('2024-06-01T08:00:00Z');
  const clients = {} as Record<Transport, X3Client>;
  /** Lets one test rewrite X3's JSON answers (a collation the simulator does not have). */
  let rewrite: Rewrite | undefined;

  const rewritingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    if (!rewrite || !response.ok || url.includes('__sim')) return response;
    const body = (await response.json()) as Record<string, unknown>;
    // Introspection passes through untouched.
    if ((body.data as { __schema?: unknown } | undefined)?.__schema) return Response.json(body);
    return Response.json(rewrite(url, body), { status: response.status });
  };

  beforeAll(async () => {
    sim = await startSageX3Simulator({
      seed: 5,
      size: {
        account: 23,
        journalEntry: 1,
        supplier: SUPPLIERS,
        product: 1,
        purchaseOrder: 1,
        salesInvoice: 1,
      },
      clock,
    });
    for (const transport of ['rest', 'graphql'] as const) {
      clients[transport] = createX3Client({
        baseUrl: sim.url,
        endpoint: sim.endpoint,
        auth: basicAuth(sim.credentials.basic),
        transport,
        clock,
        pageSize: PAGE,
        fetch: rewritingFetch,
      });
    }
  });
  afterAll(() => sim?.close());

  it('lists exactly the live keys, strictly ascending, after inserts and deletes — over both transports', async () => {
    const before = await keysViaChanges(clients.rest, 'supplier');
    expect(before).toHaveLength(SUPPLIERS);
    const gone = [before[0], before[17], before[SUPPLIERS - 1]] as string[];
    for (const key of gone) sim.control.delete('supplier', key);
    // Mixed case and punctuation: fine as long as the server sorts by UTF-16 code units (the simulator does).
    const added = ['ZZ-LAST', 'a-lower', '0-FIRST'];
    for (const key of added) sim.control.insert('supplier', { key });

    const expected = await keysViaChanges(clients.rest, 'supplier');
    expect(expected).toHaveLength(sim.control.count('supplier'));
    for (const transport of ['rest', 'graphql'] as const) {
      const keys = await collect(clients[transport].keys('supplier'));
      expect(keys).toEqual(expected);
      for (let i = 1; i < keys.length; i++) expect((keys[i - 1] as string) < (keys[i] as string)).toBe(true);
      for (const key of gone) expect(keys).not.toContain(key);
      for (const key of added) expect(keys).toContain(key);
    }
  });

  it('asks only for what it needs: REST orders by the class key and follows $next; GraphQL selects _id', async () => {
    sim.control.clearRequestLog();
    await collect(clients.rest.keys('supplier', { pageSize: 25 }));
    const rest = sim.control.requestLog().filter((e) => e.surface === 'rest');
    expect(rest.length).toBeGreaterThan(1);
    const first = new URL(rest[0]?.url ?? '', 'http://x');
    expect(first.searchParams.get('orderBy')).toBe('BPSNUM asc');
    expect(first.searchParams.get('count')).toBe('25');
    expect(first.searchParams.get('where')).toBeNull();
    for (const entry of rest.slice(1)) {
      expect(new URL(entry.url, 'http://x').searchParams.get('key')).toMatch(/^gt\./);
    }

    let sent = '';
    rewrite = (url, body) => {
      if (url.includes('/xtrem/')) sent = JSON.stringify(body);
      return body;
    };
    const bodies: string[] = [];
    const spy: typeof fetch = async (input, init) => {
      if (input instanceof Request && input.method === 'POST') bodies.push(await input.clone().text());
      else if (typeof init?.body === 'string') bodies.push(init.body);
      return rewritingFetch(input, init);
    };
    const gql = createX3Client({
      baseUrl: sim.url,
      endpoint: sim.endpoint,
      auth: basicAuth(sim.credentials.basic),
      transport: 'graphql',
      clock,
      pageSize: PAGE,
      fetch: spy,
    });
    try {
      await collect(gql.keys('supplier'));
    } finally {
      rewrite = undefined;
    }
    const keyQueries = bodies
      .map((b) => JSON.parse(b) as { query: string; variables: Record<string, unknown> })
      .filter((b) => b.query.includes('X3Keys_supplier'));
    expect(keyQueries.length).toBe(Math.ceil(sim.control.count('supplier') / PAGE));
    expect(keyQueries[0]?.query).toMatch(/edges \{ node \{ _id \} \}/);
    expect(keyQueries[0]?.variables).toMatchObject({ orderBy: '{_id: 1}', first: PAGE });
    expect(sent).toContain('"_id"');
  });

  it('lists composite REST keys (COA~ACC) ordered by both key parts, the same keys changes() yields', async () => {
    const expected = await keysViaChanges(clients.rest, 'account');
    sim.control.clearRequestLog();
    expect(await collect(clients.rest.keys('account', { pageSize: 7 }))).toEqual(expected);
    const first = new URL(sim.control.requestLog()[0]?.url ?? '', 'http://x');
    expect(first.searchParams.get('orderBy')).toBe('COA asc,ACC asc');
    expect(await collect(clients.graphql.keys('account', { pageSize: 7 }))).toEqual(expected);
  });

  it('a full last page without $next is confirmed with one more key=gt. request, not taken as the end', async () => {
    const count = sim.control.count('supplier');
    const expected = await keysViaChanges(clients.rest, 'supplier');
    sim.control.clearRequestLog();
    // One page holding everything: the simulator sends no $next, the page is full, so the client asks once more.
    expect(await collect(clients.rest.keys('supplier', { pageSize: count }))).toEqual(expected);
    const log = sim.control.requestLog().filter((e) => e.surface === 'rest');
    expect(log).toHaveLength(2);
    expect(new URL(log[1]?.url ?? '', 'http://x').searchParams.get('key')).toBe(
      `gt.${expected.at(-1) as string}`,
    );
  });

  describe('a server whose order is not UTF-16 code-unit order', () => {
    // A case-insensitive collation (SQL Server's default) puts 'a-lower' between '0…' and 'B…' keys; in UTF-16
    // every upper-case key sorts before it. Simulated by moving that resource to its case-insensitive place.
    const caseInsensitive = (resources: unknown[], keyOf: (r: unknown) => string): unknown[] =>
      [...resources].sort((a, b) => {
        const x = keyOf(a).toLowerCase();
        const y = keyOf(b).toLowerCase();
        return x < y ? -1 : x > y ? 1 : 0;
      });

    it.each(['rest', 'graphql'] as const)(
      '%s: throws X3_KEY_ORDER_UNEXPECTED naming both keys and never yields out of order',
      async (transport) => {
        if (!sim.control.get('supplier', 'a-lower')) sim.control.insert('supplier', { key: 'a-lower' });
        rewrite = (_url, body) => {
          if (Array.isArray(body.$resources)) {
            return {
              ...body,
              $resources: caseInsensitive(body.$resources, (r) => String((r as { BPSNUM: string }).BPSNUM)),
            };
          }
          const connection = (body.data as { x3MasterData?: { supplier?: { query?: { edges: unknown[] } } } })
            ?.x3MasterData?.supplier?.query;
          if (connection) {
            connection.edges = caseInsensitive(connection.edges, (e) =>
              String((e as { node: { _id: string } }).node._id),
            );
          }
          return body;
        };
        const yielded: string[] = [];
        try {
          // One page holds everything, so the re-sorted page is the whole (wrongly ordered) answer.
          const error = await rejectionOf(
            collect(clients[transport].keys('supplier', { pageSize: 1000 }), yielded),
          );
          expect(isX3ResponseError(error)).toBe(true);
          const e = error as X3ResponseError;
          expect(e.code).toBe('X3_KEY_ORDER_UNEXPECTED');
          expect(e.retryable).toBe(false);
          expect(e.previousKey).toBe('a-lower');
          expect(e.key).toBeDefined();
          expect((e.key as string) < 'a-lower').toBe(true);
          expect(e.message).toContain(`'${e.key as string}' after 'a-lower'`);
          expect(yielded.at(-1)).toBe('a-lower');
          expect(yielded).not.toContain(e.key);
          for (let i = 1; i < yielded.length; i++) {
            expect((yielded[i - 1] as string) < (yielded[i] as string)).toBe(true);
          }
        } finally {
          rewrite = undefined;
        }
      },
    );

    it('rest: a server that ignores the key=gt. position (page 2 repeats page 1) is caught, not looped', async () => {
      rewrite = (_url, body) => {
        const next = (body.$links as { $next?: { $url: string } } | undefined)?.$next;
        if (next) {
          const u = new URL(next.$url);
          u.searchParams.delete('key');
          u.searchParams.set('count', String(PAGE)); // differs from the first URL only by parameter order
          next.$url = u.toString();
        }
        return body;
      };
      try {
        const yielded: string[] = [];
        const error = await rejectionOf(collect(clients.rest.keys('supplier'), yielded));
        expect(error).toMatchObject({ code: 'X3_KEY_ORDER_UNEXPECTED' });
        expect(yielded).toHaveLength(PAGE);
        expect((error as X3ResponseError).previousKey).toBe(yielded.at(-1));
        expect((error as X3ResponseError).key).toBe(yielded[0]);
      } finally {
        rewrite = undefined;
      }
    });

    it('a record without its key stops the listing (X3_UNEXPECTED_RESPONSE) instead of being skipped', async () => {
      rewrite = (_url, body) => {
        if (Array.isArray(body.$resources)) {
          const [firstResource, ...others] = body.$resources as Array<Record<string, unknown>>;
          return { ...body, $resources: [{ ...firstResource, BPSNUM: '' }, ...others] };
        }
        return body;
      };
      try {
        const error = await rejectionOf(collect(clients.rest.keys('supplier')));
        expect(error).toMatchObject({ code: 'X3_UNEXPECTED_RESPONSE' });
        expect((error as Error).message).toContain('without its key (BPSNUM)');
      } finally {
        rewrite = undefined;
      }
    });
  });

  it('stops on abort', async () => {
    const controller = new AbortController();
    const keys: string[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const key of clients.graphql.keys('supplier', { signal: controller.signal })) {
          keys.push(key);
          if (keys.length === 3) controller.abort();
        }
      })(),
    );
    expect(error).toBeDefined();
    expect(keys.length).toBeLessThanOrEqual(PAGE);
  });

  it('unknown entity is a config error', () => {
    expect(() => clients.rest.keys('nope' as never)).toThrow(/Unknown entity 'nope'/);
  });
});
