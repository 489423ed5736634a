// x3Source asks the engine (SourceReadRequest.holds) which records of a page the ledger holds before the client
// parses the page: held records are not parsed, and every outcome stays what a whole-page parse gives (same keys,
// stamps, fingerprints and raw records; a damaged page fails with X3_MALFORMED_JSON before any record is yielded).
import { TestClock } from '@mlc/core';
import { basicAuth, createX3Client, isX3ResponseError } from '@mlc/sage-x3-client';
import { type SageX3Simulator, startSageX3Simulator } from '@mlc/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SourceItem, SourceReadRequest } from '../src/index.js';
import { x3Source } from '../src/sage-x3.js';

const UNTIL = '2024-06-01T00:00:00Z';
/** A member of every account record's text, by transport (never in a page's envelope). */
const MEMBER = { rest: '"DES":', graphql: '"localizedDescription":' } as const;
/** A member of every page's envelope (never in a record), by transport. */
const ENVELOPE = { rest: '"$itemsPerPage":', graphql: '"hasNextPage":' } as const;

let sim: SageX3Simulator;
const clock = new TestClock(UNTIL);
/** Rewrites the text of each page of records the client receives (none when undefined). */
let rewrite: ((text: string) => string) | undefined;

const rewritingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const text = await response.clone().text();
  if (!rewrite || !(text.includes('"$resources"') || text.includes('"edges"'))) return response;
  return new Response(rewrite(text), { status: response.status, headers: response.headers });
};

function sourceOf(transport: 'rest' | 'graphql') {
  const client = createX3Client({
    baseUrl: sim.url,
    endpoint: sim.endpoint,
    auth: basicAuth(sim.credentials.basic),
    transport,
    clock,
    pageSize: 25,
    fetch: rewritingFetch,
  });
  return x3Source(client, 'account');
}

/** Reads everything; `held` answers the source's questions (none asked without it). */
async function read(transport: 'rest' | 'graphql', held?: (fingerprint: string) => boolean) {
  const asked: Array<Array<{ key: string; fingerprint: string; held: boolean }>> = [];
  const request: SourceReadRequest = { until: UNTIL };
  if (held)
    request.holds = async (records) => {
      const answers = records.map((r) => held(r.fingerprint));
      asked.push(records.map((r, i) => ({ ...r, held: answers[i]! })));
      return answers;
    };
  const items: SourceItem<unknown>[] = [];
  let error: unknown;
  try {
    for await (const item of sourceOf(transport).read(request)) items.push(item);
  } catch (caught) {
    error = caught;
  }
  return { items, asked, error };
}

/** What the engine reads of an item, with its raw record and its validation. */
function facts(item: SourceItem<unknown>) {
  return {
    ok: item.ok,
    key: item.key,
    stamp: item.stamp,
    fingerprint: item.ok === false ? undefined : item.fingerprint,
    raw: item.raw,
    validated: item.ok === 'unvalidated' ? item.validate() : item,
  };
}

beforeAll(async () => {
  sim = await startSageX3Simulator({
    seed: 11,
    size: 'tiny',
    history: { from: '2024-01-01T00:00:00Z', to: '2024-05-01T00:00:00Z' },
    clock,
  });
});

afterAll(async () => {
  await sim.close();
});

describe.each(['rest', 'graphql'] as const)('x3Source asking the ledger before parsing (%s)', (transport) => {
  it('leaves held records unparsed, and yields what a read without the question yields', async () => {
    rewrite = undefined;
    const plain = await read(transport);
    expect(plain.error).toBeUndefined();
    expect(plain.items.length).toBe(30);
    const ledger = new Set(plain.items.map((i) => (i.ok === false ? '' : i.fingerprint)));
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const asked = await read(transport, (f) => ledger.has(f));
      const recordParses = () =>
        parse.mock.calls.filter(([text]) => typeof text === 'string' && text.includes(MEMBER[transport]))
          .length;
      expect(recordParses(), 'no held record was parsed').toBe(0);
      // One question per page (30 records, pages of 25), about every record, each found held.
      expect(asked.asked.map((page) => page.length)).toEqual([25, 5]);
      expect(asked.asked.flat().every((r) => r.held)).toBe(true);
      expect(asked.asked.flat().map((r) => r.fingerprint)).toEqual(
        plain.items.map((i) => (i.ok === false ? '' : i.fingerprint)),
      );
      expect(asked.items.map(facts)).toEqual(plain.items.map(facts));
      expect(recordParses(), 'each raw record read was parsed from its text, once').toBe(30);
    } finally {
      parse.mockRestore();
    }
  });

  it('fails with X3_MALFORMED_JSON, yielding nothing, when the page around held records is damaged', async () => {
    rewrite = undefined;
    const ledger = new Set((await read(transport)).items.map((i) => (i.ok === false ? '' : i.fingerprint)));
    // An invalid value in the envelope, which only a parse tells (the page's structure scans as before).
    rewrite = (text) => text.replace(ENVELOPE[transport], `${ENVELOPE[transport]}x`);
    const damaged = await read(transport, (f) => ledger.has(f));
    expect(damaged.asked.length, 'the records were asked about').toBeGreaterThan(0);
    expect(damaged.items).toHaveLength(0);
    expect(isX3ResponseError(damaged.error) && damaged.error.code).toBe('X3_MALFORMED_JSON');
  });

  it('fails with X3_MALFORMED_JSON, yielding nothing, when a record it does not hold is broken', async () => {
    rewrite = undefined;
    const ledger = new Set((await read(transport)).items.map((i) => (i.ok === false ? '' : i.fingerprint)));
    // An invalid value in the first record of each page, which only a parse tells.
    rewrite = (text) => text.replace(MEMBER[transport], `${MEMBER[transport]}x,"y":`);
    const broken = await read(transport, (f) => ledger.has(f));
    expect(broken.asked[0]?.filter((r) => !r.held)).toHaveLength(1);
    expect(broken.items).toHaveLength(0);
    expect(isX3ResponseError(broken.error) && broken.error.code).toBe('X3_MALFORMED_JSON');
  });

  it('parses a held record whose text changed (another fingerprint), and yields it as a read without the question', async () => {
    rewrite = undefined;
    const ledger = new Set((await read(transport)).items.map((i) => (i.ok === false ? '' : i.fingerprint)));
    rewrite = (text) => text.replace(`${MEMBER[transport]}"`, `${MEMBER[transport]}"Changed `);
    const plain = await read(transport);
    const asked = await read(transport, (f) => ledger.has(f));
    // The first record of each of the two pages changed.
    expect(asked.asked.map((page) => page.filter((r) => !r.held).length)).toEqual([1, 1]);
    expect(asked.items.map(facts)).toEqual(plain.items.map(facts));
    expect(JSON.stringify(asked.items.map((i) => i.raw))).toContain('Changed ');
  });

  it('parses a page with a number a double cannot hold as before, without asking', async () => {
    rewrite = (text) => text.replace(MEMBER[transport], `"BIG":12345678901234567890,${MEMBER[transport]}`);
    const plain = await read(transport);
    const ledger = new Set(plain.items.map((i) => (i.ok === false ? '' : i.fingerprint)));
    const asked = await read(transport, (f) => ledger.has(f));
    // Each page holds the long number (in its first record) and is parsed whole.
    expect(asked.asked).toHaveLength(0);
    expect(asked.items.map(facts)).toEqual(plain.items.map(facts));
    expect(asked.items[0]?.raw).toMatchObject({ BIG: '12345678901234567890' });
  });
});
