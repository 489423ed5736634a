import { Decimal, isCalendarDate, isDecimal, parseStamp } from '@mlc/core';
import { z } from 'zod';
import { NOT_FAST, withFastParse } from './fast-parse.js';

/**
 * Zod building blocks for X3 values. REST and GraphQL render the same value differently (a decimal as a JSON number
 * or a string, a boolean as `true` or as an X3 local-menu value 1/2), so each block accepts the forms either
 * transport is known or likely to send and produces one normalized type.
 *
 * Each block also registers a fast parser ({@link withFastParse}): the same output for the values it is sure of,
 * {@link NOT_FAST} for the rest, which zod then parses (and refuses with its reason). A schema made only of these
 * blocks is parsed without zod's machinery when the record is valid (see `fastParserOf`).
 */

/** A required non-empty string (codes, keys). */
export const x3Code = withFastParse(z.string().min(1, 'must be a non-empty code'), (v) =>
  typeof v === 'string' && v.length > 0 ? v : NOT_FAST,
);

/** A free text; X3 sends `''` for "empty", which is kept. Missing → `null`. */
export const x3Text = withFastParse(
  z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  (v) => (typeof v === 'string' ? v : v === undefined || v === null ? null : NOT_FAST),
);

/** A JSON number or decimal text as an exact {@link Decimal}; anything else is left for the schema to refuse. */
function toDecimal(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? Decimal.fromNumber(v) : v;
  if (typeof v === 'string') return Decimal.parse(v) ?? v;
  return v;
}

/**
 * An exact decimal number, as a {@link Decimal} (from `@mlc/core`): a JSON number, or a numeric string (GraphQL
 * `Decimal` scalars are commonly strings, [inferred]). Nothing goes through a `number`, so
 * `12345678901234567890.12` keeps every digit (JSON numbers longer than a double holds reach it as their raw
 * text, see `parseX3Json`). Anything else fails with a reason that names the problem.
 */
export const x3Decimal = withFastParse(
  z.preprocess(toDecimal, z.custom<Decimal>(isDecimal, { error: 'must be a decimal number' })),
  fastDecimal,
);

function fastDecimal(v: unknown): unknown {
  const decimal = toDecimal(v);
  return isDecimal(decimal) ? decimal : NOT_FAST;
}

/** Optional exact decimal: missing or `''` → `null`. */
export const x3OptionalDecimal = withFastParse(
  z.preprocess(
    (v) => (v === undefined || v === '' || v === null ? null : toDecimal(v)),
    z.custom<Decimal>(isDecimal, { error: 'must be a decimal number or empty' }).nullable(),
  ),
  (v) => (v === undefined || v === '' || v === null ? null : fastDecimal(v)),
);

/** Zod's `.int()` (v4): a number in the safe-integer range, which every safe integer is. */
function fastInteger(v: unknown): unknown {
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : NOT_FAST;
}

/** The digit-string forms the integer blocks read as numbers. */
function integerText(v: unknown): unknown {
  return typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : v;
}

/** An integer (line numbers). */
export const x3Integer = withFastParse(
  z.preprocess(integerText, z.number({ error: 'must be an integer' }).int('must be an integer')),
  (v) => fastInteger(integerText(v)),
);

/** An optional integer (status codes, local menus): missing → `null`. */
export const x3OptionalInteger = withFastParse(
  z.preprocess(
    (v) => (v === undefined || v === '' ? null : integerText(v)),
    z.number({ error: 'must be an integer or empty' }).int('must be an integer').nullable(),
  ),
  (v) => (v === undefined || v === '' || v === null ? null : fastInteger(integerText(v))),
);

/**
 * An X3 local menu, normalized to its number (entry 1, 2, …): REST renders the stored number, GraphQL the value's
 * name (`posted`) — the form is [documented] by the reference's `{isClosed: {_ne: 'yes'}}` (§2.6). `names` are the
 * menu's value names in menu order (entry n is `names[n - 1]`); they are [inferred] for every menu but No/Yes, so
 * a name that is not in the list is refused with the list in the reason (override the entity field to add one).
 * Numbers are accepted as they come (a site may have more entries). Missing or `''` → `null`.
 */
