import { inspect } from 'node:util';

/** Brand shared by every copy of `@mlc/core`, so {@link isDecimal} works across duplicated installs. */
const DECIMAL_BRAND = Symbol.for('@mlc/core/Decimal');

/** How {@link Decimal.round} settles a discarded remainder of exactly one half. */
export type DecimalRounding = 'half-even' | 'half-up';

// Sign, integer digits, fraction digits, exponent. Plain decimal text as X3 and JSON write it; no `+`, no `.5`.
const DECIMAL_TEXT_RE = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
/** Largest exponent / digit count read; beyond it a value is refused instead of building a huge bigint. */
const MAX_DIGITS = 1000;

/**
 * An exact decimal number: an integer `unscaled` and a `scale` (digits after the point), so
 * `12345678901234567890.12` is `1234567890123456789012n` at scale 2 — nothing is rounded through a double.
 * Values are normalised (no trailing fraction zeros, no negative zero), so one value has one text: `10.50` and
 * `10.5` are equal and print `10.5`. Arithmetic operators use {@link Decimal.valueOf} (a `number`, which may be
 * inexact); read {@link Decimal.toString} for the exact text.
 */
export class Decimal {
  /** The digits without the point: the value is `unscaled / 10^scale`. */
  readonly unscaled: bigint;
  /** Digits after the point (0 or more, never a trailing zero). */
  readonly scale: number;
  // Derived values, computed at most once (a value is immutable; private fields are not touched by freeze). Every
  // row check of a sync reads the text, precision and number of each amount: one bigint-to-text conversion each.
  /** The digits of `|unscaled|`. */
  #digits: string | undefined;
  /** {@link Decimal.toString}. */
  #text: string | undefined;
  /** The number this value is exactly (`fromNumber`), once known; `null` once known to be inexact. */
  #exact: number | null | undefined;

  private constructor(unscaled: bigint, scale: number, normalised = false) {
    let u = unscaled;
    let s = scale;
    while (!normalised && s > 0 && u % 10n === 0n) {
      u /= 10n;
      s -= 1;
    }
    while (s < 0) {
      u *= 10n;
      s += 1;
    }
    this.unscaled = u;
    this.scale = s;
    Object.freeze(this);
  }

