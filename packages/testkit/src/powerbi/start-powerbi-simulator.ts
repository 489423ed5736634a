import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { registerClusterRedirect } from './api/cluster-redirect.js';
import { registerDatasetRoutes } from './api/dataset-routes.js';
import { registerExecuteQueriesRoute } from './api/execute-queries-route.js';
import { registerFallbackRoutes } from './api/my-workspace-routes.js';
import { registerRowsRoutes } from './api/rows-routes.js';
import { registerTableRoutes } from './api/table-routes.js';
import { createControl, type PowerBISimulatorControl } from './control.js';
import { registerOpenIdConfigurationRoute } from './entra/openid-configuration-route.js';
import { registerTokenRoute } from './entra/token-route.js';
import type { SimEnv } from './exchange.js';
import {
  type PowerBISimulatorOptions,
  type ResolvedApp,
  type ResolvedPowerBISimulatorOptions,
  resolvePowerBISimulatorOptions,
} from './options.js';
import { SimulatorState } from './simulator-state.js';
import {
  type CertificateThumbprints,
  TEST_CERTIFICATE_PEM,
  TEST_PRIVATE_KEY_PEM,
  certificateThumbprints,
} from './test-certificate.js';
import type { TestTls } from '../tls/generate-test-tls.js';

/** The test certificate of the default app, for certificate (client assertion) authentication. */
export interface PowerBISimulatorCertificate {
  /** PKCS#8 PEM private key (a public test fixture: never use it for anything real). */
  privateKeyPem: string;
  certificatePem: string;
  thumbprints: CertificateThumbprints;
}

