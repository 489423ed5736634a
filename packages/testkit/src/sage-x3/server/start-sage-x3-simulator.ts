import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type HttpBindings, createAdaptorServer } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { type AuthMethod, type AuthPolicy, authenticate, type AuthContext } from '../auth/authenticate.js';
import { OAuthServer } from '../auth/oauth-server.js';
import { Dataset } from '../data/dataset.js';
import type { SageX3EntityName, SimRecord } from '../data/entity-definition.js';
import { formatStamp } from '../data/field-value.js';
import { type FaultDecision, FaultInjector } from '../faults/fault-injector.js';
import { type SageX3FaultSurface, resolveFaults } from '../faults/fault-options.js';
import { buildGraphqlSchema, type GraphqlContext } from '../graphql/graphql-schema.js';
import { handleGraphql } from '../graphql/graphql-handler.js';
import { RequestLog, type SageX3RequestLogEntry } from '../log/request-log.js';
import { type SageX3SimulatorOptions, resolveSageX3SimulatorOptions } from '../options.js';
import { handleEndpointsRequest } from '../rest/endpoints-handler.js';
import { handleRestRequest } from '../rest/rest-handler.js';
import { diagnoses, malformedJson, stringifyRestBody } from '../rest/rest-view.js';
import { mountControlRoutes } from './control-routes.js';
import type { SageX3SimRecord, SageX3Simulator, SageX3SimulatorControl } from './sage-x3-simulator.js';

type Env = { Bindings: HttpBindings };

const JSON_TYPE = 'application/json; charset=utf-8';

/** Converts an internal record to the control API view. */
function view(entity: SageX3EntityName, r: SimRecord): SageX3SimRecord {
  return {
    entity,
    key: r.key,
    createdAt: formatStamp(r.createdAt),
    updatedAt: formatStamp(r.updatedAt),
    values: r.values,
    ...(r.lines ? { lines: r.lines } : {}),
  };
}

/**
 * Starts a Sage X3 simulator on loopback: REST api1 (`/api1/x3/erp/{endpoint}/…`), GraphQL (`/xtrem/api` and
 * the cloud path `/v1/service/{endpoint}/api`), the cloud token service (`/v1/token`), and an HTTP control API
 * under `/__sim`. Data is generated lazily from the seed, so even a 1M-line table costs almost no memory.
 *
 * @example
 * const sim = await startSageX3Simulator({ seed: 7, size: 'tiny' });
 * const res = await fetch(`${sim.url}/api1/x3/erp/${sim.endpoint}/BPSUPPLIER?representation=BPSUPPLIER.$query`, {
 *   headers: { authorization: `Basic ${btoa(`${sim.credentials.basic.user}:${sim.credentials.basic.password}`)}` },
 * });
 * await sim.close();
 */
