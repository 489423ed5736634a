import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import type { Clock } from '@mlc/core';
import { type SageX3SimulatorOptions, resolveSageX3SimulatorOptions } from '../options.js';
import { diagnoses } from '../rest/rest-view.js';
import { mountControlRoutes } from './control-routes.js';
import { registerGraphqlRoutes } from './graphql-routes.js';
import { registerRestRoutes } from './rest-routes.js';
import { createSageX3Control } from './sage-x3-control.js';
import { type SageX3Env, SageX3SimState } from './sage-x3-sim-state.js';
import type { SageX3Simulator, SageX3SimulatorControl } from './sage-x3-simulator.js';
import { registerTokenRoutes } from './token-routes.js';

/** Why a simulator without a user, a connected app or an OAuth client cannot start. */
const NEEDS_ONE_EACH = 'sage-x3 simulator: users, connectedApps and oauthClients need one entry each';

type AdaptorServer = ReturnType<typeof createAdaptorServer>;

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
  // Checked before the server listens: a simulator that cannot start must not leave its port bound.
  if (!opts.users[0] || !opts.connectedApps[0] || !opts.oauthClients[0]) throw new Error(NEEDS_ONE_EACH);
  const state = new SageX3SimState(opts);
  const app = new Hono<SageX3Env>();
  registerDateHeader(app, state.opts.clock);
  registerRestRoutes(app, state);
  registerGraphqlRoutes(app, state);
  registerTokenRoutes(app, state);
  const control = createSageX3Control(state);
  mountControlRoutes(app, control, (c, status) => state.record(c, 'control', status, 'none', undefined));
  registerFallbacks(app, state);
  const server = await listen(app, state);
  return simulatorOf(state, server, control);
}

/**
 * Sets `Date` on every response from the simulator's clock. Every HTTP/1.1 origin server sends `Date`
 * (RFC 9110 §6.6.1, [documented]); here it is the simulator's clock, so a test can model a server whose clock is
 * off (clients measure skew from it, e.g. `mlc doctor`).
 */
function registerDateHeader(app: Hono<SageX3Env>, clock: Clock): void {
  app.use('*', async (c, next) => {
    await next();
    try {
      c.res.headers.set('date', new Date(clock.now()).toUTCString());
    } catch {
      // An immutable response (none today) keeps the server's own Date.
    }
  });
}

/** Answers unknown paths with a 404 and thrown errors with a 500, both as Syracuse `$diagnoses`. */
function registerFallbacks(app: Hono<SageX3Env>, state: SageX3SimState): void {
  app.notFound((c) => {
    state.record(c, 'other', 404, 'none', undefined);
    return c.json(diagnoses(`Not found: ${new URL(c.req.url).pathname}`), 404);
  });
  app.onError((err, c) => {
    state.record(c, 'other', 500, 'none', undefined);
    return c.json(diagnoses(err instanceof Error ? err.message : 'Internal error'), 500);
  });
}

/** Listens on the configured host and port (HTTPS with `tls`), then derives the public origin and apps from it. */
async function listen(app: Hono<SageX3Env>, state: SageX3SimState): Promise<AdaptorServer> {
  const { opts, oauth } = state;
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
  state.url = opts.publicOrigin ?? `${tls ? 'https' : 'http'}://${host}:${address.port}`;
  oauth.setIssuer(state.url);
  state.apps = opts.connectedApps.map((a) => ({ ...a, audience: a.audience ?? `${state.url}/xtrem/api` }));
  return server;
}

/** The running simulator's handle: its URLs, the first user's, app's and OAuth client's credentials, and close. */
function simulatorOf(
  state: SageX3SimState,
  server: AdaptorServer,
  control: SageX3SimulatorControl,
): SageX3Simulator {
  const { opts, oauth, url } = state;
  const tls = opts.tls;
  const app0 = state.apps[0];
  const user0 = opts.users[0];
  const client0 = opts.oauthClients[0];
  if (!app0 || !user0 || !client0) throw new Error(NEEDS_ONE_EACH);
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