export function x3LocalMenu(names: readonly string[]) {
  const preprocess = (v: unknown): unknown => {
    if (v === undefined || v === '') return null;
    if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
    if (typeof v === 'string' && names.includes(v)) return names.indexOf(v) + 1;
    return v;
  };
  return withFastParse(
    z.preprocess(
      preprocess,
      z
        .number({ error: `must be a local-menu number or one of ${names.join(', ')}` })
        .int('must be an integer')
        .nullable(),
    ),
    (v) => {
      const menu = preprocess(v);
      return menu === null ? null : fastInteger(menu);
    },
  );
}

/**
 * The texts Sage X3 writes for an empty date ([inferred]: X3 shows a blank date as `0/0/0` and stores it as
 * 1753-01-01 on SQL Server and 1599-12-31 on Oracle; some renderings print `0000-00-00`). {@link x3Date} reads
 * them as `null` — the one policy for empty dates: an empty date is no date, never a day in 1599.
 */
export const X3_EMPTY_DATES: readonly string[] = ['0000-00-00', '1599-12-31', '1753-01-01'];

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MIDNIGHT_RE = /^\d{4}-\d{2}-\d{2}T00:00:00(\.0+)?Z?$/;

/**
 * A plain calendar date `YYYY-MM-DD` (business dates have no zone, [documented] reference §3 gotcha 5), or `null`
 * for an empty date (missing, `''`, or one of {@link X3_EMPTY_DATES}). A datetime at exactly midnight UTC is
 * accepted and cut to its date ([inferred]: some renderings add a time part). Parsing is strict: the date must
 * exist (`2024-02-30` is refused, never moved to March) and its four-digit year is kept as written (0001–9999).
 */
export const x3Date = withFastParse(
  z.preprocess(
    dateOrEmpty,
    z
      .string({ error: 'must be a YYYY-MM-DD date' })
      .refine(isRealDate, 'must be a real YYYY-MM-DD date (years 0001-9999)')
      .nullable(),
  ),
  (v) => {
    const date = dateOrEmpty(v);
    return date === null || (typeof date === 'string' && isRealDate(date)) ? date : NOT_FAST;
  },
);

function dateOrEmpty(v: unknown): unknown {
  if (v === undefined || v === null || v === '') return null;
  const date = typeof v === 'string' && MIDNIGHT_RE.test(v) ? v.slice(0, 10) : v;
  return typeof date === 'string' && X3_EMPTY_DATES.includes(date) ? null : date;
}

function isRealDate(v: string): boolean {
  const m = DATE_RE.exec(v);
  return m !== null && Number(m[1]) >= 1 && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * A boolean: JSON `true`/`false`, or an X3 "no/yes" local menu value `1`/`2` ([inferred]: classic X3 booleans are
 * local menu 1 = No, 2 = Yes, and REST representations may render them raw).
 */
export const x3Boolean = withFastParse(
  z.preprocess(booleanForm, z.boolean({ error: 'must be a boolean (true/false, X3 1/2 or no/yes)' })),
  (v) => {
    const b = booleanForm(v);
    return typeof b === 'boolean' ? b : NOT_FAST;
  },
);

function booleanForm(v: unknown): unknown {
  // GraphQL shows X3's No/Yes local menu as the names `no`/`yes` ([documented] `{isClosed: {_ne: 'yes'}}`, §2.6).
  if (v === 1 || v === '1' || v === 'false' || v === 'no') return false;
  if (v === 2 || v === '2' || v === 'true' || v === 'yes') return true;
  return v;
}

/** An ISO UTC instant as produced by the client from the record's stamp. */
export const x3Instant = withFastParse(
  z.iso.datetime({ offset: false, error: 'must be an ISO UTC datetime' }),
  // The form the client writes the record's stamp in (`toISOString()`), when it is a real instant: zod's pattern
  // accepts every such text (years 0001–9999, real dates, hours 00–23).
  (v) => (typeof v === 'string' && UTC_MS_RE.test(v) && parseStamp(v) !== undefined ? v : NOT_FAST),
);

const UTC_MS_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Debit/credit sign of a journal line: `1` debit, `-1` credit ([inferred] from X3's `SNS` convention). */
export const x3Sign = withFastParse(
  z.preprocess(
    signText,
    z.union([z.literal(1), z.literal(-1)], { error: 'must be 1 (debit) or -1 (credit)' }),
  ),
  (v) => {
    const sign = signText(v);
    return sign === 1 || sign === -1 ? sign : NOT_FAST;
  },
);

function signText(v: unknown): unknown {
  return typeof v === 'string' && /^-?1$/.test(v.trim()) ? Number(v.trim()) : v;
}
