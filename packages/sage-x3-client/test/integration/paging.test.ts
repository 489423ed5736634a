import { createHash } from 'node:crypto';
import { startSageX3Simulator, type SageX3Simulator } from '@mlc/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStamp as parseCoreStamp } from '@mlc/core';
import { basicAuth, createX3Client, type X3Client } from '../../src/index.js';

const parseStamp = (stamp: string): number => parseCoreStamp(stamp)?.epochMs ?? Number.NaN;

// 50k+ products with bulk postings (runs of 50–400 equal stamps), read incrementally over both transports with a
// page size that does not divide the groups, so equal-stamp groups straddle page boundaries many times.
const COUNT = 50_500;
const PAGE = 997;

interface Summary {
  count: number;
  keys: Set<string>;
  digest: string;
  straddles: number;
  invalid: number;
}

async function readAll(client: X3Client, since?: string): Promise<Summary> {
  const hash = createHash('sha256');
  const keys = new Set<string>();
  let count = 0;
  let straddles = 0;
  let invalid = 0;
  let prev: { ms: number; key: string; stamp: string } | undefined;
  for await (const change of client.changes('product', { pageSize: PAGE, ...(since ? { since } : {}) })) {
    if (!change.ok) {
      invalid++;
      continue;
    }
    const ms = parseStamp(change.stamp);
    if (prev) {
      // Ordered by (stamp, key), strictly: no record twice.
      expect(ms > prev.ms || (ms === prev.ms && change.key > prev.key)).toBe(true);
      if (count % PAGE === 0 && ms === prev.ms) straddles++;
    }
    expect(keys.has(change.key)).toBe(false);
    keys.add(change.key);
    hash.update(JSON.stringify(change.record));
    prev = { ms, key: change.key, stamp: change.stamp };
    count++;
  }
  return { count, keys, digest: hash.digest('hex'), straddles, invalid };
}

describe('incremental paging over real HTTP (simulator)', () => {
  let sim: SageX3Simulator;
  const clients: Record<'rest' | 'graphql', X3Client> = {} as never;

  beforeAll(async () => {
    sim = await startSageX3Simulator({
      seed: 7,
      size: { account: 5, journalEntry: 5, supplier: 5, product: COUNT, purchaseOrder: 5, salesInvoice: 5 },
      maxPageSize: 1000,
    });
    for (const transport of ['rest', 'graphql'] as const) {
      clients[transport] = createX3Client({
        baseUrl: sim.url,
        endpoint: sim.endpoint,
        auth: basicAuth(sim.credentials.basic),
        transport,
      });
    }
  });
  afterAll(() => sim?.close());

  it('reads every record exactly once, in (stamp, key) order, identically over REST and GraphQL', async () => {
    const rest = await readAll(clients.rest);
    const graphql = await readAll(clients.graphql);
    expect(rest.count).toBe(sim.control.count('product'));
    expect(rest.count).toBeGreaterThanOrEqual(50_000);
    expect(rest.invalid).toBe(0);
    expect(graphql.count).toBe(rest.count);
    expect(graphql.digest).toBe(rest.digest);
    // The run really exercised groups straddling page boundaries.
    expect(rest.straddles).toBeGreaterThan(3);
    expect(graphql.straddles).toBe(rest.straddles);
  }, 120_000);

  it('resumes inclusively from a stamp inside an equal-stamp group and sees updates', async () => {
    // Find a bulk group, then resume from its stamp: the whole group is re-read (since is inclusive).
    const seen: Array<{ key: string; stamp: string }> = [];
    for await (const change of clients.rest.changes('product', { pageSize: 500 })) {
      seen.push({ key: change.key ?? '', stamp: change.stamp ?? '' });
      if (seen.length >= 3000) break;
    }
    // The biggest equal-stamp group among the first records (bulk postings hold 50–400).
    const sizes = new Map<string, number>();
    for (const s of seen.slice(0, -400)) sizes.set(s.stamp, (sizes.get(s.stamp) ?? 0) + 1);
    const groupStamp = [...sizes.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    const groupKeys = seen.filter((s) => s.stamp === groupStamp).map((s) => s.key);
    expect(groupKeys.length).toBeGreaterThan(20);
    const updated = sim.control.update('product', groupKeys[0]!, { values: { description1: 'changed' } });
    const until = new Date(parseStamp(groupStamp) + 1000).toISOString();
    for (const transport of ['rest', 'graphql'] as const) {
      const got: string[] = [];
      for await (const change of clients[transport].changes('product', {
        since: groupStamp,
        until,
        pageSize: 7,
      })) {
        got.push(change.key ?? '');
      }
      // The group minus the updated record, in key order, across many 7-record pages.
      expect(got).toEqual(groupKeys.slice(1));
      const after: Array<{ key?: string; stamp?: string }> = [];
      for await (const change of clients[transport].changes('product', { since: updated.updatedAt }))
        after.push(change);
      expect(after).toMatchObject([
        { key: updated.key, stamp: updated.updatedAt, record: { description: 'changed' } },
      ]);
    }
  }, 60_000);

  it('respects until (exclusive)', async () => {
    const until = '2023-01-01T00:00:00Z';
    for (const transport of ['rest', 'graphql'] as const) {
      let last = '';
      let n = 0;
      for await (const change of clients[transport].changes('product', {
        since: '2022-12-01T00:00:00Z',
        until,
        pageSize: 1000,
      })) {
        last = change.stamp ?? '';
        n++;
      }
      expect(n).toBeGreaterThan(0);
      expect(parseStamp(last)).toBeLessThan(Date.parse(until));
    }
  }, 60_000);
});
