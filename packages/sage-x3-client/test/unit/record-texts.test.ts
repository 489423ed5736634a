import { describe, expect, it } from 'vitest';
import { isX3ResponseError, parseX3Json } from '../../src/index.js';
import { memberValue } from '../../src/changes/held-records.js';
import { type SkipParse, parseX3JsonSkipping } from '../../src/json/parse-x3-json.js';
import {
  EACH,
  type RecordPath,
  type RecordTextsScan,
  attachRecordTexts,
  recordTextsOf,
  scanRecordTexts,
  skippedRecordsOf,
} from '../../src/json/record-texts.js';
import { seededRandom } from './seeded-random.js';
import { rejectionOf } from '../rejection-of.js';

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

/**
 * A SkipParse over members `K` and `S` that holds the records whose texts are in `held` (keeping each one's text
 * and members' values), noting what it was asked.
 */
function holding(held: ReadonlySet<string>) {
  const asked: RecordTextsScan[] = [];
  const skip: SkipParse<{ text: string; values: unknown }> = {
    members: ['K', 'S'],
    held: async (scan) => {
      asked.push(scan);
      return scan.texts.map((text, i) =>
        text !== undefined && held.has(text) ? { text, values: scan.members?.[i] } : undefined,
      );
    },
  };
  return { skip, asked };
}

const resourcesOf = (value: unknown) => (value as { $resources: unknown[] }).$resources;

