import type { Dataset } from '../data/dataset.js';
import { ENTITY_DEFS } from '../data/entities/entity-defs.js';
import {
  SAGE_X3_ENTITY_NAMES,
  type EntityDef,
  type FieldDef,
  type FieldValue,
  type SageX3EntityName,
  type SimRecord,
} from '../data/entity-definition.js';
import { LiteralTypeError, coerceLiteral } from '../data/condition.js';
import { type SortSpec, fieldValue } from '../data/field-value.js';
import { type QuerySpec, runQuery } from '../data/query-engine.js';
import type { ResolvedSageX3SimulatorOptions } from '../options.js';
import { keyPart, restFieldMap, toRestResource, diagnoses } from './rest-view.js';
import { SDataWhereError, parseSDataWhere } from './sdata-where-parser.js';

/** A REST answer before faults and serialisation. */
export interface RestAnswer {
  readonly status: number;
  /** The JSON body; `null` for an empty body. */
  readonly body: Record<string, unknown> | null;
}

/** The parts of a `GET /api1/x3/erp/{endpoint}/{segment}` request the handler needs. */
export interface RestRequest {
  readonly endpoint: string;
  /** `CLASS` or `CLASS('KEY')`, URL-decoded. */
  readonly segment: string;
  readonly url: URL;
}

const fail = (status: number, message: string): RestAnswer => ({ status, body: diagnoses(message) });

/**
 * Serves api1 `$query` and `$details` ([documented] reference §1.1–§1.4). Error statuses: unknown property in
 * `where` → 500 ([documented] §1.4) with an empty body by default ([inferred]: `unknownWhereFieldBody`); a `where` syntax error, an unknown `orderBy` property or a bad literal → 500
 * ([inferred]: X3 fails the same way in its query evaluator); unknown endpoint or class → 404, missing or
 * mismatched representation or unsupported facet → 400 ([inferred] statuses, §1.1 says only "an error").
 */
export function handleRestRequest(
  opts: ResolvedSageX3SimulatorOptions,
  dataset: Dataset,
  req: RestRequest,
): RestAnswer {
  if (!opts.endpoints.includes(req.endpoint)) return fail(404, `Endpoint not found: ${req.endpoint}`);
  const m = /^([A-Za-z0-9_]+)(?:\('((?:[^']|'')*)'\))?$/.exec(req.segment);
  if (!m) return fail(404, `Invalid resource: ${req.segment}`);
  const className = m[1] as string;
  const key = m[2]?.replace(/''/g, "'");
  const entity = SAGE_X3_ENTITY_NAMES.find((n) => opts.classes[n].className === className);
  if (!entity) return fail(404, `Class not found: ${className}`);
  const rep = req.url.searchParams.get('representation');
  if (!rep) return fail(400, 'The representation parameter is mandatory');
  const dot = rep.lastIndexOf('.');
  const repName = dot < 0 ? rep : rep.slice(0, dot);
  const facet = dot < 0 ? '' : rep.slice(dot + 1);
  if (repName !== opts.classes[entity].representation) {
    return fail(400, `Representation ${repName} does not belong to class ${className}`);
  }
  if (key !== undefined) {
    if (facet !== '$details')
      return fail(400, `Facet ${facet || '(none)'} is not supported on a single resource`);
    const record = dataset.tables[entity].get(key);
    if (!record) return fail(404, `Record not found: ${className}('${key}')`);
    const body = toRestResource(ENTITY_DEFS[entity], record, true);
    return { status: 200, body: { $url: req.url.toString(), ...body } };
  }
  if (facet !== '$query') return fail(400, `Facet ${facet || '(none)'} is not supported on a list`);
  return query(opts, dataset, entity, req.url);
}

/** A query spec being built (the engine's spec is read-only). */
type MutableQuerySpec = { -readonly [K in keyof QuerySpec]: QuerySpec[K] };

