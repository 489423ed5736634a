import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineX3Entity, normalizeRecord, x3Code, x3Instant } from '../../src/index.js';
import { graphqlChanges } from '../../src/changes/graphql-changes.js';
import { restChanges, restRecords } from '../../src/changes/rest-changes.js';
import { type X3RecordIdentity, readIdentity } from '../../src/entities/normalize-record.js';
import type { X3RestPage } from '../../src/rest/rest-transport.js';

// Issue 9 finding 4: a null key on the last record of a page stopped the stream for good (the next page's cursor
// was built from the page's last record). Paging must never depend on one record's content.
const entity = defineX3Entity({
  name: 'thing',
  schema: z.object({ key: x3Code, updatedAt: x3Instant }),
  rest: { className: 'THING', representation: 'THING', keyFields: ['ID'], fields: {} },
  graphql: { packageName: 'x3Things', nodeName: 'thing', fields: {} },
});

const rec = (id: unknown, stamp: unknown) => ({ ID: id, UPDDATTIM: stamp });

function restContext(pages: Array<Partial<X3RestPage> & { resources: unknown[] }>) {
  const urls: string[] = [];
  let i = 0;
  return {
    urls,
    context: {
      pageSize: 3,
      location: { baseUrl: 'http://x3/', endpoint: 'SEED' },
      transport: {
        async getPage(url: string): Promise<X3RestPage> {
          urls.push(decodeURIComponent(url));
          const page = pages[i++] ?? { resources: [] };
          return { url, repairs: 0, itemsPerPage: 3, ...page };
        },
      },
    } as unknown as Parameters<typeof restChanges>[0],
  };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('REST paging is robust to bad keys and stamps at any position', () => {
  it('a null key on the last record of a page: dead-lettered, paging goes on from the last valid record', async () => {
    const { context, urls } = restContext([
      {
        resources: [
          rec('A', '2024-01-01T00:00:01Z'),
          rec('B', '2024-01-01T00:00:02Z'),
          rec(null, '2024-01-01T00:00:03Z'),
        ],
      },
      { resources: [rec('D', '2024-01-01T00:00:04Z')] },
    ]);
    const changes = await collect(restChanges(context, entity, {}));
    expect(changes.map((c) => [c.ok, c.key])).toEqual([
      [true, 'A'],
      [true, 'B'],
      [false, undefined],
      [true, 'D'],
    ]);
    expect(changes[2]?.ok === false && changes[2].error.field).toBe('key');
    expect(urls[1]).toContain("ID gt 'B'");
    expect(urls[1]).toContain('2024-01-01T00:00:02Z');
  });

  it('malformed and impossible stamps anywhere in a page never become the cursor', async () => {
    const { context, urls } = restContext([
      {
        resources: [
          rec('A', 'yesterday'),
          rec('B', '2024-01-01T00:00:02Z'),
          rec('C', '2024-02-30T00:00:00Z'),
        ],
      },
      { resources: [rec('D', null), rec('E', '2024-01-01T00:00:05Z')] },
    ]);
    const changes = await collect(restChanges(context, entity, {}));
    expect(changes.map((c) => [c.ok, c.key])).toEqual([
      [false, 'A'],
      [true, 'B'],
      [false, 'C'],
      [false, 'D'],
      [true, 'E'],
    ]);
    expect(urls[1]).toContain("ID gt 'B'");
  });

  it('a page with no valid position follows the server $links.$next; without one it was the last page', async () => {
    const { context, urls } = restContext([
      {
        resources: [rec(null, null), rec('', 'x'), rec(null, '2024-01-01T00:00:03Z')],
        nextUrl: 'http://x3/next-page',
      },
      { resources: [rec('D', '2024-01-01T00:00:04Z')] },
    ]);
    const changes = await collect(restChanges(context, entity, {}));
    expect(changes.map((c) => c.ok)).toEqual([false, false, false, true]);
    expect(urls[1]).toBe('http://x3/next-page');
    // [documented] Sage's own paging loop stops when `$links.$next` is absent: a full page of records without a
    // valid position and without the link ends the read (every record of it yielded, to be dead-lettered), instead
    // of failing the run (a fuzz run found a full last page of such records failing the stream).
    const last = restContext([{ resources: [rec(null, null), rec(null, null), rec(null, null)] }]);
    const tail = await collect(restChanges(last.context, entity, {}));
    expect(tail.map((c) => c.ok)).toEqual([false, false, false]);
    expect(last.urls).toHaveLength(1);
  });
});

// restRecords reads each record's key and stamp for its paging and hands them to `emit`, so that validation does
// not read them again: what it hands over must be exactly what readIdentity reads, for every shape of key and stamp.
describe('restRecords hands each record its identity, read once', () => {
  const lines = defineX3Entity({
    name: 'line',
    schema: z.object({ key: x3Code, updatedAt: x3Instant }),
    rest: { className: 'LINE', representation: 'LINE', keyFields: ['DOC', 'LIG'], fields: {} },
  });
  const stamp = '2024-01-01T00:00:01Z';
  const records: unknown[] = [
    { DOC: 'A', LIG: 1, UPDDATTIM: stamp },
    { DOC: 'A', LIG: 0, UPDDATTIM: stamp },
    { DOC: 'A', LIG: -0, UPDDATTIM: stamp },
    { DOC: 'A', LIG: 1.5e21, UPDDATTIM: stamp },
    { DOC: 'A~B', LIG: 'x', UPDDATTIM: stamp },
    { DOC: 'A', LIG: '', UPDDATTIM: stamp },
    { DOC: 'A', LIG: Number.NaN, UPDDATTIM: stamp },
    { DOC: 'A', LIG: null, UPDDATTIM: stamp },
    { DOC: 'A', LIG: true, UPDDATTIM: stamp },
    { DOC: 'A', UPDDATTIM: stamp },
    { DOC: 'A', LIG: 2, UPDDATTIM: '' },
    { DOC: 'A', LIG: 2, UPDDATTIM: 20240101 },
    { DOC: 'A', LIG: 2, UPDDATTIM: 'not a stamp' },
    { DOC: 'A', LIG: 2 },
    null,
    'text',
    [1, 2],
  ];

  it('the identity emitted is readIdentity of the record, for every key and stamp shape', async () => {
    const { context } = restContext([{ resources: records }]);
    const emitted = await collect(
      restRecords(context, lines, {}, (raw, _text, identity: X3RecordIdentity) => ({ raw, identity })),
    );
    expect(emitted.map((e) => e.raw)).toEqual(records);
    for (const { raw, identity } of emitted) expect(identity).toStrictEqual(readIdentity(lines, 'rest', raw));
  });

  it('changes() yields what normalizeRecord makes of each record, invalid keys and stamps included', async () => {
    const { context } = restContext([{ resources: records }]);
    const changes = await collect(restChanges(context, lines, {}));
    expect(changes).toStrictEqual(records.map((raw) => normalizeRecord(lines, 'rest', raw)));
  });
});

describe('GraphQL paging is robust to bad nodes', () => {
  it('a null node, or a node without _id whose lines say hasNextPage, is yielded invalid; paging goes on', async () => {
    const pages = [
      {
        edges: [
          { node: { _id: 'A', _updateStamp: '2024-01-01T00:00:01Z' } },
          { node: null },
          { node: { _id: null, _updateStamp: '2024-01-01T00:00:02Z' } },
        ],
        pageInfo: { hasNextPage: true, endCursor: 'c1' },
      },
      {
        edges: [{ node: { _id: 'D', _updateStamp: '2024-01-01T00:00:04Z' } }],
        pageInfo: { hasNextPage: false },
      },
    ];
    const afters: unknown[] = [];
    const context = {
      pageSize: 3,
      linesPageSize: 10,
      resolve: async () => ({ root: { rootField: 'x3Things', nodeName: 'thing' } }),
      transport: {
        async execute(_text: string, variables: { after?: string }) {
          afters.push(variables.after);
          return { data: { x3Things: { thing: { query: pages[afters.length - 1] } } } };
        },
      },
    } as unknown as Parameters<typeof graphqlChanges>[0];
    const changes = await collect(graphqlChanges(context, entity, {}));
    expect(changes.map((c) => [c.ok, c.key])).toEqual([
      [true, 'A'],
      [false, undefined],
      [false, undefined],
      [true, 'D'],
    ]);
    expect(afters).toEqual([undefined, 'c1']);
  });
});
