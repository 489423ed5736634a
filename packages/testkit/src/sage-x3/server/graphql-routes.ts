import type { Context, Hono } from 'hono';
import type { AuthPolicy } from '../auth/authenticate.js';
import type { GraphqlContext } from '../graphql/graphql-schema.js';
import { handleGraphql } from '../graphql/graphql-handler.js';
import type { SageX3Env, SageX3SimState } from './sage-x3-sim-state.js';

/**
 * Mounts the GraphQL surfaces: the on-premise `/xtrem/api` (endpoint in the `x-xtrem-endpoint` header) and the
 * cloud gateway's `/v1/service/{endpoint}/api`.
 */
export function registerGraphqlRoutes(app: Hono<SageX3Env>, state: SageX3SimState): void {
  const { opts } = state;
  app.post(
    '/xtrem/api',
    graphqlRoute(state, { basic: opts.graphqlBasicAuth, jwt: true, oauth: true }, (c) =>
      c.req.header('x-xtrem-endpoint'),
    ),
  );
  // [documented] the cloud gateway's GraphQL path (§2.1); only gateway tokens are accepted there.
  app.post(
    '/v1/service/:endpoint/api',
    graphqlRoute(state, { basic: false, jwt: false, oauth: true }, (c) => c.req.param('endpoint')),
  );
}

/** A GraphQL handler that authenticates with `policy` and reads the endpoint (folder) with `endpointOf`. */
function graphqlRoute(
  state: SageX3SimState,
  policy: AuthPolicy,
  endpointOf: (c: Context<SageX3Env>) => string | undefined,
): (c: Context<SageX3Env>) => Promise<Response> {
  return async (c) => {
    const endpoint = endpointOf(c);
    const admitted = await state.admit(c, 'graphql', policy, endpoint);
    if (admitted instanceof Response) return admitted;
    const { decision, method } = admitted;
    // [documented] the endpoint header selects the folder (§2.1); [inferred] statuses when it is wrong.
    if (!endpoint) {
      state.record(c, 'graphql', 400, method, decision);
      return c.json({ errors: [{ message: 'Missing x-xtrem-endpoint header' }], extensions: {} }, 400);
    }
    if (!state.opts.endpoints.includes(endpoint)) {
      state.record(c, 'graphql', 404, method, decision, endpoint);
      return c.json({ errors: [{ message: `Unknown endpoint: ${endpoint}` }], extensions: {} }, 404);
    }
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      state.record(c, 'graphql', 400, method, decision, endpoint);
      return c.json({ errors: [{ message: 'Invalid JSON body' }], extensions: {} }, 400);
    }
    const ctx: GraphqlContext = { partialError: decision.graphqlPartialError, partialErrorFired: false };
    const answer = await handleGraphql(state.schema, body, ctx);
    state.record(c, 'graphql', answer.status, method, decision, endpoint);
    return c.json(answer.body, answer.status as 200);
  };
}
