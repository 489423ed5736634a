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
  const tokens = tokenize(src);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (tok: Token | undefined, word: string): boolean =>
    tok?.t === 'ident' && tok.v.toLowerCase() === word;
  const expectPunct = (v: '(' | ')' | ','): void => {
    const tok = tokens[pos++];
    if (tok?.t !== 'punct' || tok.v !== v)
      throw new SDataWhereError('syntax', `expected "${v}" in where: ${src}`);
  };

  const operand = (): Operand => {
    const tok = tokens[pos++];
    if (!tok) throw new SDataWhereError('syntax', `unexpected end of where: ${src}`);
    switch (tok.t) {
      case 'str':
      case 'date':
      case 'num':
      case 'datetime':
        return { kind: 'literal', value: tok.v };
      case 'ident': {
        const next = peek();
        if (next?.t === 'punct' && next.v === '(') {
          pos++;
          const args: Operand[] = [];
          if (!(peek()?.t === 'punct' && (peek() as { v: string }).v === ')')) {
            args.push(operand());
            while (peek()?.t === 'punct' && (peek() as { v: string }).v === ',') {
              pos++;
              args.push(operand());
            }
          }
          expectPunct(')');
          return { kind: 'call', name: tok.v.toLowerCase(), args };
        }
        const lower = tok.v.toLowerCase();
        if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true' };
        if (lower === 'null') return { kind: 'literal', value: null };
        const def = fields.get(tok.v);
        if (!def) throw new SDataWhereError('unknown-field', `Unknown property "${tok.v}" in where`, tok.v);
        return { kind: 'field', field: def.name, type: def.type };
      }
      default:
        throw new SDataWhereError('syntax', `unexpected "${tok.v}" in where: ${src}`);
    }
  };

  const coerce = (field: Operand, lit: Operand): Operand => {
    if (field.kind !== 'field' || lit.kind !== 'literal') return lit;
    try {
      return { kind: 'literal', value: coerceLiteral(lit.value as FieldValue, field.type, field.field) };
    } catch (e) {
      if (e instanceof LiteralTypeError) throw new SDataWhereError('literal', e.message, field.field);
      throw e;
    }
  };

  const predicate = (): Condition => {
    const tok = peek();
    if (tok?.t === 'punct' && tok.v === '(') {
      pos++;
      const inner = orExpr();
      expectPunct(')');
      return inner;
    }
    const left = operand();
    let negate = false;
    if (isWord(peek(), 'not')) {
      negate = true;
      pos++;
    }
    const opTok = tokens[pos++];
    if (opTok?.t !== 'ident') throw new SDataWhereError('syntax', `expected an operator in where: ${src}`);
    const op = opTok.v.toLowerCase();
    let cond: Condition;
    if (OPS.has(op)) {
      const right = operand();
      cond = {
        kind: 'cmp',
        op: op as CompareOp,
        left: left.kind === 'literal' ? coerce(right, left) : left,
        right: coerce(left, right),
      };
    } else if (op === 'in') {
      expectPunct('(');
      const values = [coerce(left, operand())];
      while (peek()?.t === 'punct' && (peek() as { v: string }).v === ',') {
        pos++;
        values.push(coerce(left, operand()));
      }
      expectPunct(')');
      cond = { kind: 'in', left, values };
    } else if (op === 'like') {
      const pat = operand();
      if (pat.kind !== 'literal' || typeof pat.value !== 'string') {
        throw new SDataWhereError('syntax', `like needs a string pattern: ${src}`);
      }
      cond = { kind: 'like', left, pattern: likeToRegExp(pat.value) };
    } else if (op === 'between') {
      const low = coerce(left, operand());
      if (!isWord(tokens[pos++], 'and')) throw new SDataWhereError('syntax', `between needs "and": ${src}`);
      const high = coerce(left, operand());
      cond = {
        kind: 'and',
        items: [
          { kind: 'cmp', op: 'ge', left, right: low },
          { kind: 'cmp', op: 'le', left, right: high },
        ],
      };
    } else {
      throw new SDataWhereError('syntax', `unknown operator "${opTok.v}" in where`);
    }
    return negate ? { kind: 'not', item: cond } : cond;
  };

  const notExpr = (): Condition => {
    if (isWord(peek(), 'not')) {
      pos++;
      return { kind: 'not', item: notExpr() };
    }
    return predicate();
  };
  const andExpr = (): Condition => {
    const items = [notExpr()];
    while (isWord(peek(), 'and')) {
      pos++;
      items.push(notExpr());
    }
    return items.length === 1 ? (items[0] as Condition) : { kind: 'and', items };
  };
  const orExpr = (): Condition => {
    const items = [andExpr()];
    while (isWord(peek(), 'or')) {
      pos++;
      items.push(andExpr());
    }
    return items.length === 1 ? (items[0] as Condition) : { kind: 'or', items };
  };

  if (tokens.length === 0) throw new SDataWhereError('syntax', 'empty where');
  const cond = orExpr();
  if (pos < tokens.length) throw new SDataWhereError('syntax', `unexpected trailing input in where: ${src}`);
  return cond;
}
