import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash } from '../src/index.js';

/** The straightforward definition the optimised canonicalJson must match byte for byte (ledger hashes persist). */
function reference(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => reference(v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(obj[k])}`).join(',')}}`;
}

const leaf = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.date({ noInvalidDate: true }),
  fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, 1e21, 5e-324),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('node'), { maxLength: 5 }),
  object: fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('node'), { maxKeys: 6 }),
})).node;

describe('canonicalJson', () => {
  it('matches the reference definition for any JSON-like value', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('escapes strings exactly as JSON.stringify does, in rows and alone', () => {
    const texts = [
      'plain',
      'a"b',
      'back\\slash',
      'line\nbreak',
      '\u0000\u001f',
      '\ud800 lone',
      'pair 😀',
      '\u2028\u2029',
      'é\u007f',
      '',
    ];
    for (const text of texts) {
      expect(canonicalJson(text)).toBe(JSON.stringify(text));
      expect(canonicalJson([{ b: text, a: 1 }])).toBe(reference([{ b: text, a: 1 }]));
    }
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\u0001', '\ud83d', '\ude00', 'é') }),
        (text) => {
          expect(canonicalJson({ text })).toBe(reference({ text }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('does not depend on key insertion order, also for shapes seen before', () => {
    const a = { b: 1, a: [2, { d: 3, c: undefined }] };
    const b = { a: [2, { c: undefined, d: 3 }], b: 1 };
    expect(canonicalJson(a)).toBe('{"a":[2,{"d":3}],"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
    expect(contentHash(b)).toBe(contentHash(a));
    for (let i = 0; i < 3; i++) expect(canonicalJson({ z: i, y: 'x' })).toBe(`{"y":"x","z":${i}}`);
  });

  it('hashes stay what the ledger holds: 128 bits of SHA-256 of the canonical JSON, base64url', () => {
    // Pinned against a stored value and the original createHash definition: a change would make every record look
    // changed to an existing ledger.
    expect(contentHash({ key: 'k1', amount: 1.5 })).toBe(
      createHash('sha256').update('{"amount":1.5,"key":"k1"}').digest().subarray(0, 16).toString('base64url'),
    );
    expect(contentHash({ key: 'k1', amount: 1.5 })).toBe('Ec3c71AJr-N8-8aacXch_g');
  });

  it('is the first 16 digest bytes in base64url for any value (every last character)', () => {
    const original = (v: unknown) =>
      createHash('sha256').update(canonicalJson(v)).digest().subarray(0, 16).toString('base64url');
    const lastCharacters = new Set<string>();
    fc.assert(
      fc.property(value, (v) => {
        const hashed = contentHash(v);
        expect(hashed).toBe(original(v));
        lastCharacters.add(hashed.charAt(21));
      }),
      { numRuns: 2000 },
    );
    // The 22nd character holds two bits: all four of its values were met.
    expect([...lastCharacters].sort()).toEqual(['A', 'Q', 'g', 'w']);
  });
});
