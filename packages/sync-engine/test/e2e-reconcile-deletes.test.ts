import { basicAuth, createX3Client, isX3ResponseError } from '@mlc/sage-x3-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type X3StreamsOptions, x3Source, x3Streams } from '../src/sage-x3.js';
import { countBy, type Loop, startLoop } from './e2e-helpers.js';

// Delete reconciliation of a `replace` stream (suppliers) against the Sage X3 simulator, end to end into the
// Power BI simulator. The source's key list comes from the real client (`keys()`), over real loopback HTTP.

let loop: Loop | undefined;
afterEach(async () => {
  await loop?.close();
  loop = undefined;
});

const ONLY_SUPPLIERS = (suppliers: NonNullable<X3StreamsOptions['suppliers']>): X3StreamsOptions => ({
  glAccounts: false,
  glEntryLines: false,
  suppliers,
  purchaseOrders: false,
  salesInvoices: false,
  products: false,
});

/** Supplier keys in the Power BI table, checking each appears once. */
function tableKeys(l: Loop): string[] {
  const counts = countBy(l.rows('Suppliers'), 'key');
  for (const [key, n] of counts) expect(n, `supplier ${key} rows`).toBe(1);
  return [...counts.keys()].sort();
}

/** Live supplier keys, read through `changes()` (stamp order: a different path from `keys()`). */
async function liveKeys(l: Loop): Promise<string[]> {
  const keys: string[] = [];
  for await (const change of l.x3.changes('supplier')) if (change.key !== undefined) keys.push(change.key);
  return keys.sort();
}

type Listing = 'utf16' | 'case-insensitive' | 'fail-page-2';

/**
 * An X3 client whose key listings can be altered: re-sorted case-insensitively (as a SQL Server default
 * collation would), or failing on their second page. Only key listings are touched (REST: `orderBy` by the class
 * key with no `where`; GraphQL: the `X3Keys_` operation); change reads pass through.
 */
function alterableClient(l: Loop, transport: 'rest' | 'graphql', pageSize: number) {
  const state: { listing: Listing; keyPages: number } = { listing: 'utf16', keyPages: 0 };
  const ci = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a > b ? 1 : 0);
  const altered: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const text = request.method === 'POST' ? await request.clone().text() : '';
    const isKeys =
      text.includes('X3Keys_') ||
      (request.method === 'GET' && /orderBy=BPSNUM/.test(request.url) && !/where=/.test(request.url));
    const response = await fetch(request);
    if (!isKeys || state.listing === 'utf16') return response;
    state.keyPages += 1;
    if (state.listing === 'fail-page-2' && state.keyPages >= 2) {
      return Response.json({ $diagnoses: [{ $severity: 'error', $message: 'planted' }] }, { status: 400 });
    }
    const body = (await response.json()) as Record<string, unknown>;
    if (state.listing === 'case-insensitive') {
      if (Array.isArray(body.$resources)) {
        (body.$resources as Array<{ BPSNUM: string }>).sort((a, b) => ci(a.BPSNUM, b.BPSNUM));
      } else {
        const edges = (body as { data: { x3MasterData: { supplier: { query: { edges: unknown[] } } } } }).data
          .x3MasterData.supplier.query.edges as Array<{ node: { _id: string } }>;
        edges.sort((a, b) => ci(a.node._id, b.node._id));
      }
    }
    return Response.json(body, { status: response.status });
  };
  const client = createX3Client({
    baseUrl: l.x3sim.url,
    endpoint: l.x3sim.endpoint,
    transport,
    auth: basicAuth(l.x3sim.credentials.basic),
    pageSize,
    clock: l.clock,
    retry: false,
    fetch: altered,
  });
  return { client, state };
}

/** Points the loop's only stream (suppliers, reconcileDeletes on) at a source over `client`. */
function useSuppliersOver(l: Loop, client: ReturnType<typeof alterableClient>['client']): void {
  l.streams.splice(
    0,
    l.streams.length,
    ...x3Streams(client, ONLY_SUPPLIERS({ reconcileDeletes: true, source: x3Source(client, 'supplier') })),
  );
}

