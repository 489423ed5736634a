import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineX3Entity, normalizeRecord, x3Code, x3Instant } from '../../src/index.js';
import { restChanges, restRecords } from '../../src/changes/rest-changes.js';
import { type X3RecordIdentity, readIdentity } from '../../src/entities/normalize-record.js';
import type { X3RestPage } from '../../src/rest/rest-transport.js';

// restRecords reads each record's key and stamp for its paging and hands them to `emit`, so that validation does
// not read them again: what it hands over must be exactly what readIdentity reads, for every shape of key and stamp.
const entity = defineX3Entity({
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

const context = {
  pageSize: 100,
  location: { baseUrl: 'http://x3/', endpoint: 'SEED' },
  transport: {
    async getPage(url: string): Promise<X3RestPage> {
      return { url, repairs: 0, itemsPerPage: 100, resources: records };
    },
  },
} as unknown as Parameters<typeof restRecords>[0];

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('restRecords hands each record its identity, read once', () => {
  it('the identity emitted is readIdentity of the record, for every key and stamp shape', async () => {
    const emitted = await collect(
      restRecords(context, entity, {}, (raw, _text, identity: X3RecordIdentity) => ({ raw, identity })),
    );
    expect(emitted.map((e) => e.raw)).toEqual(records);
    for (const { raw, identity } of emitted)
      expect(identity).toStrictEqual(readIdentity(entity, 'rest', raw));
  });

  it('changes() yields what normalizeRecord makes of each record, invalid keys and stamps included', async () => {
    const changes = await collect(restChanges(context, entity, {}));
    expect(changes).toStrictEqual(records.map((raw) => normalizeRecord(entity, 'rest', raw)));
  });
});