/** A running Entra ID + Power BI simulator. */
export interface PowerBISimulator {
  /** The Power BI REST API base, e.g. `http://127.0.0.1:PORT/v1.0/myorg`. */
  url: string;
  /**
   * The same API on the second "cluster" origin that 307 redirects point at (`clusterRedirects`), e.g.
   * `http://127.0.0.1:OTHER/v1.0/myorg`; undefined when `clusterRedirects` is false.
   */
  clusterUrl?: string;
  /** Where the server listens (`http(s)://host:port`); equals the origin of `url` unless `publicOrigin` is set. */
  localOrigin: string;
  /** The Entra authority host; the token URL is `${authorityHost}/${tenantId}/oauth2/v2.0/token`. */
  authorityHost: string;
  /** The full token URL of the first tenant. */
  tokenUrl: string;
  /** The scope to request. */
  scope: string;
  /** First tenant's id. */
  tenantId: string;
  /** First app of the first tenant. */
  clientId: string;
  /** That app's secret (null when configured without one). */
  clientSecret: string | null;
  /** First workspace's id. */
  groupId: string;
  /** Present when the first app has the bundled test certificate registered. */
  certificate?: PowerBISimulatorCertificate;
  /** With `tls`: the generated (or given) CA and server certificate; trust `caCertificatePem` in clients. */
  tls?: TestTls;
  /** Inspection and steering. */
  control: PowerBISimulatorControl;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

/**
 * Starts the Entra ID + Power BI push-dataset simulator on a real loopback HTTP server: the token endpoint
 * (`POST /{tenant}/oauth2/v2.0/token`) and the REST API (`/v1.0/myorg/groups/{groupId}/…`) share one port.
 *
 * @example
 * const sim = await startPowerBISimulator({ timeScale: 60 });
 * // sim.url, sim.authorityHost, sim.tenantId, sim.clientId, sim.clientSecret, sim.groupId
 * await sim.close();
 */
export async function startPowerBISimulator(
  options: PowerBISimulatorOptions = {},
): Promise<PowerBISimulator> {
  const opts = resolvePowerBISimulatorOptions(options);
  const state = new SimulatorState(opts);
  const app = createApp(state);
  const server = await listen(app, opts, opts.port);
  // Every URL the simulator writes derives from the origin clients use, not from the bound address.
  const origin = opts.publicOrigin ?? originOf(server, opts.tls);
  state.origin = origin;
  const cluster = opts.clusterRedirects === false ? undefined : await listen(app, opts, 0);
  if (cluster) state.clusterOrigin = originOf(cluster, opts.tls);

  const tenant = opts.tenants[0];
  const appReg = tenant?.apps[0];
  const group = opts.groups[0];
  if (!tenant || !appReg || !group) {
    server.close();
    cluster?.close();
    throw new TypeError('startPowerBISimulator: at least one tenant with one app and one group are required');
  }
  const tls = opts.tls;
  return {
    url: `${origin}/v1.0/myorg`,
    localOrigin: originOf(server, tls),
    ...(cluster ? { clusterUrl: `${state.clusterOrigin}/v1.0/myorg` } : {}),
    authorityHost: origin,
    tokenUrl: `${origin}/${tenant.tenantId}/oauth2/v2.0/token`,
    scope: opts.scope,
    tenantId: tenant.tenantId,
    clientId: appReg.clientId,
    clientSecret: appReg.clientSecret,
    groupId: group.id,
    certificate: testCertificateOf(appReg),
    ...(tls ? { tls } : {}),
    control: createControl(state),
    close: closerOf(server, cluster),
  };
}

/** The simulator's routes, in matching order: cluster redirect, Entra, datasets, tables, rows, queries, fallbacks. */
function createApp(state: SimulatorState): Hono<SimEnv> {
  const app = new Hono<SimEnv>();
  registerClusterRedirect(app, state);
  registerTokenRoute(app, state);
  registerOpenIdConfigurationRoute(app, state);
  registerDatasetRoutes(app, state);
  registerTableRoutes(app, state);
  registerRowsRoutes(app, state);
  registerExecuteQueriesRoute(app, state);
  registerFallbackRoutes(app, state);
  app.onError((err, c) =>
    c.json({ error: { code: 'InternalServerError', message: `Simulator error: ${err.message}` } }, 500),
  );
  return app;
}

type Server = ReturnType<typeof serve>;

/** Serves `app` on `port` (0: any free port) of the configured host, over HTTPS with `tls`. */
function listen(app: Hono<SimEnv>, opts: ResolvedPowerBISimulatorOptions, port: number): Promise<Server> {
  const tls = opts.tls;
  return new Promise<Server>((resolve, reject) => {
    const s = serve(
      {
        fetch: app.fetch,
        port,
        hostname: opts.host,
        ...(tls
          ? {
              createServer: createHttpsServer,
              serverOptions: { key: tls.privateKeyPem, cert: tls.certificatePem },
            }
          : {}),
      },
      () => resolve(s),
    );
    s.once('error', reject);
    // Idle keep-alive connections stay open for minutes, as Azure's front ends keep them ([inferred]: the Azure
    // Load Balancer's default idle timeout is 4 minutes; Node's default is 5 s). With 5 s, a test whose event
    // loop was blocked longer (validating 200,000 rows on a busy machine) had the server close a pooled socket
    // the client had just written a POST to: an ambiguous reset real Power BI would not produce there.
    Object.assign(s, { keepAliveTimeout: 240_000, headersTimeout: 245_000 });
  });
}

/** The origin a server is bound to, `http(s)://address:port` (IPv6 in brackets). */
function originOf(s: Server, tls: TestTls | undefined): string {
  const address = s.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${tls ? 'https' : 'http'}://${hostForUrl}:${address.port}`;
}

/** The bundled test certificate, when the app has it registered. */
function testCertificateOf(appReg: ResolvedApp): PowerBISimulatorCertificate | undefined {
  return appReg.certificates.includes(TEST_CERTIFICATE_PEM)
    ? {
        privateKeyPem: TEST_PRIVATE_KEY_PEM,
        certificatePem: TEST_CERTIFICATE_PEM,
        thumbprints: certificateThumbprints(TEST_CERTIFICATE_PEM),
      }
    : undefined;
}

/** `close()` of the handle: stops both servers once (later calls share the first), dropping open connections. */
function closerOf(server: Server, cluster: Server | undefined): () => Promise<void> {
  let closed: Promise<void> | undefined;
  return () => {
    const stop = (s: Server) =>
      new Promise<void>((resolve) => {
        s.close(() => resolve());
        if ('closeAllConnections' in s) s.closeAllConnections();
      });
    closed ??= Promise.all([stop(server), ...(cluster ? [stop(cluster)] : [])]).then(() => undefined);
    return closed;
  };
}
