import { type CompareOp, type Condition, LiteralTypeError, coerceLiteral } from '../data/condition.js';
import { storedOfMenu } from '../data/local-menu.js';
import type { FieldDef, FieldValue, SimRecord } from '../data/entity-definition.js';
import { type SortSpec, fieldValue, formatStamp } from '../data/field-value.js';
import { hashString } from '../data/hash.js';
import { type JsonIsh, JsonIshError, parseJsonIsh } from './json-ish.js';

/** A bad `filter`, `orderBy` or `after` argument. */
export class GraphqlArgumentError extends Error {
  /** @param message detail, naming the property when one is at fault. */
  constructor(message: string) {
    super(message);
    this.name = 'GraphqlArgumentError';
  }
}

const CMP: Record<string, CompareOp> = { _eq: 'eq', _ne: 'ne', _gt: 'gt', _gte: 'ge', _lt: 'lt', _lte: 'le' };
const LOGIC = new Set(['_and', '_or', '_not', '_in', '_nin', '_regex', '_options']);

function isObject(v: JsonIsh): v is { [key: string]: JsonIsh } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parse(label: string, src: string): JsonIsh {
  try {
    return parseJsonIsh(src);
  } catch (e) {
    if (e instanceof JsonIshError) throw new GraphqlArgumentError(`Invalid ${label}: ${e.message}`);
    throw e;
  }
}

/**
 * Parses a `filter` string ([documented] §2.6: equality by value, `{field: {_op: v}}`, several keys = AND,
 * nested reference paths; `_eq _ne _gt _gte _lt _lte _in _nin _regex _and _or _not` [documented for the Xtrem
 * engine, inferred for X3]). A top-level array is read as OR of its items ([inferred]; Sage's PHP sample sends
 * one). Unknown properties are refused.
 */
export function parseGraphqlFilter(src: string, paths: ReadonlyMap<string, FieldDef>): Condition | undefined {
  const root = parse('filter', src);
  const items = filterConditions(root, [], paths);
  return items.length === 0 ? undefined : andOf(items);
}

/** One condition for several: the item itself, or their AND. */
function andOf(items: Condition[]): Condition {
  return items.length === 1 ? (items[0] as Condition) : { kind: 'and', items };
}

/**
 * The conditions of one filter node at `path`: an array is OR of its items, a scalar is equality, an object's
 * keys (operators or nested properties) are ANDed by the caller.
 */
function filterConditions(v: JsonIsh, path: string[], paths: ReadonlyMap<string, FieldDef>): Condition[] {
  if (Array.isArray(v))
    return [{ kind: 'or', items: v.flatMap((x) => andOf(filterConditions(x, path, paths))) }];
  if (!isObject(v)) {
    const f = filterField(paths, path);
    return [compareCondition(f, 'eq', filterLiteral(f, v))];
  }
  const out: Condition[] = [];
  for (const [k, val] of Object.entries(v)) out.push(...keyConditions(k, val, v, path, paths));
  return out;
}

/** The conditions of one key `k` of the object `parent` at `path`: an operator, or a nested property. */
function keyConditions(
  k: string,
  val: JsonIsh,
  parent: { [key: string]: JsonIsh },
  path: string[],
  paths: ReadonlyMap<string, FieldDef>,
): Condition[] {
  const cmp = CMP[k];
  if (cmp) {
    const f = filterField(paths, path);
    return [compareCondition(f, cmp, filterLiteral(f, val))];
  }
  if (k === '_in' || k === '_nin') {
    const f = filterField(paths, path);
    if (!Array.isArray(val)) throw new GraphqlArgumentError(`Invalid filter: ${k} needs an array`);
    const cond: Condition = {
      kind: 'in',
      left: { kind: 'field', field: f.name, type: f.type },
      values: val.map((x) => ({ kind: 'literal', value: filterLiteral(f, x) }) as const),
    };
    return [k === '_in' ? cond : { kind: 'not', item: cond }];
  }
  if (k === '_regex') {
    const f = filterField(paths, path);
    const flags = typeof parent._options === 'string' ? parent._options.replace(/[^imsu]/g, '') : '';
    return [
      {
        kind: 'regex',
        left: { kind: 'field', field: f.name, type: f.type },
        pattern: new RegExp(String(val), flags),
      },
    ];
  }
  if (k === '_options') return []; // read with _regex
  if (k === '_and' || k === '_or') {
    if (!Array.isArray(val)) throw new GraphqlArgumentError(`Invalid filter: ${k} needs an array`);
    const items = val.map((x) => andOf(filterConditions(x, path, paths)));
    return [k === '_and' ? { kind: 'and', items } : { kind: 'or', items }];
  }
  if (k === '_not') return [{ kind: 'not', item: andOf(filterConditions(val, path, paths)) }];
  if (k.startsWith('_') && !paths.has([...path, k].join('.')) && !LOGIC.has(k)) {
    throw new GraphqlArgumentError(`Invalid filter: unknown operator "${k}"`);
  }
  return filterConditions(val, [...path, k], paths);
}

