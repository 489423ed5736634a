import type { FieldType, FieldValue, SimRecord } from './entity-definition.js';
import { compareValues, fieldValue } from './field-value.js';

/** An operand of a condition: a record field, a literal or a function call (SData `left(…)`, `upper(…)`). */
export type Operand =
  | { readonly kind: 'field'; readonly field: string; readonly type: FieldType }
  | { readonly kind: 'literal'; readonly value: FieldValue }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Operand[] };

/** Comparison operators shared by SData `where` and GraphQL `filter`. */
export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/** A parsed filter, independent of the surface (REST or GraphQL) it came from. */
export type Condition =
  | { readonly kind: 'and' | 'or'; readonly items: readonly Condition[] }
  | { readonly kind: 'not'; readonly item: Condition }
  | { readonly kind: 'cmp'; readonly op: CompareOp; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'in'; readonly left: Operand; readonly values: readonly Operand[] }
  | { readonly kind: 'like'; readonly left: Operand; readonly pattern: RegExp }
  | { readonly kind: 'regex'; readonly left: Operand; readonly pattern: RegExp };

/** Raised for a literal that cannot be read as the field's type. */
export class LiteralTypeError extends Error {
  /** @param message what was wrong. */
  constructor(message: string) {
    super(message);
    this.name = 'LiteralTypeError';
  }
}

/** Coerces a literal to a field type (datetimes to epoch seconds, dates to `YYYY-MM-DD`). */
export function coerceLiteral(value: FieldValue, type: FieldType, field: string): FieldValue {
  if (value === null) return null;
  switch (type) {
    case 'datetime': {
      if (typeof value === 'number') return value;
      const ms = Date.parse(String(value));
      if (Number.isNaN(ms))
        throw new LiteralTypeError(`invalid datetime literal for ${field}: ${String(value)}`);
      return Math.floor(ms / 1000);
    }
    case 'date': {
      const s = String(value);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(s))
        throw new LiteralTypeError(`invalid date literal for ${field}: ${s}`);
      return s;
    }
    case 'int':
    case 'decimal': {
      const n = typeof value === 'number' ? value : Number(value);
      if (typeof value === 'boolean' || Number.isNaN(n)) {
        throw new LiteralTypeError(`invalid number literal for ${field}: ${String(value)}`);
      }
      return n;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 1) return true;
      if (value === 'false' || value === 0) return false;
      throw new LiteralTypeError(`invalid boolean literal for ${field}: ${String(value)}`);
    }
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

function evalOperand(op: Operand, record: SimRecord): FieldValue {
  switch (op.kind) {
    case 'field':
      return fieldValue(record, op.field);
    case 'literal':
      return op.value;
    case 'call': {
      const args = op.args.map((a) => evalOperand(a, record));
      const s = args[0] === null || args[0] === undefined ? '' : String(args[0]);
      switch (op.name) {
        case 'left':
          return s.slice(0, Number(args[1] ?? 0));
        case 'right':
          return s.slice(Math.max(0, s.length - Number(args[1] ?? 0)));
        case 'upper':
        case 'toupper':
          return s.toUpperCase();
        case 'lower':
        case 'tolower':
          return s.toLowerCase();
        case 'len':
        case 'length':
          return s.length;
        default:
          return null;
      }
    }
  }
}

/** Evaluates a condition on a record. */
export function matches(cond: Condition, record: SimRecord): boolean {
  switch (cond.kind) {
    case 'and':
      return cond.items.every((c) => matches(c, record));
    case 'or':
      return cond.items.some((c) => matches(c, record));
    case 'not':
      return !matches(cond.item, record);
    case 'cmp': {
      const c = compareValues(evalOperand(cond.left, record), evalOperand(cond.right, record));
      switch (cond.op) {
        case 'eq':
          return c === 0;
        case 'ne':
          return c !== 0;
        case 'lt':
          return c < 0;
        case 'le':
          return c <= 0;
        case 'gt':
          return c > 0;
        case 'ge':
          return c >= 0;
      }
      return false;
    }
    case 'in': {
      const v = evalOperand(cond.left, record);
      return cond.values.some((o) => compareValues(v, evalOperand(o, record)) === 0);
    }
    case 'like':
    case 'regex': {
      const v = evalOperand(cond.left, record);
      return v !== null && cond.pattern.test(String(v));
    }
  }
}

/** Stamp bounds implied by a condition (only top-level `and` terms on `updatedAt` count). */
export interface StampBounds {
  lower?: number;
  upper?: { sec: number; inclusive: boolean };
}

/** Extracts `updatedAt` bounds that let an ordered scan start by binary search and stop early. */
export function stampBounds(cond: Condition | undefined): StampBounds {
  const out: StampBounds = {};
  if (!cond) return out;
  const terms = cond.kind === 'and' ? cond.items : [cond];
  for (const t of terms) {
    if (t.kind !== 'cmp') continue;
    let { op, left, right } = t;
    if (right.kind === 'field' && left.kind === 'literal') {
      [left, right] = [right, left];
      op = ({ lt: 'gt', le: 'ge', gt: 'lt', ge: 'le', eq: 'eq', ne: 'ne' } as const)[op];
    }
    if (left.kind !== 'field' || left.field !== 'updatedAt' || right.kind !== 'literal') continue;
    const v = right.value;
    if (typeof v !== 'number') continue;
    if (op === 'ge' || op === 'eq') out.lower = Math.max(out.lower ?? v, v);
    if (op === 'gt') out.lower = Math.max(out.lower ?? v + 1, v + 1); // whole seconds
    if (op === 'le' || op === 'eq' || op === 'lt') {
      const inclusive = op !== 'lt';
      if (!out.upper || v < out.upper.sec) out.upper = { sec: v, inclusive };
    }
  }
  return out;
}

/** Turns an SData `like` pattern (`%` any run, `_` one character) into an anchored RegExp. */
export function likeToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${escaped}$`, 's');
}