describe('parseX3JsonSkipping', () => {
  const a = '{"K":"A","S":"2026-01-01T00:00:00Z","L":[{"n":1}]}';
  const b = '{ "S" : "2026-01-02T00:00:00Z" , "K" : 7 }';
  const c = '{"K":"C","S":"2026-01-03T00:00:00Z","T":"x\\\\y"}';
  const page = `{"$descriptor":"d", "$resources" : [ ${a},\n${b} ,${c}], "$itemsPerPage":3}`;

  it('reads the wanted members of each record while it scans (their exact texts), and no twice-named one', () => {
    const scan = scanRecordTexts(page, REST, ['K', 'S']);
    expect(scan?.members).toEqual([
      ['"A"', '"2026-01-01T00:00:00Z"'],
      ['7', '"2026-01-02T00:00:00Z"'],
      ['"C"', '"2026-01-03T00:00:00Z"'],
    ]);
    expect(scan?.starts?.map((start, i) => page.slice(start, start + scan.texts[i]!.length))).toEqual([
      a,
      b,
      c,
    ]);
    const twice = scanRecordTexts('{"$resources":[{"K":"A","K":"B"},null,{"S":"s"}]}', REST, ['K', 'S']);
    expect(twice?.members).toEqual([undefined, undefined, [undefined, '"s"']]);
    expect(twice?.texts).toEqual(['{"K":"A","K":"B"}', 'null', '{"S":"s"}']);
  });

  it('leaves the held records unparsed (null in their places) and gives the rest as a whole parse would', async () => {
    const { skip } = holding(new Set([a, c]));
    const { value, repairs } = await parseX3JsonSkipping(page, 'u', REST, skip);
    expect(repairs).toBe(0);
    const whole = JSON.parse(page) as { $resources: unknown[] };
    expect(value).toEqual({ ...whole, $resources: [null, whole.$resources[1], null] });
    const resources = resourcesOf(value);
    // What the question kept of each held record, in its place.
    expect(skippedRecordsOf(resources)).toEqual([
      { text: a, values: ['"A"', '"2026-01-01T00:00:00Z"'] },
      undefined,
      { text: c, values: ['"C"', '"2026-01-03T00:00:00Z"'] },
    ]);
    expect(recordTextsOf(resources)).toEqual([a, b, c]);
    expect(JSON.parse(recordTextsOf(resources)![0]!)).toEqual(whole.$resources[0]);
  });

  it('parses the whole page, as parseX3Json, when nothing is held or the question rejects', async () => {
    for (const skip of [
      holding(new Set()).skip,
      { members: ['K'], held: () => Promise.reject(new Error('store down')) },
    ]) {
      const { value } = await parseX3JsonSkipping(page, 'u', REST, skip);
      expect(value).toEqual(JSON.parse(page));
      expect(skippedRecordsOf(resourcesOf(value))).toBeUndefined();
      expect(recordTextsOf(resourcesOf(value))).toEqual([a, b, c]);
    }
  });

  it('fails with X3_MALFORMED_JSON when the page around intact held records is damaged', async () => {
    const { skip, asked } = holding(new Set([a, b, c]));
    for (const damaged of [
      `{"$resources":[${a},${b},${c}],}`,
      `{"$resources":[${a},${b},${c}] "x":1}`,
      `{"$resources":[${a},${b},${c}],"x":tru}`,
      `{"$resources":[${a},${b},${c}]`,
      `{"$resources":[${a},${b},${c}]}}`,
    ]) {
      const error = await rejectionOf(parseX3JsonSkipping(damaged, 'u', REST, skip));
      expect(isX3ResponseError(error) && error.code, damaged).toBe('X3_MALFORMED_JSON');
      expect(() => parseX3Json(damaged, 'u', REST), damaged).toThrow(/malformed JSON/);
    }
    // The scan found the records of the first three (the question was asked), the envelope refused them.
    expect(asked.length).toBeGreaterThan(0);
  });

  it('fails with X3_MALFORMED_JSON when a record it does not hold is broken, though the others are held', async () => {
    const broken = '{"K":"B","S":"2026-01-02T00:00:00Z","V":01}';
    const { skip, asked } = holding(new Set([a, c]));
    const error = await rejectionOf(
      parseX3JsonSkipping(`{"$resources":[${a},${broken},${c}]}`, 'u', REST, skip),
    );
    expect(isX3ResponseError(error) && error.code).toBe('X3_MALFORMED_JSON');
    expect(asked).toHaveLength(1);
  });

  it('repairs a bad escape as parseX3Json does, parsing every record', async () => {
    // A lone backslash before `d` and `x` (a Windows path), which X3 sends unescaped.
    const bad = '{"K":"B","S":"2026-01-02T00:00:00Z","P":"C:\\data\\x"}';
    const text = `{"$resources":[${a},${bad},${c}]}`;
    const { skip } = holding(new Set([a, c]));
    const skipping = await parseX3JsonSkipping(text, 'u', REST, skip);
    const today = parseX3Json(text, 'u', REST);
    expect(today.repairs).toBeGreaterThan(0);
    expect(skipping).toEqual(today);
    expect(skippedRecordsOf(resourcesOf(skipping.value))).toBeUndefined();
  });

  it('takes the whole parse for a page with a number keepExactNumbers keeps, without asking', async () => {
    const text = `{"$resources":[${a},{"K":"L","S":"s","N":12345678901234567890}]}`;
    const { skip, asked } = holding(new Set([a]));
    const { value } = await parseX3JsonSkipping(text, 'u', REST, skip);
    expect(value).toEqual(parseX3Json(text, 'u', REST).value);
    expect(resourcesOf(value)[1]).toEqual({ K: 'L', S: 's', N: '12345678901234567890' });
    expect(asked).toHaveLength(0);
  });

  it('takes the whole parse when a member on the path is named twice, without asking', async () => {
    const text = `{"$resources":[${a}],"$resources":[${c}]}`;
    const { skip, asked } = holding(new Set([a, c]));
    const { value } = await parseX3JsonSkipping(text, 'u', REST, skip);
    expect(value).toEqual(JSON.parse(text));
    expect(asked).toHaveLength(0);
  });

  it('leaves held GraphQL nodes unparsed in their edges; null edges and edges without a node stay as sent', async () => {
    const edges = `[{"cursor":"1","node":${a}},null,{"cursor":"2"},{"node":${c},"cursor":"3"}]`;
    const text = `{"data":{"x3Finance":{"journalEntry":{"query":{"edges":${edges},"pageInfo":{"hasNextPage":false}}}}}}`;
    const { skip } = holding(new Set([a, c]));
    const { value } = await parseX3JsonSkipping(text, 'u', GRAPHQL, skip);
    const query = (value as { data: { x3Finance: { journalEntry: { query: { edges: unknown[] } } } } }).data
      .x3Finance.journalEntry.query;
    expect(query.edges).toEqual([
      { cursor: '1', node: null },
      null,
      { cursor: '2' },
      { node: null, cursor: '3' },
    ]);
    expect(skippedRecordsOf(query.edges)?.map((kept) => kept !== undefined)).toEqual([
      true,
      false,
      false,
      true,
    ]);
    expect(recordTextsOf(query.edges)).toEqual([a, undefined, undefined, c]);
  });

  it('gives what parseX3Json gives, held records put back from their texts, over random pages (seeded)', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = seededRandom(seed);
      const records = Array.from({ length: 1 + Math.floor(next() * 5) }, (_, i) =>
        next() < 0.7 ? `{ "K":"k${i}","x":${randomJson(next, 2)},"S" :"s${i}"}` : randomJson(next, 0),
      );
      const text = `{"before":${randomJson(next, 2)}, "$resources" :[ ${records.join(' ,\n')} ],"after":{"$resources":[0]}}`;
      const held = new Set(records.filter(() => next() < 0.6));
      const { value } = await parseX3JsonSkipping(text, 'u', REST, holding(held).skip);
      const today = parseX3Json(text, 'u', REST).value;
      const resources = resourcesOf(value);
      const skipped = skippedRecordsOf<{ text: string }>(resources);
      const texts = recordTextsOf(resources);
      // Each held record's place keeps what the question kept of it: here its text.
      const rebuilt = resources.map((r, i) => {
        const kept = skipped?.[i];
        return kept ? JSON.parse(kept.text) : r;
      });
      expect({ ...(value as object), $resources: rebuilt }, `seed ${seed}`).toEqual(today);
      expect(texts, `seed ${seed}`).toEqual(recordTextsOf(resourcesOf(today)));
    }
  });
});

describe('memberValue', () => {
  it('gives what JSON.parse gives for a string without escapes and for a number, and reads nothing else', () => {
    for (const text of [
      '"PCG~100"',
      '""',
      '"é 2024-01-01T00:00:00Z"',
      '0',
      '-0',
      '12',
      '-1.5e3',
      '1E400',
      '0.1',
    ]) {
      expect(Object.is(memberValue(text), JSON.parse(text)), text).toBe(true);
    }
    for (const text of ['"a\\"b"', '"\\u0041"', 'null', 'true', '{"a":1}', '[1]'])
      expect(typeof memberValue(text), text).toBe('symbol');
    expect(memberValue(undefined)).toBeUndefined();
  });
});