  /**
   * Parses decimal text (`-12.345`, `1e30`, `1.5E-3`; the forms JSON numbers and X3 decimal strings take)
   * exactly. Surrounding whitespace is ignored. `undefined` when the text is not a decimal number, or needs more
   * than 1,000 digits.
   */
  static parse(text: string): Decimal | undefined {
    const m = DECIMAL_TEXT_RE.exec(text.trim());
    if (!m) return undefined;
    const [, sign, intDigits = '', fracDigits = '', exponentText] = m;
    const exponent = exponentText === undefined ? 0 : Number(exponentText);
    if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > MAX_DIGITS) return undefined;
    if (intDigits.length + fracDigits.length > MAX_DIGITS) return undefined;
    const unscaled = BigInt(intDigits + fracDigits);
    return new Decimal(sign === '-' ? -unscaled : unscaled, fracDigits.length - exponent);
  }

  /**
   * The exact decimal a finite `number` stands for in JSON: its shortest round-trip text (`0.1` is `0.1`, not
   * the binary expansion). Throws a `RangeError` for `NaN` and infinities.
   */
  static fromNumber(value: number): Decimal {
    if (!Number.isFinite(value)) throw new RangeError(`${value} is not a finite number`);
    const text = String(value);
    let decimal: Decimal;
    const point = text.indexOf('.');
    if (text.includes('e')) decimal = Decimal.parse(text) as Decimal;
    else {
      // Plain text (`-1234.5`, `100`; -0 prints `0`): its digits without the point are the unscaled value, and it is
      // already the value's text, as a shortest round-trip text has no trailing fraction zero.
      decimal = new Decimal(
        BigInt(point < 0 ? text : text.slice(0, point) + text.slice(point + 1)),
        point < 0 ? 0 : text.length - point - 1,
        true,
      );
      decimal.#text = text;
      // Its text is the number's shortest round-trip text: the number holds it exactly (-0 reads as 0). Not so for
      // an exponent form (`1e+21`), whose plain text is not what String() writes (see isExactNumber).
      decimal.#exact = value === 0 ? 0 : value;
    }
    return decimal;
  }

  /** A decimal from its parts: `unscaled / 10^scale`. */
  static of(unscaled: bigint, scale = 0): Decimal {
    if (!Number.isSafeInteger(scale)) throw new RangeError(`scale ${scale} is not an integer`);
    return new Decimal(unscaled, scale);
  }

  /** Significant digits as a decimal column counts them: integer digits (none for `0.x`) plus the scale. */
  get precision(): number {
    if (this.unscaled === 0n) return 0;
    const digits = this.#absDigits();
    const integerDigits = digits.length - this.scale;
    return integerDigits > 0 ? digits.length : this.scale;
  }

  /** True when the value is negative. */
  get negative(): boolean {
    return this.unscaled < 0n;
  }

  /** Rounds to at most `scale` fraction digits (`half-even`, banker's rounding, unless told otherwise). */
  round(scale: number, mode: DecimalRounding = 'half-even'): Decimal {
    if (this.scale <= scale) return this;
    const divisor = 10n ** BigInt(this.scale - scale);
    const negative = this.unscaled < 0n;
    const abs = negative ? -this.unscaled : this.unscaled;
    let quotient = abs / divisor;
    const twice = (abs % divisor) * 2n;
    if (twice > divisor || (twice === divisor && (mode === 'half-up' || quotient % 2n === 1n)))
      quotient += 1n;
    return new Decimal(negative ? -quotient : quotient, scale);
  }

  /** -1, 0 or 1 as this value is below, equal to or above `other`. */
  compare(other: Decimal): -1 | 0 | 1 {
    const scale = Math.max(this.scale, other.scale);
    const a = this.unscaled * 10n ** BigInt(scale - this.scale);
    const b = other.unscaled * 10n ** BigInt(scale - other.scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** Exact equality of value. */
  equals(other: Decimal): boolean {
    return this.unscaled === other.unscaled && this.scale === other.scale;
  }

  /** The exact plain text (`-12.5`, `1000000000000000000000000000000`): never an exponent. */
  toString(): string {
    if (this.#text !== undefined) return this.#text;
    const negative = this.unscaled < 0n;
    const digits = this.#absDigits();
    let text: string;
    if (this.scale === 0) text = `${negative ? '-' : ''}${digits}`;
    else {
      const padded = digits.padStart(this.scale + 1, '0');
      const point = padded.length - this.scale;
      text = `${negative ? '-' : ''}${padded.slice(0, point)}.${padded.slice(point)}`;
    }
    this.#text = text;
    return text;
  }

  #absDigits(): string {
    if (this.#digits === undefined)
      this.#digits = (this.unscaled < 0n ? -this.unscaled : this.unscaled).toString();
    return this.#digits;
  }

  /** JSON form: the exact text as a string (a JSON number could not carry it through `JSON.parse`). */
  toJSON(): string {
    return this.toString();
  }

  /** The nearest `number` (may be inexact for long values; used by arithmetic operators). */
  valueOf(): number {
    return this.#exact ?? Number(this.toString());
  }

  /** The nearest `number` (may be inexact; see {@link Decimal.isExactNumber}). */
  toNumber(): number {
    return this.valueOf();
  }

  /** True when {@link Decimal.toNumber} holds this exact value (its shortest text is this text). */
  isExactNumber(): boolean {
    if (this.#exact === undefined) {
      const text = this.toString();
      const n = Number(text);
      this.#exact = Number.isFinite(n) && String(n) === text ? n : null;
    }
    return this.#exact !== null;
  }

  /** `Decimal(12.5)` in `util.inspect` and logs. */
  [inspect.custom](): string {
    return `Decimal(${this.toString()})`;
  }
}

// The brand lives on the prototype (one property, not one per value): every Decimal of this copy inherits it.
Object.defineProperty(Decimal.prototype, DECIMAL_BRAND, { value: true });

/** True for a {@link Decimal} from any copy of `@mlc/core`. */
export function isDecimal(value: unknown): value is Decimal {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DECIMAL_BRAND] === true
  );
}
