import {
  type CompareOp,
  type Condition,
  LiteralTypeError,
  type Operand,
  coerceLiteral,
  likeToRegExp,
} from '../data/condition.js';
import type { FieldDef, FieldValue } from '../data/entity-definition.js';

/** Why a `where` clause was refused. X3 answers an unknown property with HTTP 500 ([documented] §1.4). */
export class SDataWhereError extends Error {
  readonly reason: 'syntax' | 'unknown-field' | 'literal';
  readonly field: string | undefined;

  /**
   * @param reason kind of failure.
   * @param message detail.
   * @param field the offending property, when there is one.
   */
  constructor(reason: 'syntax' | 'unknown-field' | 'literal', message: string, field?: string) {
    super(message);
    this.name = 'SDataWhereError';
    this.reason = reason;
    this.field = field;
  }
}

type Token =
  | { t: 'punct'; v: '(' | ')' | ',' }
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'date'; v: string }
  | { t: 'datetime'; v: number }
  | { t: 'ident'; v: string };

const OPS = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/**
 * Tokenises SData literals: strings in single or double quotes with the quote doubled inside ([inferred]: the
 * escaping of embedded quotes is not documented, reference §5), numbers, `@YYYY-MM-DD@` dates and
 * `@YYYY-MM-DDTHH:MM:SSZ@` datetimes ([documented] §1.2).
 */
function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      out.push({ t: 'punct', v: ch });
      i++;
    } else if (ch === "'" || ch === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new SDataWhereError('syntax', `unterminated string in where: ${src}`);
        const c = src[i] as string;
        if (c === ch) {
          if (src[i + 1] === ch) {
            s += ch;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += c;
        i++;
      }
      out.push({ t: 'str', v: s });
    } else if (ch === '@') {
      const end = src.indexOf('@', i + 1);
      if (end < 0) throw new SDataWhereError('syntax', 'unterminated @…@ literal in where');
      const body = src.slice(i + 1, end);
      if (/^\d{4}-\d{2}-\d{2}$/.test(body)) out.push({ t: 'date', v: body });
      else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(body)) {
        out.push({ t: 'datetime', v: Math.floor(Date.parse(body) / 1000) });
      } else throw new SDataWhereError('literal', `invalid date literal @${body}@`);
      i = end + 1;
    } else if (/[-\d]/.test(ch)) {
      const m = /^-?\d+(\.\d+)?/.exec(src.slice(i));
      if (!m) throw new SDataWhereError('syntax', `unexpected "${ch}" in where`);
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ t: 'ident', v: m[0] });
      i += m[0].length;
    } else {
      throw new SDataWhereError('syntax', `unexpected "${ch}" in where`);
    }
  }
  return out;
}

/**
 * Parses an SData `where` clause (the subset X3 implements, [documented] reference §1.2): `eq ne lt le gt ge`,
 * `and`, `or`, `not`, parentheses, `in (…)`, `like`, `between … and …`, functions `left right upper lower
 * toupper tolower len`, and literals. Property names resolve through `fields` (REST name → field).
 */
export function parseSDataWhere(src: string, fields: ReadonlyMap<string, FieldDef>): Condition {
  return new WhereParser(src, tokenize(src), fields).parse();
}

/**
 * A recursive-descent parser over one clause's tokens: `or` binds loosest, then `and`, then `not`, then a
 * predicate (a parenthesised clause, or an operand, an optional `not`, and an operator with its operands).
 */
class WhereParser {
  #pos = 0;

  constructor(
    readonly src: string,
    readonly tokens: readonly Token[],
    readonly fields: ReadonlyMap<string, FieldDef>,
  ) {}

