import type { Context, Hono } from 'hono';
import { handleEndpointsRequest } from '../rest/endpoints-handler.js';
import { handleRestRequest } from '../rest/rest-handler.js';
import { malformedJson, stringifyRestBody } from '../rest/rest-view.js';
import { JSON_TYPE, type SageX3Env, type SageX3SimState } from './sage-x3-sim-state.js';

/** The REST surfaces accept Basic and gateway (OAuth) tokens, never a connected-app JWT. */
const REST_AUTH = { basic: true, jwt: false, oauth: true } as const;

/** An X3 class (representation) request. */
const CLASS_PATH = '/api1/x3/erp/:endpoint/:segment';
/** Syracuse's admin list of endpoints. */
const ENDPOINTS_PATH = '/api1/syracuse/collaboration/syracuse/:segment';

/**
 * Mounts the REST api1 surfaces: the X3 classes (`/api1/x3/erp/{endpoint}/{segment}`) and Syracuse's list of
 * endpoints (`/api1/syracuse/collaboration/syracuse/{segment}`).
 */
export function registerRestRoutes(app: Hono<SageX3Env>, state: SageX3SimState): void {
  app.get(CLASS_PATH, (c) => serveClassRequest(c, state));
  // [documented] Syracuse's admin list of endpoints (folders), same auth as the X3 classes (reference §1.1, §1.5).
  app.get(ENDPOINTS_PATH, (c) => serveEndpointsRequest(c, state));
}

/** Answers one X3 class request (`$query`, `$details`, …) after faults and authentication. */
async function serveClassRequest(
  c: Context<SageX3Env, typeof CLASS_PATH>,
  state: SageX3SimState,
): Promise<Response> {
  const endpoint = c.req.param('endpoint');
  const admitted = await state.admit(c, 'rest', REST_AUTH, endpoint);
  if (admitted instanceof Response) return admitted;
  const { decision, method } = admitted;
  const u = new URL(c.req.url);
  const segment = decodedSegmentOf(u);
  const answer = handleRestRequest(state.opts, state.dataset, { endpoint, segment, url: u });
  state.record(c, 'rest', answer.status, method, decision, endpoint);
  // A bare 500 (unknown `where` property) has no body at all.
  if (answer.body === null) return c.body(null, answer.status as 500);
  const text =
    answer.status === 200 && decision.malformedJson
      ? malformedJson(answer.body)
      : stringifyRestBody(answer.body);
  return c.body(text, answer.status as 200, { 'content-type': JSON_TYPE });
}

/** The last path segment, percent-decoded when it decodes (kept raw when it does not). */
function decodedSegmentOf(u: URL): string {
  const rawSegment = u.pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(rawSegment);
  } catch {
    return rawSegment;
  }
}

/** Answers one Syracuse endpoints-list request after faults and authentication. */
async function serveEndpointsRequest(
  c: Context<SageX3Env, typeof ENDPOINTS_PATH>,
  state: SageX3SimState,
): Promise<Response> {
  const admitted = await state.admit(c, 'rest', REST_AUTH);
  if (admitted instanceof Response) return admitted;
  const { decision, method } = admitted;
  const u = new URL(c.req.url);
  const answer = handleEndpointsRequest(state.opts, { segment: c.req.param('segment'), url: u });
  state.record(c, 'rest', answer.status, method, decision);
  const text =
    answer.status === 200 && decision.malformedJson && answer.body
      ? malformedJson(answer.body)
      : JSON.stringify(answer.body);
  return c.body(text, answer.status as 200, { 'content-type': JSON_TYPE });
}
