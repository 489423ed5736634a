/**
 * The DAX subset the simulator evaluates. The real service runs any DAX ([documented] S14); the simulator
 * understands only the forms the SDK emits (see the README, "executeQueries"), whitespace- and
 * keyword-case-insensitive, and answers everything else with a DAX error (400), as the issue asks.
 *
 *   EVALUATE ROW("n", COUNTROWS('T'))                                   count all rows
 *   EVALUATE ROW("n", COUNTROWS(FILTER('T', 'T'[c] = <literal>)))        count rows where a column equals a value
 *   … either optionally followed by `+ 0` inside ROW to turn BLANK (no rows) into 0
 *   EVALUATE SUMMARIZECOLUMNS('T'[c], "n", COUNTROWS('T'))              count rows grouped by a column
 *   EVALUATE TOPN(<n>, 'T')                                             the first n rows (insertion order)
 *   EVALUATE 'T'                                                        every row (capped at maxQueryRows)
 *
 * <literal> is a string "…" (with "" escaping), a number, TRUE()/FALSE() or BLANK().
 */
export type DaxLiteral =
  | { type: 'string'; value: string }
  | { type: 'number'; value: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'blank' };

/** A name reference with its position, for error messages. */
export interface DaxName {
  name: string;
  line: number;
  col: number;
}

/** A parsed query of one of the supported forms. */
export type DaxQuery =
  | {
      kind: 'count';
      label: string;
      table: DaxName;
      filter?: { column: DaxName; literal: DaxLiteral };
      plusZero: boolean;
    }
  | { kind: 'groupCount'; label: string; table: DaxName; column: DaxName }
  | { kind: 'topN'; n: number; table: DaxName }
  | { kind: 'table'; table: DaxName };

/** A parse failure in the engine's message style: `Query (line, col) …`. */
export interface DaxParseError {
  error: string;
}

type TokenType = 'ident' | 'str' | 'tbl' | 'col' | 'num' | 'punc' | 'eof';
interface Token {
  type: TokenType;
  value: string;
  line: number;
  col: number;
}

/** Splits a DAX query into tokens (with 1-based line and column), or the engine-style error of the first bad one. */
function tokenize(src: string): Token[] | DaxParseError {
  return new DaxTokenizer(src).tokens();
}

/** A DAX lexer: one method per token kind; `i` is the read position, `line`/`lineStart` track positions. */
class DaxTokenizer {
  i = 0;
  line = 1;
  lineStart = 0;

  constructor(readonly src: string) {}

  /** The position of the read position, 1-based. */
  at(): { line: number; col: number } {
    return { line: this.line, col: this.i - this.lineStart + 1 };
  }

  /** Every token through `eof`, or the first error. */
  tokens(): Token[] | DaxParseError {
    const { src } = this;
    const tokens: Token[] = [];
    while (this.i < src.length) {
      const ch = src[this.i] as string;
      if (ch === '\n') {
        this.line++;
        this.i++;
        this.lineStart = this.i;
        continue;
      }
      if (/\s/.test(ch) || ch === '\uFEFF') {
        this.i++;
        continue;
      }
      const tok = this.token(ch);
      if ('error' in tok) return tok;
      tokens.push(tok);
    }
    tokens.push({ type: 'eof', value: '', ...this.at() });
    return tokens;
  }

  /** The token starting with `ch` (not whitespace), or the error. */
  token(ch: string): Token | DaxParseError {
    const { src } = this;
    if (ch === '"') return this.quoted('"', 'str');
    if (ch === "'") return this.quoted("'", 'tbl');
    if (ch === '[') return this.column();
    if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(src[this.i + 1] ?? ''))) {
      return this.matched(/^-?\d+(\.\d+)?([eE][+-]?\d+)?/, 'num', ch);
    }
    if (/[A-Za-z_]/.test(ch)) return this.matched(/^[A-Za-z_][A-Za-z0-9_.]*/, 'ident', ch);
    if ('(),=+'.includes(ch)) {
      const tok: Token = { type: 'punc', value: ch, ...this.at() };
      this.i++;
      return tok;
    }
    const pos = this.at();
    return { error: `Query (${pos.line}, ${pos.col}) The syntax for '${ch}' is incorrect.` };
  }

  /** A number or identifier: the longest match of `re` here (at least `ch`). */
  matched(re: RegExp, type: 'num' | 'ident', ch: string): Token {
    const pos = this.at();
    const m = re.exec(this.src.slice(this.i));
    const value = m?.[0] ?? ch;
    this.i += value.length;
    return { type, value, ...pos };
  }

  /** A string (`"…"`) or table name (`'…'`); the closing quote doubled escapes itself. */
  quoted(close: string, type: TokenType): Token | DaxParseError {
    const { src } = this;
    const pos = this.at();
    let value = '';
    this.i++;
    for (;;) {
      if (this.i >= src.length)
        return { error: `Query (${pos.line}, ${pos.col}) Unterminated ${type} literal.` };
      const ch = src[this.i] as string;
      if (ch === close) {
        if (src[this.i + 1] === close) {
          value += close;
          this.i += 2;
          continue;
        }
        this.i++;
        return { type, value, ...pos };
      }
      if (ch === '\n') {
        this.line++;
        this.lineStart = this.i + 1;
      }
      value += ch;
      this.i++;
    }
  }

  /** A column reference `[…]`; `]]` escapes a bracket inside the name. */
  column(): Token | DaxParseError {
    const { src } = this;
    const pos = this.at();
    let j = this.i + 1;
    let value = '';
    for (;;) {
      const k = src.indexOf(']', j);
      if (k < 0) return { error: `Query (${pos.line}, ${pos.col}) Unterminated column reference.` };
      value += src.slice(j, k);
      if (src[k + 1] === ']') {
        value += ']';
        j = k + 2;
        continue;
      }
      this.i = k + 1;
      break;
    }
    return { type: 'col', value, ...pos };
  }
}

