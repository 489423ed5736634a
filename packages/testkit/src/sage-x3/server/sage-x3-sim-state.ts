import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import {
  type AuthContext,
  type AuthMethod,
  type AuthOutcome,
  type AuthPolicy,
  authenticate,
} from '../auth/authenticate.js';
import { OAuthServer } from '../auth/oauth-server.js';
import { Dataset } from '../data/dataset.js';
import { type FaultDecision, FaultInjector } from '../faults/fault-injector.js';
import type { SageX3FaultSurface } from '../faults/fault-options.js';
import { buildGraphqlSchema } from '../graphql/graphql-schema.js';
import { RequestLog, type SageX3RequestLogEntry } from '../log/request-log.js';
import type { ResolvedSageX3SimulatorOptions, SageX3SimUser } from '../options.js';

/** The Hono environment of the Sage X3 simulator: Node's request bindings (for the raw socket). */
export type SageX3Env = { Bindings: HttpBindings };

/** The content type of every JSON body the X3 surfaces send. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/** Everything one Sage X3 simulator instance knows; shared by its routes and the control API. */
export class SageX3SimState {
  readonly dataset: Dataset;
  readonly oauth: OAuthServer;
  readonly faults: FaultInjector;
  readonly log: RequestLog;
  readonly schema: ReturnType<typeof buildGraphqlSchema>;
  /** The origin clients use (`http(s)://host:port` or `publicOrigin`); set once the server listens. */
  url = '';
  /** Connected apps with their audience; set once the server listens (the default audience derives from `url`). */
  apps: AuthContext['apps'] = [];
  /** Basic-auth users, changed by `control.setUserPassword`. */
  users: readonly SageX3SimUser[];

  constructor(readonly opts: ResolvedSageX3SimulatorOptions) {
    this.dataset = new Dataset({
      seed: opts.seed,
      counts: opts.counts,
      historyFromSec: opts.historyFromSec,
      historyToSec: opts.historyToSec,
    });
    this.oauth = new OAuthServer({
      clients: opts.oauthClients,
      clock: opts.clock,
      accessTtlSec: opts.accessTokenTtlSeconds,
      refreshTtlSec: opts.refreshTokenTtlSeconds,
      codeTtlSec: opts.authorizationCodeTtlSeconds,
    });
    this.faults = new FaultInjector(opts.faults, opts.seed);
    this.log = new RequestLog(opts.requestLogLimit);
    this.schema = buildGraphqlSchema({
      dataset: this.dataset,
      rootStyle: opts.graphqlRootStyle,
      defaultPageSize: opts.defaultPageSize,
      maxPageSize: opts.maxPageSize,
    });
    this.users = [...opts.users];
  }

  /** Current simulator time in whole epoch seconds. */
  nowSec(): number {
    return Math.floor(this.opts.clock.now() / 1000);
  }

  /** What the authenticator needs, read now (users and apps change at run time). */
  authContext(): AuthContext {
    return {
      users: this.users,
      apps: this.apps,
      oauth: this.oauth,
      nowSec: () => this.nowSec(),
      skewSec: this.opts.jwtClockSkewSeconds,
      onGatewayToken: () => this.faults.countBearerRequest(),
    };
  }

  /** Appends one served request to the request log (no headers but the User-Agent, no bodies). */
  record(
    c: Context<SageX3Env>,
    surface: SageX3RequestLogEntry['surface'],
    status: number,
    auth: AuthMethod,
    decision: FaultDecision | undefined,
    endpoint?: string,
  ): void {
    const u = new URL(c.req.url);
    this.log.add({
      at: this.opts.clock.now(),
      method: c.req.method,
      url: u.pathname + u.search,
      surface,
      status,
      auth,
      ...(endpoint ? { endpoint } : {}),
      ...(c.req.header('user-agent') ? { userAgent: c.req.header('user-agent') as string } : {}),
      faults: decision?.applied ?? [],
    });
  }

  /**
   * The prelude of every X3 request: its fault decision and terminal faults or latency first, then authentication
   * under `policy`. Returns the decision and the auth method, or the Response that ends the request (a terminal
   * fault, or the authentication failure, recorded with `endpoint`).
   */
  async admit(
    c: Context<SageX3Env>,
    surface: 'rest' | 'graphql',
    policy: AuthPolicy,
    endpoint?: string,
  ): Promise<{ decision: FaultDecision; method: AuthMethod } | Response> {
    const decision = this.faults.decide(surface);
    const early = await this.preFaults(c, surface, decision);
    if (early) return early;
    const auth = await authenticate(c.req.header('authorization'), policy, this.authContext());
    if (!auth.ok) {
      this.record(c, surface, auth.status, auth.method, decision, endpoint);
      return authFailure(c, auth);
    }
    return { decision, method: auth.method };
  }

  /** Applies terminal faults and latency; returns a Response when the request ends here. */
  async preFaults(
    c: Context<SageX3Env>,
    surface: SageX3FaultSurface,
    decision: FaultDecision,
  ): Promise<Response | undefined> {
    const t = decision.terminal;
    if (t?.kind === 'connectionReset') {
      c.env.incoming.socket.destroy();
      this.record(c, surface, 0, 'none', decision);
      return new Response(null, { status: 500 });
    }
    if (t?.kind === 'serverError') {
      this.record(c, surface, t.status, 'none', decision);
      // [documented] gateway 500 body (reference §2.8).
      return c.json(
        { $severity: 'error', $dataCode: 'InternalServerError', $message: '', $source: 'Gateway' },
        t.status as 500,
      );
    }
    if (t?.kind === 'throttle') {
      this.record(c, surface, 429, 'none', decision);
      // [inferred] 429 is not documented for X3 (reference §3: secondary source); body mirrors the gateway shape.
      return c.json(
        {
          $severity: 'error',
          $dataCode: 'TooManyRequests',
          $message: 'Too many requests',
          $source: 'Gateway',
        },
        429,
        { 'retry-after': String(this.faults.faults.retryAfterSeconds) },
      );
    }
    if (decision.latencyMs > 0)
      await this.opts.clock.sleep(decision.latencyMs, undefined, { holdsRequest: true });
    return undefined;
  }
}

/** Sends an authentication failure exactly as the authenticator shaped it (status, content type, headers). */
export function authFailure(c: Context<SageX3Env>, auth: AuthOutcome & { ok: false }): Response {
  return c.body(auth.body, auth.status, { 'content-type': auth.contentType, ...auth.headers });
}
