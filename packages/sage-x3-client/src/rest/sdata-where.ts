import { X3FilterError } from '../errors/x3-filter-error.js';
import { assertSDataField, formatSDataLiteral, type SDataValue } from './sdata-literal.js';

const WHERE_BRAND = Symbol('SDataWhere');

/**
 * A `where` predicate built from checked field names and safely formatted literals. Only the builders in
 * {@link sdata} make one, so user values can never be spliced into the predicate text.
 */
export class SDataWhere {
  readonly [WHERE_BRAND] = true;
  /** The predicate text exactly as it will be sent (before URL encoding). */
  readonly text: string;
  /** The field names the predicate uses (for error messages). */
  readonly fields: readonly string[];

  /** @internal Use {@link sdata}. */
  constructor(text: string, fields: readonly string[]) {
    this.text = text;
    this.fields = fields;
  }

  /** The predicate text. */
  toString(): string {
    return this.text;
  }
}

/** True for values built by {@link sdata}. */
export function isSDataWhere(value: unknown): value is SDataWhere {
  return value instanceof SDataWhere;
}

type Comparison = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

function compare(op: Comparison) {
  return (field: string, value: SDataValue): SDataWhere =>
    new SDataWhere(`${assertSDataField(field)} ${op} ${formatSDataLiteral(value)}`, [field]);
}

function combine(op: 'and' | 'or', parts: ReadonlyArray<SDataWhere | undefined | false>): SDataWhere {
  const kept = parts.filter((p): p is SDataWhere => p instanceof SDataWhere);
  if (kept.length === 0) throw new X3FilterError({ reason: `${op}() needs at least one condition` });
  if (kept.length === 1) return kept[0]!;
  const text = kept.map((p) => `(${p.text})`).join(` ${op} `);
  return new SDataWhere(
    text,
    kept.flatMap((p) => p.fields),
  );
}

/**
 * Builders for SData `where` predicates in the subset X3 implements ([documented] reference §1.2: `eq ne lt le gt
 * ge`, `between`, `in`, `like`, `and`, `or`, parentheses). Every combination is parenthesised, so precedence never
 * depends on X3's parser.
 *
 * @example
 * sdata.and(sdata.eq('BPSNUM', "O'Neil"), sdata.ge('UPDDATTIM', new Date('2024-01-01T00:00:00Z')))
 * // → (BPSNUM eq 'O''Neil') and (UPDDATTIM ge @2024-01-01T00:00:00Z@)
 */
export const sdata = {
  /** `field eq value`. */
  eq: compare('eq'),
  /** `field ne value`. */
  ne: compare('ne'),
  /** `field lt value`. */
  lt: compare('lt'),
  /** `field le value`. */
  le: compare('le'),
  /** `field gt value`. */
  gt: compare('gt'),
  /** `field ge value`. */
  ge: compare('ge'),
  /** `field between low and high` (inclusive). */
  between(field: string, low: SDataValue, high: SDataValue): SDataWhere {
    return new SDataWhere(
      `${assertSDataField(field)} between ${formatSDataLiteral(low)} and ${formatSDataLiteral(high)}`,
      [field],
    );
  },
  /** `field in (a, b, …)`; an empty list is refused (it would match nothing, which is rarely meant). */
  in(field: string, values: readonly SDataValue[]): SDataWhere {
    if (values.length === 0) throw new X3FilterError({ field, reason: 'in() needs at least one value' });
    return new SDataWhere(`${assertSDataField(field)} in (${values.map(formatSDataLiteral).join(', ')})`, [
      field,
    ]);
  },
  /** `field like 'pattern'` (`%` is the wildcard; the pattern is quoted like any string). */
  like(field: string, pattern: string): SDataWhere {
    return new SDataWhere(`${assertSDataField(field)} like ${formatSDataLiteral(pattern)}`, [field]);
  },
  /** All conditions; `undefined`/`false` entries are skipped, so optional parts compose. */
  and(...parts: ReadonlyArray<SDataWhere | undefined | false>): SDataWhere {
    return combine('and', parts);
  },
  /** Any condition; `undefined`/`false` entries are skipped. */
  or(...parts: ReadonlyArray<SDataWhere | undefined | false>): SDataWhere {
    return combine('or', parts);
  },
};

/**
 * Tagged template for hand-written predicates: the template text is taken as written, every `${value}` is
 * formatted as a literal. `sdataWhere\`BPSNUM eq ${code} and left(BPSNAM,4) eq ${prefix}\``.
 */
export function sdataWhere(strings: TemplateStringsArray, ...values: SDataValue[]): SDataWhere {
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    text += formatSDataLiteral(value) + (strings[i + 1] ?? '');
  });
  return new SDataWhere(text.trim(), []);
}
