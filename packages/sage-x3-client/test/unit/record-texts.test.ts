import { describe, expect, it } from 'vitest';
import { parseX3Json } from '../../src/index.js';
import {
  EACH,
  type RecordPath,
  attachRecordTexts,
  recordTextsOf,
  scanRecordTexts,
} from '../../src/json/record-texts.js';
import { seededRandom } from './seeded-random.js';

const REST: RecordPath = ['$resources', EACH];
const GRAPHQL: RecordPath = ['data', 'x3Finance', 'journalEntry', 'query', 'edges', EACH, 'node'];

/** Parses `text` and returns the texts attached to the array at `prefix` (and the array). */
function textsOf(text: string, path: RecordPath, prefix: readonly string[]) {
  const value = JSON.parse(text) as unknown;
  attachRecordTexts(value, path, scanRecordTexts(text, path));
  let array = value as Record<string, unknown>;
  for (const member of prefix) array = array[member] as Record<string, unknown>;
  return { array: array as unknown as unknown[], texts: recordTextsOf(array as unknown as unknown[]) };
}

/** A JSON text of a random value, with random white space and strings full of JSON's own punctuation. */
function randomJson(next: () => number, depth: number): string {
  const ws = () => [' ', '', '\n  ', '\t', ''][Math.floor(next() * 5)]!;
  const strings = ['', 'a"b', '\\', '\\"', '{[', ']}', ',:', 'é\u2028', '\\u0041', 'x\\\\"y'];
  const pick = Math.floor(next() * (depth > 3 ? 4 : 6));
  if (pick === 0) return JSON.stringify(strings[Math.floor(next() * strings.length)]);
  if (pick === 1) return ['-1.5e3', '0', '12345678901234567890', '3.14'][Math.floor(next() * 4)]!;
  if (pick === 2) return ['true', 'false', 'null'][Math.floor(next() * 3)]!;
  if (pick === 3) return '"\\u0022quoted\\u005c"';
  const n = Math.floor(next() * 4);
  const items = Array.from({ length: n }, (_, i) =>
    pick === 4
      ? `${ws()}${randomJson(next, depth + 1)}${ws()}`
      : `${ws()}${JSON.stringify(`${strings[i % strings.length]}${i}`)}${ws()}:${ws()}${randomJson(next, depth + 1)}${ws()}`,
  );
  return pick === 4 ? `[${items.join(',')}]` : `{${items.join(',')}}`;
}

describe('record texts', () => {
  it('keeps the exact text of each REST resource, white space and escapes included', () => {
    const text = `{ "$descriptor" : "X", "$links": {"$resources": [1]},
      "$resources" : [ {"A":"x\\"}{","B":[1,{"C":null}]} ,{"A" : "\\\\"}, null, "s" ],
      "$itemsPerPage": 4 }`;
    const { array, texts } = textsOf(text, REST, ['$resources']);
    expect(texts).toEqual(['{"A":"x\\"}{","B":[1,{"C":null}]}', '{"A" : "\\\\"}', 'null', '"s"']);
    expect(texts?.map((t) => JSON.parse(t ?? 'undefined'))).toEqual(array);
  });

  it('keeps the text of each GraphQL node; an edge without one has none', () => {
    const node = '{"_id":"A","lines":{"query":{"edges":[{"node":{"n":1}}]}}}';
    const text = `{"data":{"x3Finance":{"journalEntry":{"query":{"edges":[{"cursor":"c","node":${node}},null,{"cursor":"d"}],"pageInfo":{"hasNextPage":false}}}}}}`;
    const { texts } = textsOf(text, GRAPHQL, ['data', 'x3Finance', 'journalEntry', 'query', 'edges']);
    expect(texts).toEqual([node, undefined, undefined]);
  });

  it('matches member names as JSON.parse decodes them', () => {
    const { texts } = textsOf('{"$res\\u006furces":[{"a":1}]}', REST, ['$resources']);
    expect(texts).toEqual(['{"a":1}']);
  });

  it('keeps nothing when a member on the path is named twice (JSON.parse keeps the last, the scan cannot tell)', () => {
    expect(
      textsOf('{"$resources":[{"a":1}],"$resources":[{"a":2}]}', REST, ['$resources']).texts,
    ).toBeUndefined();
    const twice =
      '{"data":{"x3Finance":{"journalEntry":{"query":{"edges":[{"node":{"a":1},"node":{"a":2}}]}}}}}';
    expect(
      textsOf(twice, GRAPHQL, ['data', 'x3Finance', 'journalEntry', 'query', 'edges']).texts,
    ).toBeUndefined();
  });

  it('keeps nothing for a body of another shape, and never throws', () => {
    for (const text of ['{"$resources":{}}', '[1]', '{"$resources":[]}', 'null', '{"other":[1]}']) {
      const value = JSON.parse(text) as unknown;
      expect(() => attachRecordTexts(value, REST, scanRecordTexts(text, REST))).not.toThrow();
      expect(recordTextsOf(value as never)).toBeUndefined();
    }
    expect(scanRecordTexts('{"$resources":[{"a":1}', REST)).toBeUndefined();
    // A value that is not the text's parse: the counts differ, nothing is kept.
    const value = { $resources: [{ a: 1 }, { a: 2 }] };
    attachRecordTexts(value, REST, scanRecordTexts('{"$resources":[{"a":1}]}', REST));
    expect(recordTextsOf(value.$resources)).toBeUndefined();
  });

  it('notes a run of 16 digits and points outside strings, wherever it stands', () => {
    const long = (text: string) => scanRecordTexts(text, REST)?.longNumber;
    expect(long('{"$resources":[{"n":123456789012345,"s":"12345678901234567890"}]}')).toBe(false);
    expect(long('{"$resources":[{"n":1234567890123456.7}]}')).toBe(true);
    expect(long('{"$resources":[1234567890123456]}')).toBe(true);
    expect(long('{"total":-1.234567890123456e5,"$resources":[{}]}')).toBe(true);
    expect(long('{"$resources":[{}],"x":[[0.000000000000001]]}')).toBe(true);
  });

  it('parseX3Json keeps the texts of the exact-number body it parsed', () => {
    const { value } = parseX3Json('{"$resources":[{"n":12345678901234567890}]}', 'u', REST);
    const resources = (value as { $resources: unknown[] }).$resources;
    expect(resources).toEqual([{ n: '12345678901234567890' }]);
    expect(recordTextsOf(resources)).toEqual(['{"n":"12345678901234567890"}']);
  });

  it('each text parses to its record, over random bodies (seeded)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = seededRandom(seed);
      const records = Array.from({ length: 1 + Math.floor(next() * 5) }, () => randomJson(next, 0));
      const text = `{"before":${randomJson(next, 2)}, "$resources" :[ ${records.join(' ,\n')} ],"after":{"$resources":[0]}}`;
      const { array, texts } = textsOf(text, REST, ['$resources']);
      expect(texts, `seed ${seed}`).toEqual(records);
      expect(
        texts?.map((t) => JSON.parse(t ?? 'undefined')),
        `seed ${seed}`,
      ).toEqual(array);
    }
  });
});
