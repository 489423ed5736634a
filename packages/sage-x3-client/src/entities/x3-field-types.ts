import { z } from 'zod';

/**
 * Zod building blocks for X3 values. REST and GraphQL render the same value differently (a decimal as a JSON number
 * or a string, a boolean as `true` or as an X3 local-menu value 1/2), so each block accepts the forms either
 * transport is known or likely to send and produces one normalized type.
 */

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

/** A required non-empty string (codes, keys). */
export const x3Code = z.string().min(1, 'must be a non-empty code');

/** A free text; X3 sends `''` for "empty", which is kept. Missing → `null`. */
export const x3Text = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

/**
 * A decimal number: a JSON number, or a numeric string (GraphQL `Decimal` scalars are commonly strings,
 * [inferred]). Anything else fails with a reason that names the problem.
 */
export const x3Decimal = z.preprocess(
  (v) => (typeof v === 'string' && DECIMAL_RE.test(v.trim()) ? Number(v.trim()) : v),
  z.number({ error: 'must be a decimal number' }).refine(Number.isFinite, 'must be a finite number'),
);

/** Optional decimal: missing → `null`. */
export const x3OptionalDecimal = z.preprocess(
  (v) =>
    v === undefined || v === ''
      ? null
      : typeof v === 'string' && DECIMAL_RE.test(v.trim())
        ? Number(v.trim())
        : v,
  z.number({ error: 'must be a decimal number or empty' }).nullable(),
);

/** An integer (line numbers). */
export const x3Integer = z.preprocess(
  (v) => (typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : v),
  z.number({ error: 'must be an integer' }).int('must be an integer'),
);

/** An optional integer (status codes, local menus): missing → `null`. */
export const x3OptionalInteger = z.preprocess(
  (v) =>
    v === undefined || v === ''
      ? null
      : typeof v === 'string' && /^-?\d+$/.test(v.trim())
        ? Number(v.trim())
        : v,
  z.number({ error: 'must be an integer or empty' }).int('must be an integer').nullable(),
);

/**
 * A plain calendar date `YYYY-MM-DD` (business dates have no zone, [documented] reference §3 gotcha 5). A datetime
 * at exactly midnight UTC is accepted and cut to its date ([inferred]: some renderings add a time part).
 */
export const x3Date = z.preprocess(
  (v) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T00:00:00(\.0+)?Z?$/.test(v) ? v.slice(0, 10) : v),
  z.string({ error: 'must be a YYYY-MM-DD date' }).regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a YYYY-MM-DD date'),
);

/**
 * A boolean: JSON `true`/`false`, or an X3 "no/yes" local menu value `1`/`2` ([inferred]: classic X3 booleans are
 * local menu 1 = No, 2 = Yes, and REST representations may render them raw).
 */
export const x3Boolean = z.preprocess(
  (v) => {
    // GraphQL shows X3's No/Yes local menu as the names `no`/`yes` ([documented] `{isClosed: {_ne: 'yes'}}`, §2.6).
    if (v === 1 || v === '1' || v === 'false' || v === 'no') return false;
    if (v === 2 || v === '2' || v === 'true' || v === 'yes') return true;
    return v;
  },
  z.boolean({ error: 'must be a boolean (true/false, X3 1/2 or no/yes)' }),
);

/** An ISO UTC instant as produced by the client from the record's stamp. */
export const x3Instant = z.iso.datetime({ offset: false, error: 'must be an ISO UTC datetime' });

/** Debit/credit sign of a journal line: `1` debit, `-1` credit ([inferred] from X3's `SNS` convention). */
export const x3Sign = z.preprocess(
  (v) => (typeof v === 'string' && /^-?1$/.test(v.trim()) ? Number(v.trim()) : v),
  z.union([z.literal(1), z.literal(-1)], { error: 'must be 1 (debit) or -1 (credit)' }),
);
