import { type Condition, matches, stampBounds } from './condition.js';
import type { FieldValue, SimRecord } from './entity-definition.js';
import type { EntityTable } from './entity-table.js';
import { type SortSpec, compareRecordToTuple, compareRecords } from './field-value.js';

/** One page request against a table. */
export interface QuerySpec {
  /** Full sort order; callers append the key so the order is total. */
  readonly sort: readonly SortSpec[];
  readonly where?: Condition;
  /** Start strictly after (or at, when inclusive) this tuple of sort values (a prefix is allowed). */
  readonly after?: { readonly values: readonly FieldValue[]; readonly inclusive: boolean };
  /** Keep only records strictly before (or at, when inclusive) this tuple (REST `key=lt.` / `key=le.`). */
  readonly before?: { readonly values: readonly FieldValue[]; readonly inclusive: boolean };
  readonly limit: number;
}

/** One page of records and whether more follow. */
export interface QueryResult {
  readonly records: SimRecord[];
  readonly hasMore: boolean;
}

/**
 * Runs one page query. Orders (updatedAt asc, key asc) and (key asc) stream from the table's ordered views
 * starting by binary search, so paging a 1M-record table from a high stamp touches only the records it returns;
 * any other order scans the table once keeping only `limit + 1` records.
 */
export function runQuery(table: EntityTable, spec: QuerySpec): QueryResult {
  const sort = normaliseSort(table, spec.sort);
  const { after, before } = spec;
  const accept = (r: SimRecord): boolean => {
    if (after) {
      const c = compareRecordToTuple(r, spec.sort, after.values);
      if (c < 0 || (c === 0 && !after.inclusive)) return false;
    }
    if (before) {
      const c = compareRecordToTuple(r, spec.sort, before.values);
      if (c > 0 || (c === 0 && !before.inclusive)) return false;
    }
    return !spec.where || matches(spec.where, r);
  };
  const want = spec.limit + 1;
  const out: SimRecord[] = [];

  if (isSort(sort, ['updatedAt', 'key'])) {
    const bounds = stampBounds(spec.where);
    const afterStamp = after && typeof after.values[0] === 'number' ? after.values[0] : undefined;
    const from = Math.max(bounds.lower ?? Number.NEGATIVE_INFINITY, afterStamp ?? Number.NEGATIVE_INFINITY);
    const afterKey = afterStamp !== undefined && afterStamp === from ? stampAfterKey(table, spec) : undefined;
    for (const r of table.scanByStamp(from, afterKey)) {
      const up = bounds.upper;
      if (up && (r.updatedAt > up.sec || (!up.inclusive && r.updatedAt === up.sec))) break;
      if (accept(r)) out.push(r);
      if (out.length >= want) break;
    }
  } else if (isSort(sort, ['key'])) {
    for (const r of table.scanByKey(keySeek(table, spec))) {
      if (accept(r)) out.push(r);
      if (out.length >= want) break;
    }
  } else {
    for (const r of table.scanAll()) {
      if (!accept(r)) continue;
      if (out.length === want && compareRecords(r, out[want - 1] as SimRecord, sort) >= 0) continue;
      let lo = 0;
      let hi = out.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareRecords(out[mid] as SimRecord, r, sort) <= 0) lo = mid + 1;
        else hi = mid;
      }
      out.splice(lo, 0, r);
      if (out.length > want) out.pop();
    }
  }
  const hasMore = out.length > spec.limit;
  if (hasMore) out.length = spec.limit;
  return { records: out, hasMore };
}

/** Counts matching records (a full scan; only used when a client asks for `totalCount`). */
export function countMatching(table: EntityTable, where: Condition | undefined): number {
  let n = 0;
  for (const r of table.scanAll()) if (!where || matches(where, r)) n++;
  return n;
}

/** Maps key-equivalent fields to `key` and cuts everything after the key (the key is unique). */
function normaliseSort(table: EntityTable, sort: readonly SortSpec[]): SortSpec[] {
  const def = table.def;
  const keyAlias = new Set(def.fields.filter((f) => f.sameAsKey).map((f) => f.name));
  const out: SortSpec[] = [];
  for (let k = 0; k < sort.length; k++) {
    const s = sort[k] as SortSpec;
    const composite = def.restKeyFields;
    if (
      composite.length > 1 &&
      composite.every((f, m) => sort[k + m]?.field === f && sort[k + m]?.desc === s.desc)
    ) {
      out.push({ field: 'key', desc: s.desc });
      break;
    }
    const field = keyAlias.has(s.field) ? 'key' : s.field;
    out.push({ field, desc: s.desc });
    if (field === 'key') break;
  }
  return out;
}

function isSort(sort: readonly SortSpec[], fields: readonly string[]): boolean {
  return sort.length === fields.length && sort.every((s, k) => s.field === fields[k] && !s.desc);
}

/**
 * For an exclusive `after` tuple (stamp, key…) on a (updatedAt, key) order, the key to skip up to inside the
 * first stamp group, so records before the cursor are not even built.
 */
function stampAfterKey(table: EntityTable, spec: QuerySpec): string | undefined {
  const values = spec.after?.values;
  if (!values || spec.after?.inclusive || values.length < 2) return undefined;
  const second = spec.sort[1]?.field;
  if (second === 'key' || table.def.fields.some((f) => f.sameAsKey && f.name === second))
    return String(values[1]);
  const composite = table.def.restKeyFields;
  if (composite.length > 1 && values.length >= composite.length + 1 && second === composite[0]) {
    return values
      .slice(1, composite.length + 1)
      .map(String)
      .join('~');
  }
  return undefined;
}

/** Where a key-ordered scan can start: the `after` key (the predicate drops the equal one). */
function keySeek(table: EntityTable, spec: QuerySpec): string | undefined {
  const values = spec.after?.values;
  if (!values || values.length === 0) return undefined;
  const composite = table.def.restKeyFields;
  if (
    spec.sort[0]?.field === 'key' ||
    table.def.fields.some((f) => f.sameAsKey && f.name === spec.sort[0]?.field)
  ) {
    return String(values[0]);
  }
  if (composite.length > 1 && values.length >= composite.length) {
    return values.slice(0, composite.length).map(String).join('~');
  }
  return undefined;
}
