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
  let i = 0;
  const ws = (): void => {
    while (i < src.length && /\s/.test(src[i] as string)) i++;
  };
  const err = (what: string): never => {
    throw new JsonIshError(`${what} at position ${i} in ${JSON.stringify(src)}`);
  };
  const str = (): string => {
    const q = src[i++] as string;
    let out = '';
    while (i < src.length && src[i] !== q) {
      let c = src[i++] as string;
      if (c === '\\') {
        const e = src[i++];
        if (e === undefined) err('unterminated escape');
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
        if (e === 'u') {
          c = String.fromCharCode(Number.parseInt(src.slice(i, i + 4), 16));
          i += 4;
        } else c = map[e as string] ?? (e as string);
      }
      out += c;
    }
    if (src[i] !== q) err('unterminated string');
    i++;
    return out;
  };
  const value = (): JsonIsh => {
    ws();
    const c = src[i];
    if (c === '{') {
      i++;
      const obj: { [key: string]: JsonIsh } = {};
      ws();
      if (src[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        let key: string;
        if (src[i] === '"' || src[i] === "'") key = str();
        else {
          const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i));
          if (!m) return err('expected a key');
          key = m[0];
          i += key.length;
        }
        ws();
        if (src[i++] !== ':') err('expected ":"');
        obj[key] = value();
        ws();
        if (src[i] === ',') {
          i++;
          continue;
        }
        if (src[i] === '}') {
          i++;
          return obj;
        }
        return err('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const arr: JsonIsh[] = [];
      ws();
      if (src[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (src[i] === ',') {
          i++;
          continue;
        }
        if (src[i] === ']') {
          i++;
          return arr;
        }
        return err('expected "," or "]"');
      }
    }
    if (c === '"' || c === "'") return str();
    const num = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      i += num[0].length;
      return Number(num[0]);
    }
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (src.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return err('unexpected character');
  };
  const v = value();
  ws();
  if (i < src.length) err('unexpected trailing input');
  return v;
}