export async function startSageX3Simulator(options: SageX3SimulatorOptions = {}): Promise<SageX3Simulator> {
  const opts = resolveSageX3SimulatorOptions(options);
  const { clock } = opts;
  const nowSec = (): number => Math.floor(clock.now() / 1000);
  const dataset = new Dataset({
    seed: opts.seed,
    counts: opts.counts,
    historyFromSec: opts.historyFromSec,
    historyToSec: opts.historyToSec,
  });
  const oauth = new OAuthServer({
    clients: opts.oauthClients,
    clock,
    accessTtlSec: opts.accessTokenTtlSeconds,
    refreshTtlSec: opts.refreshTokenTtlSeconds,
    codeTtlSec: opts.authorizationCodeTtlSeconds,
  });
  const faults = new FaultInjector(opts.faults, opts.seed);
  const log = new RequestLog(opts.requestLogLimit);
  const schema = buildGraphqlSchema({
    dataset,
    rootStyle: opts.graphqlRootStyle,
    defaultPageSize: opts.defaultPageSize,
    maxPageSize: opts.maxPageSize,
  });
  let url = '';
  let apps: AuthContext['apps'] = [];
  // Basic-auth users, changed by `control.setUserPassword`.
  let users = [...opts.users];
  const authCtx = (): AuthContext => ({
    users,
    apps,
    oauth,
    nowSec,
    skewSec: opts.jwtClockSkewSeconds,
    onGatewayToken: () => faults.countBearerRequest(),
  });

  const record = (
    c: Context<Env>,
    surface: SageX3RequestLogEntry['surface'],
    status: number,
    auth: AuthMethod,
    decision: FaultDecision | undefined,
    endpoint?: string,
  ): void => {
    const u = new URL(c.req.url);
    log.add({
      at: clock.now(),
      method: c.req.method,
      url: u.pathname + u.search,
      surface,
      status,
      auth,
      ...(endpoint ? { endpoint } : {}),
      ...(c.req.header('user-agent') ? { userAgent: c.req.header('user-agent') as string } : {}),
      faults: decision?.applied ?? [],
    });
  };

  /** Applies terminal faults and latency; returns a Response when the request ends here. */
  const preFaults = async (
    c: Context<Env>,
    surface: SageX3FaultSurface,
    decision: FaultDecision,
  ): Promise<Response | undefined> => {
    const t = decision.terminal;
    if (t?.kind === 'connectionReset') {
      c.env.incoming.socket.destroy();
      record(c, surface, 0, 'none', decision);
      return new Response(null, { status: 500 });
    }
    if (t?.kind === 'serverError') {
      record(c, surface, t.status, 'none', decision);
      // [documented] gateway 500 body (reference §2.8).
      return c.json(
        { $severity: 'error', $dataCode: 'InternalServerError', $message: '', $source: 'Gateway' },
        t.status as 500,
      );
    }
    if (t?.kind === 'throttle') {
      record(c, surface, 429, 'none', decision);
      // [inferred] 429 is not documented for X3 (reference §3: secondary source); body mirrors the gateway shape.
      return c.json(
        {
          $severity: 'error',
          $dataCode: 'TooManyRequests',
          $message: 'Too many requests',
          $source: 'Gateway',
        },
        429,
        { 'retry-after': String(faults.faults.retryAfterSeconds) },
      );
    }
    if (decision.latencyMs > 0) await clock.sleep(decision.latencyMs, undefined, { holdsRequest: true });
    return undefined;
  };

  const app = new Hono<Env>();

  // Every HTTP/1.1 origin server sends `Date` (RFC 9110 §6.6.1, [documented]); here it is the simulator's clock,
  // so a test can model a server whose clock is off (clients measure skew from it, e.g. `mlc doctor`).
  app.use('*', async (c, next) => {
    await next();
    try {
      c.res.headers.set('date', new Date(clock.now()).toUTCString());
    } catch {
      // An immutable response (none today) keeps the server's own Date.
    }
  });

  app.get('/api1/x3/erp/:endpoint/:segment', async (c) => {
    const decision = faults.decide('rest');
    const early = await preFaults(c, 'rest', decision);
    if (early) return early;
    const endpoint = c.req.param('endpoint');
    const auth = await authenticate(
      c.req.header('authorization'),
      { basic: true, jwt: false, oauth: true },
      authCtx(),
    );
    if (!auth.ok) {
      record(c, 'rest', auth.status, auth.method, decision, endpoint);
      return c.body(auth.body, auth.status, { 'content-type': auth.contentType, ...auth.headers });
    }
    const u = new URL(c.req.url);
    const rawSegment = u.pathname.split('/').pop() ?? '';
    let segment: string;
    try {
      segment = decodeURIComponent(rawSegment);
    } catch {
      segment = rawSegment;
    }
    const answer = handleRestRequest(opts, dataset, { endpoint, segment, url: u });
    record(c, 'rest', answer.status, auth.method, decision, endpoint);
    // A bare 500 (unknown `where` property) has no body at all.
    if (answer.body === null) return c.body(null, answer.status as 500);
    const text =
      answer.status === 200 && decision.malformedJson
        ? malformedJson(answer.body)
        : stringifyRestBody(answer.body);
    return c.body(text, answer.status as 200, { 'content-type': JSON_TYPE });
  });

  // [documented] Syracuse's admin list of endpoints (folders), same auth as the X3 classes (reference §1.1, §1.5).
  app.get('/api1/syracuse/collaboration/syracuse/:segment', async (c) => {
    const decision = faults.decide('rest');
    const early = await preFaults(c, 'rest', decision);
    if (early) return early;
    const auth = await authenticate(
      c.req.header('authorization'),
      { basic: true, jwt: false, oauth: true },
      authCtx(),
    );
    if (!auth.ok) {
      record(c, 'rest', auth.status, auth.method, decision);
      return c.body(auth.body, auth.status, { 'content-type': auth.contentType, ...auth.headers });
    }
    const u = new URL(c.req.url);
    const answer = handleEndpointsRequest(opts, { segment: c.req.param('segment'), url: u });
    record(c, 'rest', answer.status, auth.method, decision);
    const text =
      answer.status === 200 && decision.malformedJson && answer.body
        ? malformedJson(answer.body)
        : JSON.stringify(answer.body);
    return c.body(text, answer.status as 200, { 'content-type': JSON_TYPE });
  });

  const graphqlRoute =
    (policy: AuthPolicy, endpointOf: (c: Context<Env>) => string | undefined) => async (c: Context<Env>) => {
      const decision = faults.decide('graphql');
      const early = await preFaults(c, 'graphql', decision);
      if (early) return early;
      const endpoint = endpointOf(c);
      const auth = await authenticate(c.req.header('authorization'), policy, authCtx());
      if (!auth.ok) {
        record(c, 'graphql', auth.status, auth.method, decision, endpoint);
        return c.body(auth.body, auth.status, { 'content-type': auth.contentType, ...auth.headers });
      }
      // [documented] the endpoint header selects the folder (§2.1); [inferred] statuses when it is wrong.
      if (!endpoint) {
        record(c, 'graphql', 400, auth.method, decision);
        return c.json({ errors: [{ message: 'Missing x-xtrem-endpoint header' }], extensions: {} }, 400);
      }
      if (!opts.endpoints.includes(endpoint)) {
        record(c, 'graphql', 404, auth.method, decision, endpoint);
        return c.json({ errors: [{ message: `Unknown endpoint: ${endpoint}` }], extensions: {} }, 404);
      }
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        record(c, 'graphql', 400, auth.method, decision, endpoint);
        return c.json({ errors: [{ message: 'Invalid JSON body' }], extensions: {} }, 400);
      }
      const ctx: GraphqlContext = { partialError: decision.graphqlPartialError, partialErrorFired: false };
      const answer = await handleGraphql(schema, body, ctx);
      record(c, 'graphql', answer.status, auth.method, decision, endpoint);
      return c.json(answer.body, answer.status as 200);
    };

  app.post(
    '/xtrem/api',
    graphqlRoute({ basic: opts.graphqlBasicAuth, jwt: true, oauth: true }, (c) =>
      c.req.header('x-xtrem-endpoint'),
    ),
  );
  // [documented] the cloud gateway's GraphQL path (§2.1); only gateway tokens are accepted there.
  app.post(
    '/v1/service/:endpoint/api',
    graphqlRoute({ basic: false, jwt: false, oauth: true }, (c) => c.req.param('endpoint')),
  );

  app.post('/v1/token', async (c) => {
    const decision = faults.decide('token');
    const early = await preFaults(c, 'token', decision);
    if (early) return early;
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
    const answer = await oauth.token(body);
    record(c, 'token', answer.status, 'none', decision);
    return c.json(answer.body, answer.status as 200, { 'cache-control': 'no-store' });
  });

  // [documented] authorise step (§2.3). The real one shows a consent page and POSTs the code to redirect_uri;
  // the simulator approves at once and answers the callback's fields as JSON ([inferred] shortcut).
  app.get('/v1/token/authorise', (c) => {
    const clientId = c.req.query('client_id');
    const redirect = c.req.query('redirect_uri');
    if (!clientId || !redirect) {
      record(c, 'token', 400, 'none', undefined);
      return c.json({ message: 'Missing required request parameters' }, 400);
    }
    const client = opts.oauthClients.find((x) => x.clientId === clientId);
    if (!client || client.redirectUri !== redirect) {
      record(c, 'token', 404, 'none', undefined);
      return c.json({ message: client ? 'Unknown redirect_uri' : 'Unknown client_id' }, 404);
    }
    record(c, 'token', 200, 'none', undefined);
    return c.json({
      authorizationCode: oauth.issueAuthorizationCode(clientId),
      state: c.req.query('state') ?? null,
      endpoint: `${url}/v1`,
    });
  });

  // [documented] the regional root catalogue (§2.1), reduced to the entries the simulator serves.
  app.get('/v1', (c) => {
    record(c, 'other', 200, 'none', undefined);
    return c.json({
      customerAccess: { authorise: `${url}/v1/token/authorise`, token: `${url}/v1/token` },
      customerUsage: { graphQL: `${url}/v1/service/{endPoint}/api` },
      businessDomains: ['ALL'],
    });
  });

  const stampOf = (at: string | undefined): number => {
    if (at === undefined) return nowSec();
    const ms = Date.parse(at);
    if (Number.isNaN(ms)) throw new RangeError(`sage-x3 simulator: invalid stamp ${at}`);
    return Math.floor(ms / 1000);
  };
  const control: SageX3SimulatorControl = {
    setFaults: (f) => faults.set(resolveFaults(f)),
    clearFaults: () => faults.set(resolveFaults({})),
    insert: (entity, changes = {}) => {
      const r = dataset.tables[entity].insert(
        {
          ...(changes.key !== undefined ? { key: changes.key } : {}),
          ...(changes.values ? { values: changes.values } : {}),
          ...(changes.lines ? { lines: changes.lines } : {}),
          ...(changes.restOverrides ? { restOverrides: changes.restOverrides } : {}),
        },
        stampOf(changes.at),
      );
      return view(entity, r);
    },
    update: (entity, key, changes = {}) => {
      const r = dataset.tables[entity].update(
        key,
        {
          ...(changes.values ? { values: changes.values } : {}),
          ...(changes.lines ? { lines: changes.lines } : {}),
          ...(changes.restOverrides ? { restOverrides: changes.restOverrides } : {}),
        },
        stampOf(changes.at),
      );
      return view(entity, r);
    },
    delete: (entity, key) => dataset.tables[entity].delete(key),
    get: (entity, key) => {
      const r = dataset.tables[entity].get(key);
      return r ? view(entity, r) : undefined;
    },
    records: function* (entity) {
      for (const r of dataset.tables[entity].scanByKey()) yield view(entity, r);
    },
    count: (entity) => dataset.tables[entity].size,
    lineCount: (entity) => dataset.tables[entity].lineTotal(),
    requestLog: () => log.entries(),
    clearRequestLog: () => log.clear(),
    setUserPassword: (user, password) => {
      users = [...users.filter((u) => u.user !== user), { user, password }];
    },
    revokeTokens: (clientId) => oauth.revokeAll(clientId),
    revokeRefreshToken: (token) => oauth.revokeRefreshToken(token),
    refreshTokenState: (token) => oauth.refreshTokenState(token),
    issueAuthorizationCode: (clientId) => oauth.issueAuthorizationCode(clientId),
    mintRefreshToken: (clientId) => oauth.mintRefreshToken(clientId),
    generatedRecords: () => dataset.stats.generated,
  };
  mountControlRoutes(app, control, (c, status) => record(c, 'control', status, 'none', undefined));

  app.notFound((c) => {
    record(c, 'other', 404, 'none', undefined);
    return c.json(diagnoses(`Not found: ${new URL(c.req.url).pathname}`), 404);
  });
  app.onError((err, c) => {
    record(c, 'other', 500, 'none', undefined);
    return c.json(diagnoses(err instanceof Error ? err.message : 'Internal error'), 500);
  });

  const tls = opts.tls;
  const server = createAdaptorServer({
    fetch: app.fetch,
    ...(tls
      ? {
          createServer: createHttpsServer,
          serverOptions: { key: tls.privateKeyPem, cert: tls.certificatePem },
        }
      : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  // Every URL the simulator writes derives from the origin clients use.
  url = opts.publicOrigin ?? `${tls ? 'https' : 'http'}://${host}:${address.port}`;
  oauth.setIssuer(url);
  apps = opts.connectedApps.map((a) => ({ ...a, audience: a.audience ?? `${url}/xtrem/api` }));
  const app0 = apps[0];
  const user0 = opts.users[0];
  const client0 = opts.oauthClients[0];
  if (!app0 || !user0 || !client0)
    throw new Error('sage-x3 simulator: users, connectedApps and oauthClients need one entry each');
  const minted = oauth.mintRefreshToken(client0.clientId);

  return {
    url,
    endpoint: opts.endpoints[0] as string,
    endpoints: opts.endpoints,
    graphqlUrl: `${url}/xtrem/api`,
    classes: opts.classes,
    credentials: {
      basic: { user: user0.user, password: user0.password },
      connectedApp: {
        clientId: app0.clientId,
        secret: app0.secret,
        user: app0.user,
        audience: app0.audience,
      },
      oauth: {
        tokenUrl: `${url}/v1/token`,
        authorizeUrl: `${url}/v1/token/authorise`,
        clientId: client0.clientId,
        clientSecret: client0.clientSecret,
        redirectUri: client0.redirectUri,
        authorizationCode: oauth.issueAuthorizationCode(client0.clientId),
        refreshToken: minted.refreshToken,
        refreshTokenExpiresAt: minted.expiresAt,
      },
    },
    ...(tls ? { tls } : {}),
    control,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