/** Serves a `$query` list page: `count`, `where`, `orderBy` and `key` paging, with a `$next` link when more follow. */
function query(
  opts: ResolvedSageX3SimulatorOptions,
  dataset: Dataset,
  entity: SageX3EntityName,
  url: URL,
): RestAnswer {
  const def = ENTITY_DEFS[entity];
  const params = url.searchParams;
  const countParam = params.get('count');
  const requested = countParam === null ? opts.defaultPageSize : Number(countParam);
  if (!Number.isInteger(requested) || requested < 1) return fail(400, `Invalid count: ${countParam}`);
  // [documented] the server may lower `count`; `$itemsPerPage` reports what was applied (§1.2).
  const count = Math.min(requested, opts.maxPageSize);

  const spec: MutableQuerySpec = { sort: [], limit: count };
  const sortDefs: FieldDef[] = [];
  try {
    const refused = readQueryParams(def, params, spec, sortDefs);
    if (refused) return refused;
  } catch (e) {
    if (
      e instanceof SDataWhereError &&
      e.reason === 'unknown-field' &&
      opts.unknownWhereFieldBody === 'empty'
    ) {
      return { status: 500, body: null };
    }
    if (e instanceof SDataWhereError || e instanceof LiteralTypeError) return fail(500, e.message);
    throw e;
  }

  const { records, hasMore } = runQuery(dataset.tables[entity], spec);
  const resources = records.map((r) => toRestResource(def, r, false));
  const links: Record<string, unknown> = {};
  const last = records[records.length - 1];
  if (hasMore && last) links.$next = nextLink(url, spec.sort, sortDefs, last, count);
  return {
    status: 200,
    body: {
      $url: url.toString(),
      $descriptor: opts.classes[entity].className,
      $itemsPerPage: count,
      $resources: resources,
      $links: links,
    },
  };
}

/**
 * Fills `spec` (where, sort, key bound) and `sortDefs` (the field of each sort entry) from `where`, `orderBy` and
 * `key`; returns the answer when a parameter is refused. A bad `where` or key literal throws.
 */
function readQueryParams(
  def: EntityDef,
  params: URLSearchParams,
  spec: MutableQuerySpec,
  sortDefs: FieldDef[],
): RestAnswer | undefined {
  const fields = restFieldMap(def);
  const where = params.get('where');
  if (where) spec.where = parseSDataWhere(where, fields);
  const sort: SortSpec[] = [];
  for (const part of (params.get('orderBy') ?? '').split(/[,;]/)) {
    const t = part.trim();
    if (!t) continue;
    const [name = '', dir = 'asc', ...rest] = t.split(/\s+/);
    const f = fields.get(name);
    if (!f) return fail(500, `Unknown property "${name}" in orderBy`);
    if (rest.length > 0 || !/^(asc|desc)$/i.test(dir)) return fail(500, `Invalid orderBy: ${t}`);
    sort.push({ field: f.name, desc: dir.toLowerCase() === 'desc' });
    sortDefs.push(f);
  }
  // The class key closes every order so key paging is total ([inferred]: §1.2 shows `key=gt.<key>` for the
  // default order; for other orders this simulator pages on the order's values `~`-joined, as composite keys).
  for (const k of def.restKeyFields) {
    if (!sort.some((s) => s.field === k)) {
      sort.push({ field: k, desc: false });
      sortDefs.push(k === 'key' ? def.keyField : (def.fields.find((f) => f.name === k) as FieldDef));
    }
  }
  spec.sort = sort;
  const keyParam = params.get('key');
  if (keyParam) return readKeyBound(keyParam, spec, sortDefs);
  return undefined;
}

/** Sets the page bound from `key=gt|ge|lt|le.<v1~v2…>` (values in sort order); the answer when malformed. */
function readKeyBound(
  keyParam: string,
  spec: MutableQuerySpec,
  sortDefs: readonly FieldDef[],
): RestAnswer | undefined {
  const km = /^(gt|ge|lt|le)\.(.*)$/s.exec(keyParam);
  if (!km) return fail(400, `Invalid key parameter: ${keyParam}`);
  const raw = (km[2] as string).split('~');
  const values: FieldValue[] = raw.slice(0, sortDefs.length).map((v, k) => {
    const f = sortDefs[k] as FieldDef;
    return coerceLiteral(v, f.type, f.rest ?? f.name);
  });
  const op = km[1] as string;
  if (op === 'gt' || op === 'ge') spec.after = { values, inclusive: op === 'ge' };
  else spec.before = { values, inclusive: op === 'le' };
  return undefined;
}

/** The `$next` link: this URL with `key=gt.<last record's sort values>` and the applied `count`. */
function nextLink(
  url: URL,
  sort: readonly SortSpec[],
  sortDefs: readonly FieldDef[],
  last: SimRecord,
  count: number,
): Record<string, unknown> {
  const next = new URL(url.toString());
  const parts = sort.map((s, k) => {
    const f = sortDefs[k] as FieldDef;
    return keyPart(f, fieldValue(last, s.field));
  });
  next.searchParams.set('key', `gt.${parts.join('~')}`);
  next.searchParams.set('count', String(count));
  // [documented] `$next` is an absolute URL to GET verbatim (§1.3).
  return { $url: next.toString(), $type: 'application/json', $method: 'GET' };
}