class Unsupported extends Error {}

class Parser {
  #pos = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.#pos + offset, this.tokens.length - 1)] as Token;
  }

  next(): Token {
    const t = this.peek();
    this.#pos++;
    return t;
  }

  fail(t: Token, what: string): never {
    const near = t.type === 'eof' ? 'end of query' : `'${t.value}'`;
    throw new Unsupported(`Query (${t.line}, ${t.col}) The syntax for ${near} is incorrect. ${what}`);
  }

  keyword(word: string): Token {
    const t = this.next();
    if (t.type !== 'ident' || t.value.toUpperCase() !== word) this.fail(t, `Expected ${word}.`);
    return t;
  }

  isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.type === 'ident' && t.value.toUpperCase() === word;
  }

  punc(p: string): void {
    const t = this.next();
    if (t.type !== 'punc' || t.value !== p) this.fail(t, `Expected '${p}'.`);
  }

  isPunc(p: string): boolean {
    const t = this.peek();
    return t.type === 'punc' && t.value === p;
  }

  string(): string {
    const t = this.next();
    if (t.type !== 'str') this.fail(t, 'Expected a string literal.');
    return t.value;
  }

  table(): DaxName {
    const t = this.next();
    if (t.type === 'tbl' || (t.type === 'ident' && !this.isPunc('('))) {
      return { name: t.value, line: t.line, col: t.col };
    }
    return this.fail(t, 'Expected a table reference.');
  }

  /** `'T'[c]`, `T[c]` or (when `allowBare`) `[c]`; returns the table (if written) and the column. */
  column(allowBare: boolean): { table?: DaxName; column: DaxName } {
    let table: DaxName | undefined;
    if (this.peek().type !== 'col') table = this.table();
    const t = this.next();
    if (t.type !== 'col') this.fail(t, 'Expected a column reference.');
    if (!table && !allowBare) this.fail(t, 'Expected a fully qualified column reference.');
    return { table, column: { name: t.value, line: t.line, col: t.col } };
  }

  literal(): DaxLiteral {
    const t = this.next();
    if (t.type === 'str') return { type: 'string', value: t.value };
    if (t.type === 'num') return { type: 'number', value: t.value };
    if (t.type === 'ident') {
      const word = t.value.toUpperCase();
      if (word === 'TRUE' || word === 'FALSE' || word === 'BLANK') {
        if (this.isPunc('(')) {
          this.punc('(');
          this.punc(')');
        } else if (word === 'BLANK') {
          this.fail(t, 'Expected BLANK().');
        }
        return word === 'BLANK' ? { type: 'blank' } : { type: 'boolean', value: word === 'TRUE' };
      }
    }
    return this.fail(t, 'Expected a literal value.');
  }

  sameTable(a: DaxName, b: DaxName | undefined): void {
    if (b && a.name.toLowerCase() !== b.name.toLowerCase()) {
      throw new Unsupported(
        `Query (${b.line}, ${b.col}) The simulator only supports a column of the table being counted ('${a.name}').`,
      );
    }
  }

  query(): DaxQuery {
    this.keyword('EVALUATE');
    let q: DaxQuery;
    if (this.isKeyword('ROW') && this.peek(1).value === '(') {
      this.next();
      this.punc('(');
      const label = this.string();
      this.punc(',');
      this.keyword('COUNTROWS');
      this.punc('(');
      let table: DaxName;
      let filter: { column: DaxName; literal: DaxLiteral } | undefined;
      if (this.isKeyword('FILTER') && this.peek(1).value === '(') {
        this.next();
        this.punc('(');
        table = this.table();
        this.punc(',');
        const ref = this.column(true);
        this.sameTable(table, ref.table);
        this.punc('=');
        filter = { column: ref.column, literal: this.literal() };
        this.punc(')');
      } else {
        table = this.table();
      }
      this.punc(')');
      let plusZero = false;
      if (this.isPunc('+')) {
        this.next();
        const zero = this.next();
        if (zero.type !== 'num' || Number(zero.value) !== 0) this.fail(zero, "Only '+ 0' is supported.");
        plusZero = true;
      }
      this.punc(')');
      q = { kind: 'count', label, table, filter, plusZero };
    } else if (this.isKeyword('SUMMARIZECOLUMNS')) {
      this.next();
      this.punc('(');
      const ref = this.column(false);
      this.punc(',');
      const label = this.string();
      this.punc(',');
      this.keyword('COUNTROWS');
      this.punc('(');
      const table = this.table();
      this.punc(')');
      this.punc(')');
      this.sameTable(table, ref.table);
      q = { kind: 'groupCount', label, table, column: ref.column };
    } else if (this.isKeyword('TOPN') && this.peek(1).value === '(') {
      this.next();
      this.punc('(');
      const nTok = this.next();
      if (nTok.type !== 'num' || !/^\d+$/.test(nTok.value)) this.fail(nTok, 'Expected a whole number.');
      this.punc(',');
      const table = this.table();
      this.punc(')');
      q = { kind: 'topN', n: Number(nTok.value), table };
    } else {
      q = { kind: 'table', table: this.table() };
    }
    const end = this.next();
    if (end.type !== 'eof') this.fail(end, 'The simulator supports a single EVALUATE of a documented form.');
    return q;
  }
}

/** Parses one query of the supported forms, or returns a DAX error message. */
export function parseDax(source: string): DaxQuery | DaxParseError {
  const tokens = tokenize(source);
  if ('error' in tokens) return tokens;
  try {
    return new Parser(tokens).query();
  } catch (err) {
    if (err instanceof Unsupported) return { error: err.message };
    throw err;
  }
}
