import { Decimal } from '@mlc/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NOT_FAST, fastParserOf } from '../../src/entities/fast-parse.js';
import {
  X3_BUILT_IN_ENTITIES,
  normalizeRecord,
  x3Boolean,
  x3Code,
  x3Date,
  x3Decimal,
  x3Instant,
  x3Integer,
  x3LocalMenu,
  x3OptionalDecimal,
  x3OptionalInteger,
  x3Sign,
  x3Text,
} from '../../src/index.js';
import { seededRandom } from './seeded-random.js';

// Values of every kind the blocks meet, valid and not: each block is fed all of them.
const EDGE_VALUES: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'A',
  'posted',
  'temporary',
  'final',
  'no',
  'yes',
  'true',
  'false',
  '1',
  '2',
  ' -1 ',
  '-1',
  '01',
  '12.50',
  '1e3',
  '12,5',
  '99999999999999999999.1234',
  0,
  -0,
  1,
  -1,
  2,
  1.5,
  -12.3456,
  2 ** 53,
  2 ** 53 - 1,
  1e21,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  [],
  {},
  Decimal.parse('12.5'),
  10n,
  '2024-02-29',
  '2023-02-29',
  '2100-02-29',
  '2000-02-29',
  '0000-01-01',
  '0001-01-01',
  '1599-12-31',
  '1753-01-01',
  '0000-00-00',
  '2024-05-01T00:00:00Z',
  '2024-05-01T00:00:00.000Z',
  '2024-05-01T10:00:00.000Z',
  '2024-05-01T10:00:00Z',
  '2024-05-01T24:00:00.000Z',
  '2024-05-01T10:60:00.000Z',
  '2024-05-01T10:00:00.000+02:00',
  '2024-02-30T10:00:00.000Z',
  '0000-02-29T10:00:00.000Z',
  '1900-02-29T10:00:00.000Z',
  '2000-02-29T10:00:00.000Z',
  '0004-02-29T23:59:59.999Z',
];

const BLOCKS: Record<string, z.ZodType> = {
  x3Code,
  x3Text,
  x3Decimal,
  x3OptionalDecimal,
  x3Integer,
  x3OptionalInteger,
  x3Date,
  x3Boolean,
  x3Instant,
  x3Sign,
  x3LocalMenu: x3LocalMenu(['temporary', 'final']),
};

/** A random value: an edge value, a random date-time text, a random number or a random digit string. */
function randomValue(next: () => number): unknown {
  const pick = next();
  if (pick < 0.4) return EDGE_VALUES[Math.floor(next() * EDGE_VALUES.length)];
  if (pick < 0.7) {
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const y = pad(Math.floor(next() * 10_000), 4);
    const mo = pad(Math.floor(next() * 14), 2);
    const d = pad(Math.floor(next() * 32), 2);
    const h = pad(Math.floor(next() * 25), 2);
    const mi = pad(Math.floor(next() * 61), 2);
    const s = pad(Math.floor(next() * 61), 2);
    return next() < 0.5
      ? `${y}-${mo}-${d}`
      : `${y}-${mo}-${d}T${h}:${mi}:${s}.${pad(Math.floor(next() * 1000), 3)}Z`;
  }
  if (pick < 0.85)
    return Math.round((next() - 0.5) * 10 ** Math.floor(next() * 20)) / 10 ** Math.floor(next() * 6);
  return String(Math.floor((next() - 0.5) * 1e6));
}

/** The fast parser agrees with zod: whatever it accepts, zod accepts with the same output (same keys, same order). */
function expectAgrees(schema: z.ZodType, value: unknown): boolean {
  const fast = fastParserOf(schema);
  expect(fast).toBeDefined();
  const out = fast!(value);
  if (out === NOT_FAST) return false;
  const parsed = schema.safeParse(value);
  expect(parsed.success, `zod refuses ${String(value)}`).toBe(true);
  if (typeof out !== 'object' || out === null) expect(Object.is(out, parsed.data), String(value)).toBe(true);
  else {
    expect(out).toStrictEqual(parsed.data);
    expect(JSON.stringify(out)).toBe(JSON.stringify(parsed.data));
  }
  return true;
}

describe('fast parsers of the X3 value blocks', () => {
  it('give exactly what zod gives for every value they accept', () => {
    const next = seededRandom(16);
    for (const [name, schema] of Object.entries(BLOCKS)) {
      let accepted = 0;
      for (const value of EDGE_VALUES) if (expectAgrees(schema, value)) accepted++;
      for (let i = 0; i < 1000; i++) if (expectAgrees(schema, randomValue(next))) accepted++;
      expect(accepted, name).toBeGreaterThan(0);
    }
  });

  it('accept the valid records of every built-in entity, with zod output, and leave invalid ones to zod', () => {
    const next = seededRandom(61);
    for (const definition of Object.values(X3_BUILT_IN_ENTITIES)) {
      const schema = definition.schema as z.ZodType;
      expect(fastParserOf(schema), definition.name).toBeDefined();
      const shape = (schema as z.ZodObject).shape as Record<string, z.ZodType>;
      const validOf = (member: z.ZodType): unknown => {
        if (member instanceof z.ZodArray) {
          const element = (member.element as z.ZodObject).shape as Record<string, z.ZodType>;
          return Array.from({ length: Math.floor(next() * 4) }, () => recordOf(element));
        }
        for (;;) {
          const value = randomValue(next);
          if (member.safeParse(value).success) return value;
        }
      };
      const recordOf = (members: Record<string, z.ZodType>) => {
        const out: Record<string, unknown> = {};
        for (const [name, member] of Object.entries(members)) {
          const roll = next();
          if (roll < 0.05) continue; // missing
          out[name] = roll < 0.1 ? randomValue(next) : validOf(member);
        }
        if (next() < 0.1) out.extra = 'dropped';
        return out;
      };
      let accepted = 0;
      for (let i = 0; i < 150; i++) if (expectAgrees(schema, recordOf(shape))) accepted++;
      expect(accepted, definition.name).toBeGreaterThan(10);
    }
  });

  it('give up on schemas with parts they do not know, which zod then parses alone', () => {
    expect(fastParserOf(z.object({ key: x3Code, n: z.number() }))).toBeUndefined();
    expect(fastParserOf(z.object({ key: x3Code }).strict())).toBeUndefined();
    expect(fastParserOf(z.object({ key: x3Code }).refine(() => true))).toBeUndefined();
    expect(fastParserOf(z.array(x3Code).min(1))).toBeUndefined();
  });

  it('leave the reason of an invalid record to zod: field and reason as before', () => {
    const raw = {
      NUM: 'JE1',
      TYP: 'GEN',
      UPDDATTIM: '2024-05-01T10:00:00Z',
      GACCENTRYD: [{ LIN: 1, ACC: '', SNS: 1, AMTCUR: 1, AMTLED: 1 }],
    };
    const change = normalizeRecord(X3_BUILT_IN_ENTITIES.journalEntry, 'rest', raw);
    expect(change.ok).toBe(false);
    if (!change.ok) {
      expect(change.error.field).toBe('lines[0].account');
      expect(change.error.reason).toContain('(rest GACCENTRYD[0].ACC) must be a non-empty code');
    }
  });
});
