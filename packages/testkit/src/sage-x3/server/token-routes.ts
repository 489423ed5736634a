import type { Context, Hono } from 'hono';
import type { SageX3Env, SageX3SimState } from './sage-x3-sim-state.js';

/**
 * Mounts the cloud token service: `POST /v1/token`, the authorise step `GET /v1/token/authorise`, and the
 * regional root catalogue `GET /v1`.
 */
export function registerTokenRoutes(app: Hono<SageX3Env>, state: SageX3SimState): void {
  app.post('/v1/token', (c) => serveToken(c, state));
  // [documented] authorise step (§2.3). The real one shows a consent page and POSTs the code to redirect_uri;
  // the simulator approves at once and answers the callback's fields as JSON ([inferred] shortcut).
  app.get('/v1/token/authorise', (c) => serveAuthorise(c, state));
  // [documented] the regional root catalogue (§2.1), reduced to the entries the simulator serves.
  app.get('/v1', (c) => {
    state.record(c, 'other', 200, 'none', undefined);
    return c.json({
      customerAccess: { authorise: `${state.url}/v1/token/authorise`, token: `${state.url}/v1/token` },
      customerUsage: { graphQL: `${state.url}/v1/service/{endPoint}/api` },
      businessDomains: ['ALL'],
    });
  });
}

/** Answers a token request (any grant) after faults; the body may be form-encoded or JSON. */
async function serveToken(c: Context<SageX3Env>, state: SageX3SimState): Promise<Response> {
  const decision = state.faults.decide('token');
  const early = await state.preFaults(c, 'token', decision);
  if (early) return early;
  const body = await tokenRequestBody(c);
  const answer = await state.oauth.token(body);
  state.record(c, 'token', answer.status, 'none', decision);
  return c.json(answer.body, answer.status as 200, { 'cache-control': 'no-store' });
}

/** The token request's fields: form-encoded or a JSON object; anything unreadable counts as no fields. */
async function tokenRequestBody(c: Context<SageX3Env>): Promise<Record<string, unknown>> {
  let body: Record<string, unknown> = {};
  const type = c.req.header('content-type') ?? '';
  try {
    if (type.includes('application/x-www-form-urlencoded')) {
      body = Object.fromEntries(new URLSearchParams(await c.req.text()));
    } else {
      const parsed: unknown = await c.req.json();
      if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
    }
  } catch {
    body = {};
  }
  return body;
}

/** Approves an authorise request at once and answers the callback's fields (code, state, endpoint) as JSON. */
function serveAuthorise(c: Context<SageX3Env>, state: SageX3SimState): Response {
  const clientId = c.req.query('client_id');
  const redirect = c.req.query('redirect_uri');
  if (!clientId || !redirect) {
    state.record(c, 'token', 400, 'none', undefined);
    return c.json({ message: 'Missing required request parameters' }, 400);
  }
  const client = state.opts.oauthClients.find((x) => x.clientId === clientId);
  if (!client || client.redirectUri !== redirect) {
    state.record(c, 'token', 404, 'none', undefined);
    return c.json({ message: client ? 'Unknown redirect_uri' : 'Unknown client_id' }, 404);
  }
  state.record(c, 'token', 200, 'none', undefined);
  return c.json({
    authorizationCode: state.oauth.issueAuthorizationCode(clientId),
    state: c.req.query('state') ?? null,
    endpoint: `${state.url}/v1`,
  });
}
