/** A value of the relaxed JSON that Xtrem accepts in `filter` and `orderBy` strings. */
export type JsonIsh = string | number | boolean | null | JsonIsh[] | { [key: string]: JsonIsh };

/** Raised for text that is not relaxed JSON. */
export class JsonIshError extends Error {
  /** @param message what was wrong and where. */
  constructor(message: string) {
    super(message);
    this.name = 'JsonIshError';
  }
}

/**
 * Parses the relaxed JSON of Xtrem `filter`/`orderBy` arguments ([documented] reference §2.6: unquoted keys and
 * single-quoted strings are accepted): keys bare or quoted, strings in single or double quotes with backslash
 * escapes, numbers with an optional `+` (`{code: +1}`), `true`/`false`/`null`, arrays and objects.
 */
export function parseJsonIsh(src: string): JsonIsh {
  const parser = new JsonIshParser(src);
  const v = parser.value();
  parser.ws();
  if (parser.i < src.length) parser.err('unexpected trailing input');
  return v;
}

/** A recursive-descent reader of relaxed JSON, one method per kind of value; `i` is the read position. */
class JsonIshParser {
  i = 0;

  constructor(readonly src: string) {}

  /** Skips whitespace. */
  ws(): void {
    while (this.i < this.src.length && /\s/.test(this.src[this.i] as string)) this.i++;
  }

  /** Throws a JsonIshError naming what was wrong and the position. */
  err(what: string): never {
    throw new JsonIshError(`${what} at position ${this.i} in ${JSON.stringify(this.src)}`);
  }

  /** Any value: object, array, string, number, `true`, `false` or `null`. */
  value(): JsonIsh {
    this.ws();
    const c = this.src[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"' || c === "'") return this.str();
    return this.scalar();
  }

  /** `{ key: value, … }` with bare or quoted keys (the `{` next). */
  object(): { [key: string]: JsonIsh } {
    const { src } = this;
    this.i++;
    const obj: { [key: string]: JsonIsh } = {};
    this.ws();
    if (src[this.i] === '}') {
      this.i++;
      return obj;
    }
    for (;;) {
      this.ws();
      const key = this.key();
      this.ws();
      if (src[this.i++] !== ':') this.err('expected ":"');
      obj[key] = this.value();
      this.ws();
      if (src[this.i] === ',') {
        this.i++;
        continue;
      }
      if (src[this.i] === '}') {
        this.i++;
        return obj;
      }
      return this.err('expected "," or "}"');
    }
  }

  /** An object key: a quoted string or a bare identifier. */
  key(): string {
    const { src } = this;
    if (src[this.i] === '"' || src[this.i] === "'") return this.str();
    const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(this.i));
    if (!m) return this.err('expected a key');
    this.i += m[0].length;
    return m[0];
  }

  /** `[ value, … ]` (the `[` next). */
  array(): JsonIsh[] {
    const { src } = this;
    this.i++;
    const arr: JsonIsh[] = [];
    this.ws();
    if (src[this.i] === ']') {
      this.i++;
      return arr;
    }
    for (;;) {
      arr.push(this.value());
      this.ws();
      if (src[this.i] === ',') {
        this.i++;
        continue;
      }
      if (src[this.i] === ']') {
        this.i++;
        return arr;
      }
      return this.err('expected "," or "]"');
    }
  }

  /** A string in the quote that is next, with backslash escapes (`\n \t \r \b \f \uXXXX`, else the character). */
  str(): string {
    const { src } = this;
    const q = src[this.i++] as string;
    let out = '';
    while (this.i < src.length && src[this.i] !== q) {
      let c = src[this.i++] as string;
      if (c === '\\') {
        const e = src[this.i++];
        if (e === undefined) this.err('unterminated escape');
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
        if (e === 'u') {
          c = String.fromCharCode(Number.parseInt(src.slice(this.i, this.i + 4), 16));
          this.i += 4;
        } else c = map[e as string] ?? (e as string);
      }
      out += c;
    }
    if (src[this.i] !== q) this.err('unterminated string');
    this.i++;
    return out;
  }

  /** A number (optional sign, `+` included), `true`, `false` or `null`. */
  scalar(): JsonIsh {
    const { src } = this;
    const num = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(src.slice(this.i));
    if (num) {
      this.i += num[0].length;
      return Number(num[0]);
    }
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (src.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    return this.err('unexpected character');
  }
}
