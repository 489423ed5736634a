import { matches } from '../data/condition.js';
import type { FieldDef, SimRecord } from '../data/entity-definition.js';
import { hashInts, hashString } from '../data/hash.js';
import type { ResolvedSageX3SimulatorOptions } from '../options.js';
import type { RestAnswer } from './rest-handler.js';
import { diagnoses } from './rest-view.js';
import { parseSDataWhere } from './sdata-where-parser.js';

/** The Syracuse entity and representation that list endpoints ([documented] reference §1.1, §3 gotcha 3). */
const ENTITY = 'endPoints';
const REPRESENTATION = 'endPoints';

/**
 * Properties of one endpoint resource. `dataset` is the endpoint name: Sage's own Node-RED code passes an endpoint
 * name as `dataset=` to Syracuse ([documented as observed] §1.6); `application`/`contract` are the URL segments of
 * an X3 ERP endpoint (`x3/erp`, [documented] §1.1); `x3ServerFolder` (the X3 folder, which need not equal the
 * endpoint name, [documented] §1.1, §3 gotcha 3) and `description` are [inferred] property names.
 */
const FIELDS: readonly FieldDef[] = [
  { name: 'dataset', type: 'string', rest: 'dataset', graphql: null, doc: 'Endpoint name.' },
  { name: 'description', type: 'string', rest: 'description', graphql: null, doc: 'Description.' },
  { name: 'application', type: 'string', rest: 'application', graphql: null, doc: 'Application (`x3`).' },
  { name: 'contract', type: 'string', rest: 'contract', graphql: null, doc: 'Contract (`erp`).' },
  { name: 'x3ServerFolder', type: 'string', rest: 'x3ServerFolder', graphql: null, doc: 'X3 folder.' },
];
const FIELD_MAP = new Map(FIELDS.map((f) => [f.rest as string, f]));

/** A stable UUID-shaped `$uuid` per endpoint name ([inferred] value; Syracuse admin entities key on UUIDs). */
function uuidOf(name: string): string {
  const hex = [0, 1, 2, 3]
    .map((k) => hashInts(hashString('endPoint'), hashString(name), k).toString(16).padStart(8, '0'))
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The parts of a `GET /api1/syracuse/collaboration/syracuse/{segment}` request the handler needs. */
export interface EndpointsRequest {
  /** The URL-decoded last path segment (`endPoints`). */
  readonly segment: string;
  readonly url: URL;
}

/**
 * Lists the configured Syracuse endpoints, the way clients discover folders:
 * `GET /api1/syracuse/collaboration/syracuse/endPoints?representation=endPoints.$query&count=100` ([documented]
 * reference §1.1 and §3 gotcha 3). Answers the `$resources` envelope ([documented] §1.3) with `$url`,
 * `$descriptor`, `$startIndex`, `$itemsPerPage`, `$totalResults` (documented as present on some endpoints; always
 * sent here, [inferred]) and `$links.$next` while more remain. Resources are in endpoint-name order ([inferred]).
 * Paging is by `startIndex` (1-based, SData indexed paging, [documented as observed] §1.2), `count` defaults to 20
 * and is capped like the X3 classes. A `where` on these properties filters; one that names an unknown property
 * or does not parse is ignored, as admin endpoints ignore unknown properties ([documented] §1.4; ignoring syntax
 * errors too is [inferred]). Unknown entity → 404, missing or wrong representation, other facets or bad
 * `count`/`startIndex` → 400 ([inferred] statuses, as for X3 classes).
 */
export function handleEndpointsRequest(
  opts: ResolvedSageX3SimulatorOptions,
  req: EndpointsRequest,
): RestAnswer {
  const fail = (status: number, message: string): RestAnswer => ({ status, body: diagnoses(message) });
  if (req.segment !== ENTITY) return fail(404, `Class not found: ${req.segment}`);
  const params = req.url.searchParams;
  const rep = params.get('representation');
  if (!rep) return fail(400, 'The representation parameter is mandatory');
  const dot = rep.lastIndexOf('.');
  const repName = dot < 0 ? rep : rep.slice(0, dot);
  const facet = dot < 0 ? '' : rep.slice(dot + 1);
  if (repName !== REPRESENTATION)
    return fail(400, `Representation ${repName} does not belong to class ${ENTITY}`);
  if (facet !== '$query') return fail(400, `Facet ${facet || '(none)'} is not supported on a list`);
  const countParam = params.get('count');
  const requested = countParam === null ? opts.defaultPageSize : Number(countParam);
  if (!Number.isInteger(requested) || requested < 1) return fail(400, `Invalid count: ${countParam}`);
  const count = Math.min(requested, opts.maxPageSize);
  const startParam = params.get('startIndex');
  const startIndex = startParam === null ? 1 : Number(startParam);
  if (!Number.isInteger(startIndex) || startIndex < 1) return fail(400, `Invalid startIndex: ${startParam}`);

  let records: SimRecord[] = [...opts.endpoints].sort().map((name) => ({
    key: name,
    createdAt: 0,
    updatedAt: 0,
    values: {
      dataset: name,
      description: `Sage X3 simulator endpoint ${name}`,
      application: 'x3',
      contract: 'erp',
      x3ServerFolder: opts.endpointFolders[name] ?? name,
    },
  }));
  const where = params.get('where');
  if (where) {
    try {
      const cond = parseSDataWhere(where, FIELD_MAP);
      records = records.filter((r) => matches(cond, r));
    } catch {
      // Ignored on purpose: see the function comment.
    }
  }
  const page = records.slice(startIndex - 1, startIndex - 1 + count);
  const resources = page.map((r) => {
    const uuid = uuidOf(r.key);
    return { $uuid: uuid, $key: uuid, ...r.values };
  });
  const links: Record<string, unknown> = {};
  if (startIndex - 1 + count < records.length) {
    const next = new URL(req.url.toString());
    next.searchParams.set('startIndex', String(startIndex + count));
    next.searchParams.set('count', String(count));
    links.$next = { $url: next.toString(), $type: 'application/json', $method: 'GET' };
  }
  return {
    status: 200,
    body: {
      $url: req.url.toString(),
      $descriptor: ENTITY,
      $startIndex: startIndex,
      $itemsPerPage: count,
      $totalResults: records.length,
      $resources: resources,
      $links: links,
    },
  };
}