  /** The whole clause; every token must be used. */
  parse(): Condition {
    if (this.tokens.length === 0) throw new SDataWhereError('syntax', 'empty where');
    const cond = this.orExpr();
    if (this.#pos < this.tokens.length)
      throw new SDataWhereError('syntax', `unexpected trailing input in where: ${this.src}`);
    return cond;
  }

  /** The next token, not consumed. */
  peek(): Token | undefined {
    return this.tokens[this.#pos];
  }

  /** Consumes and returns the next token. */
  next(): Token | undefined {
    return this.tokens[this.#pos++];
  }

  /** Skips the next token (already peeked). */
  skip(): void {
    this.#pos++;
  }

  /** Whether `tok` is the keyword `word` (case-insensitive). */
  isWord(tok: Token | undefined, word: string): boolean {
    return tok?.t === 'ident' && tok.v.toLowerCase() === word;
  }

  /** Whether the next token is the punctuation `v`. */
  atPunct(v: '(' | ')' | ','): boolean {
    const tok = this.peek();
    return tok?.t === 'punct' && tok.v === v;
  }

  /** Consumes the punctuation `v`, or throws a syntax error. */
  expectPunct(v: '(' | ')' | ','): void {
    const tok = this.next();
    if (tok?.t !== 'punct' || tok.v !== v)
      throw new SDataWhereError('syntax', `expected "${v}" in where: ${this.src}`);
  }

  /** `a or b or …`. */
  orExpr(): Condition {
    const items = [this.andExpr()];
    while (this.isWord(this.peek(), 'or')) {
      this.skip();
      items.push(this.andExpr());
    }
    return items.length === 1 ? (items[0] as Condition) : { kind: 'or', items };
  }

  /** `a and b and …`. */
  andExpr(): Condition {
    const items = [this.notExpr()];
    while (this.isWord(this.peek(), 'and')) {
      this.skip();
      items.push(this.notExpr());
    }
    return items.length === 1 ? (items[0] as Condition) : { kind: 'and', items };
  }

  /** `not a` (any number of times) or a predicate. */
  notExpr(): Condition {
    if (this.isWord(this.peek(), 'not')) {
      this.skip();
      return { kind: 'not', item: this.notExpr() };
    }
    return this.predicate();
  }

  /** `( clause )`, or `operand [not] op …` with op one of the comparisons, `in`, `like` or `between`. */
  predicate(): Condition {
    if (this.atPunct('(')) {
      this.skip();
      const inner = this.orExpr();
      this.expectPunct(')');
      return inner;
    }
    const left = this.operand();
    let negate = false;
    if (this.isWord(this.peek(), 'not')) {
      negate = true;
      this.skip();
    }
    const opTok = this.next();
    if (opTok?.t !== 'ident')
      throw new SDataWhereError('syntax', `expected an operator in where: ${this.src}`);
    const op = opTok.v.toLowerCase();
    let cond: Condition;
    if (OPS.has(op)) cond = this.comparison(left, op as CompareOp);
    else if (op === 'in') cond = this.inList(left);
    else if (op === 'like') cond = this.like(left);
    else if (op === 'between') cond = this.between(left);
    else throw new SDataWhereError('syntax', `unknown operator "${opTok.v}" in where`);
    return negate ? { kind: 'not', item: cond } : cond;
  }

  /** `left op right`; a literal on either side is coerced to the other side's field type. */
  comparison(left: Operand, op: CompareOp): Condition {
    const right = this.operand();
    return {
      kind: 'cmp',
      op,
      left: left.kind === 'literal' ? this.coerce(right, left) : left,
      right: this.coerce(left, right),
    };
  }

  /** `left in (v1, v2, …)`. */
  inList(left: Operand): Condition {
    this.expectPunct('(');
    const values = [this.coerce(left, this.operand())];
    while (this.atPunct(',')) {
      this.skip();
      values.push(this.coerce(left, this.operand()));
    }
    this.expectPunct(')');
    return { kind: 'in', left, values };
  }

  /** `left like 'pattern'` (a string literal pattern). */
  like(left: Operand): Condition {
    const pat = this.operand();
    if (pat.kind !== 'literal' || typeof pat.value !== 'string') {
      throw new SDataWhereError('syntax', `like needs a string pattern: ${this.src}`);
    }
    return { kind: 'like', left, pattern: likeToRegExp(pat.value) };
  }

  /** `left between low and high`, as `left ge low and left le high`. */
  between(left: Operand): Condition {
    const low = this.coerce(left, this.operand());
    if (!this.isWord(this.next(), 'and'))
      throw new SDataWhereError('syntax', `between needs "and": ${this.src}`);
    const high = this.coerce(left, this.operand());
    return {
      kind: 'and',
      items: [
        { kind: 'cmp', op: 'ge', left, right: low },
        { kind: 'cmp', op: 'le', left, right: high },
      ],
    };
  }

  /** A literal, a function call, `true`/`false`/`null`, or a property (which must be known). */
  operand(): Operand {
    const tok = this.next();
    if (!tok) throw new SDataWhereError('syntax', `unexpected end of where: ${this.src}`);
    switch (tok.t) {
      case 'str':
      case 'date':
      case 'num':
      case 'datetime':
        return { kind: 'literal', value: tok.v };
      case 'ident': {
        if (this.atPunct('(')) return this.call(tok.v);
        const lower = tok.v.toLowerCase();
        if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true' };
        if (lower === 'null') return { kind: 'literal', value: null };
        const def = this.fields.get(tok.v);
        if (!def) throw new SDataWhereError('unknown-field', `Unknown property "${tok.v}" in where`, tok.v);
        return { kind: 'field', field: def.name, type: def.type };
      }
      default:
        throw new SDataWhereError('syntax', `unexpected "${tok.v}" in where: ${this.src}`);
    }
  }

  /** `name(arg, …)`, the opening parenthesis next. */
  call(name: string): Operand {
    this.skip();
    const args: Operand[] = [];
    if (!this.atPunct(')')) {
      args.push(this.operand());
      while (this.atPunct(',')) {
        this.skip();
        args.push(this.operand());
      }
    }
    this.expectPunct(')');
    return { kind: 'call', name: name.toLowerCase(), args };
  }

  /** `lit` converted to `field`'s type when `field` is a property and `lit` a literal; else `lit` unchanged. */
  coerce(field: Operand, lit: Operand): Operand {
    if (field.kind !== 'field' || lit.kind !== 'literal') return lit;
    try {
      return { kind: 'literal', value: coerceLiteral(lit.value as FieldValue, field.type, field.field) };
    } catch (e) {
      if (e instanceof LiteralTypeError) throw new SDataWhereError('literal', e.message, field.field);
      throw e;
    }
  }
}