/** `field op value` for a filter property. */
function compareCondition(f: FieldDef, op: CompareOp, value: FieldValue): Condition {
  return {
    kind: 'cmp',
    op,
    left: { kind: 'field', field: f.name, type: f.type },
    right: { kind: 'literal', value },
  };
}

/** The property at a dotted filter path; unknown properties are refused. */
function filterField(paths: ReadonlyMap<string, FieldDef>, path: string[]): FieldDef {
  const f = paths.get(path.join('.'));
  if (!f) throw new GraphqlArgumentError(`Invalid filter: unknown property "${path.join('.')}"`);
  return f;
}

/** A filter value as the property stores it: a local menu's value name, or a literal of the field's type. */
function filterLiteral(f: FieldDef, v: JsonIsh): FieldValue {
  if (isObject(v) || Array.isArray(v))
    throw new GraphqlArgumentError(`Invalid filter value for ${f.graphql}`);
  if (f.menu) {
    // A local menu is compared by its value names ([documented] `{isClosed: {_ne: 'yes'}}`, reference §2.6).
    const stored = typeof v === 'string' ? storedOfMenu(f.menu, f.type, v) : undefined;
    if (stored === undefined) {
      throw new GraphqlArgumentError(
        `Invalid filter: ${JSON.stringify(v)} is not a value of ${f.menu.type} (${f.menu.values.join(', ')}) for ${f.graphql}`,
      );
    }
    return stored;
  }
  try {
    return coerceLiteral(v, f.type, f.graphql ?? f.name);
  } catch (e) {
    if (e instanceof LiteralTypeError) throw new GraphqlArgumentError(`Invalid filter: ${e.message}`);
    throw e;
  }
}

/**
 * Parses an `orderBy` string ([documented] §2.6: `{code: -1}`, `1`/`+1` ascending, nested
 * `{purchaseSite: {_id: -1}, _id: -1}`) and closes it with `_id` ascending so paging is total.
 */
export function parseGraphqlOrderBy(
  src: string | undefined | null,
  paths: ReadonlyMap<string, FieldDef>,
): {
  sort: SortSpec[];
  defs: FieldDef[];
} {
  const sort: SortSpec[] = [];
  const defs: FieldDef[] = [];
  const walk = (v: JsonIsh, path: string[]): void => {
    if (isObject(v)) {
      for (const [k, val] of Object.entries(v)) walk(val, [...path, k]);
      return;
    }
    const f = paths.get(path.join('.'));
    if (!f) throw new GraphqlArgumentError(`Invalid orderBy: unknown property "${path.join('.')}"`);
    if (v !== 1 && v !== -1)
      throw new GraphqlArgumentError(`Invalid orderBy: ${path.join('.')} must be 1 or -1`);
    sort.push({ field: f.name, desc: v === -1 });
    defs.push(f);
  };
  if (src) walk(parse('orderBy', src), []);
  if (!sort.some((s) => s.field === 'key')) {
    const key = paths.get('_id') as FieldDef;
    sort.push({ field: 'key', desc: false });
    defs.push(key);
  }
  return { sort, defs };
}

/**
 * Makes an edge cursor in the shape Sage shows (`["AE020"]#73`: the order's values as JSON, `#`, a number —
 * [documented] §2.6, to be treated as opaque). Here the number is a checksum of the JSON.
 */
export function encodeCursor(r: SimRecord, sort: readonly SortSpec[], defs: readonly FieldDef[]): string {
  const values = sort.map((s, k) => {
    const v = fieldValue(r, s.field);
    return defs[k]?.type === 'datetime' && typeof v === 'number' ? formatStamp(v) : v;
  });
  const json = JSON.stringify(values);
  return `${json}#${hashString(json) % 100}`;
}

/** Reads a cursor made by {@link encodeCursor} for the same order. */
export function decodeCursor(
  cursor: string,
  sort: readonly SortSpec[],
  defs: readonly FieldDef[],
): FieldValue[] {
  const hash = cursor.lastIndexOf('#');
  const json = hash < 0 ? '' : cursor.slice(0, hash);
  let values: unknown;
  try {
    values = JSON.parse(json);
  } catch {
    values = undefined;
  }
  if (
    !Array.isArray(values) ||
    values.length !== sort.length ||
    cursor.slice(hash + 1) !== String(hashString(json) % 100)
  ) {
    throw new GraphqlArgumentError('Invalid cursor (cursors are only valid with the orderBy they came from)');
  }
  return values.map((v, k) => {
    const f = defs[k] as FieldDef;
    return f.type === 'datetime' && typeof v === 'string'
      ? Math.floor(Date.parse(v) / 1000)
      : (v as FieldValue);
  });
}