describe('reconcileDeletes on a replace stream, Sage X3 simulator → engine → Power BI simulator', () => {
  it.each(['rest', 'graphql'] as const)(
    '%s: deleted suppliers leave the table; a supplier the ledger lacks is neither deleted nor invented',
    async (transport) => {
      loop = await startLoop({ transport, streams: ONLY_SUPPLIERS({ reconcileDeletes: true }) });
      const l = loop;
      const first = await l.clock.run(l.sync().runStream('suppliers'));
      expect(first).toMatchObject({ status: 'completed', recordsQuarantined: 0 });
      const all = await liveKeys(l);
      expect(tableKeys(l)).toEqual(all);

      const deleted = [all[2], all[9]] as string[];
      for (const key of deleted) l.x3sim.control.delete('supplier', key);
      // Stamped now: after `until` (now − safety lag), so this run does not read it, yet keys() lists it.
      l.x3sim.control.insert('supplier', {
        key: 'NEW-AFTER-UNTIL',
        at: new Date(l.clock.now()).toISOString(),
      });
      const listed: string[] = [];
      for await (const key of l.x3.keys('supplier')) listed.push(key);
      expect(listed).toContain('NEW-AFTER-UNTIL');

      const second = await l.clock.run(l.sync().runStream('suppliers'));
      expect(second).toMatchObject({ status: 'completed' });
      const remaining = all.filter((k) => !deleted.includes(k));
      expect(tableKeys(l)).toEqual(remaining);

      // The key only the source had arrives through the normal read once it is older than the safety lag.
      await l.clock.advance(5 * 60_000);
      const third = await l.clock.run(l.sync().runStream('suppliers'));
      expect(third).toMatchObject({ status: 'completed', recordsQuarantined: 0 });
      expect(tableKeys(l)).toEqual([...remaining, 'NEW-AFTER-UNTIL'].sort());
      expect(tableKeys(l)).toEqual(await liveKeys(l));

      // Nothing changed since: no rebuild, nothing posted.
      const quiet = await l.clock.run(l.sync().runStream('suppliers'));
      expect(quiet).toMatchObject({ status: 'completed', rowsPosted: 0 });
    },
    60_000,
  );

  it.each(['rest', 'graphql'] as const)(
    '%s: a server collation that is not UTF-16 order fails the run loudly and deletes nothing',
    async (transport) => {
      loop = await startLoop({ transport });
      const l = loop;
      // One page holds every key, so a re-sorted page is the whole listing as such a server would order it.
      const { client, state } = alterableClient(l, transport, 1000);
      useSuppliersOver(l, client);
      // A lower-case key: UTF-16 puts it after every upper-case key, a case-insensitive collation before them.
      l.x3sim.control.insert('supplier', { key: 'a-lower', at: '2024-04-01T00:00:00Z' });

      expect(await l.clock.run(l.sync().runStream('suppliers'))).toMatchObject({ status: 'completed' });
      const all = await liveKeys(l);
      expect(all).toContain('a-lower');
      expect(tableKeys(l)).toEqual(all);
      const posts = l.pbisim.control.requests({ route: 'postRows' }).length;

      const deleted = all[4] as string;
      l.x3sim.control.delete('supplier', deleted);
      state.listing = 'case-insensitive';
      const failure = await l.clock.run(l.sync().runStream('suppliers')).catch((e: unknown) => e);
      expect(isX3ResponseError(failure)).toBe(true);
      expect(failure).toMatchObject({ code: 'X3_KEY_ORDER_UNEXPECTED' });
      // Nothing was deleted or re-posted: the table still holds every supplier, the deleted one included.
      expect(tableKeys(l)).toEqual(all);
      expect(l.pbisim.control.requests({ route: 'postRows' }).length).toBe(posts);

      state.listing = 'utf16';
      expect(await l.clock.run(l.sync().runStream('suppliers'))).toMatchObject({ status: 'completed' });
      expect(tableKeys(l)).toEqual(all.filter((k) => k !== deleted));
    },
    60_000,
  );

  it('a key listing that fails mid-way fails the run loudly and deletes nothing; the next run reconciles', async () => {
    loop = await startLoop({ transport: 'rest' });
    const l = loop;
    const { client, state } = alterableClient(l, 'rest', 5);
    useSuppliersOver(l, client);
    expect(await l.clock.run(l.sync().runStream('suppliers'))).toMatchObject({ status: 'completed' });
    const all = await liveKeys(l);
    // Both deletions sit on the first page of keys; the listing then breaks on its second page.
    const deleted = [all[0], all[3]] as string[];
    for (const key of deleted) l.x3sim.control.delete('supplier', key);
    state.listing = 'fail-page-2';
    const failure = await l.clock.run(l.sync().runStream('suppliers')).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(state.keyPages).toBeGreaterThanOrEqual(2);
    expect(tableKeys(l)).toEqual(all);

    state.listing = 'utf16';
    expect(await l.clock.run(l.sync().runStream('suppliers'))).toMatchObject({ status: 'completed' });
    expect(tableKeys(l)).toEqual(all.filter((k) => !deleted.includes(k)));
  }, 60_000);
});
