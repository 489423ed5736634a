import type { Context, Hono } from 'hono';
import { exchange, type Reply, type SimEnv } from '../exchange.js';
import type { ResolvedApp, ResolvedTenant } from '../options.js';
import type { SimulatorState } from '../simulator-state.js';
import { AADSTS, type AadstsKind, aadstsError } from './aadsts-error.js';
import { verifyClientAssertion } from './client-assertion.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Decodes `Authorization: Basic` credentials (RFC 6749 §2.3.1: form-urlencoded id and secret). */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { id: dec(decoded.slice(0, colon)), secret: dec(decoded.slice(colon + 1)) };
}

const TOKEN_PATH = '/:tenant/oauth2/v2.0/token';

/** Builds one token request's AADSTS failure reply (its trace and correlation ids, no caching). */
type Fail = (kind: AadstsKind, message: string, clientId?: string) => Reply;

/** The headers of every token answer: the request and correlation ids, and no caching. */
function tokenHeaders(traceId: string, correlationId: string): Record<string, string> {
  return {
    'x-ms-request-id': traceId,
    'client-request-id': correlationId,
    'Cache-Control': 'no-store',
  };
}

/**
 * Registers the simulated Entra ID v2 token endpoint, `POST /{tenant}/oauth2/v2.0/token`, client credentials
 * only ([documented] reference §1.1–§1.4). The order of checks (tenant, grant, client, scope, credential) is
 * [inferred].
 */
export function registerTokenRoute(app: Hono<SimEnv>, state: SimulatorState): void {
  app.post(TOKEN_PATH, async (c) => {
    const traceId = state.opts.rng.guid();
    // [inferred] Entra echoes a caller-supplied `client-request-id` as the correlation id.
    const correlationId = c.req.header('client-request-id') ?? state.opts.rng.guid();
    const fail: Fail = (kind, message, clientId) => {
      const e = aadstsError(kind, message, { traceId, correlationId, nowMs: state.now() });
      return {
        status: e.status,
        json: e.body,
        errorCode: `AADSTS${kind.code}`,
        clientId,
        headers: tokenHeaders(traceId, correlationId),
      };
    };
    return exchange(
      c,
      state,
      {
        route: 'token',
        requestId: traceId,
        faultStatus: (status) => ({
          ...fail(AADSTS.unavailable, 'The service is temporarily unavailable.'),
          status,
        }),
        faultThrottle: (seconds) => ({
          ...fail(AADSTS.unavailable, 'Too many requests.'),
          status: 429,
          headers: { 'Retry-After': String(seconds) },
        }),
      },
      ({ now }) => answerTokenRequest(c, state, fail, now, tokenHeaders(traceId, correlationId)),
    );
  });
}

/** Runs a token request through the checks in order (tenant, grant, client, scope, credential) and issues a token. */
async function answerTokenRequest(
  c: Context<SimEnv, typeof TOKEN_PATH>,
  state: SimulatorState,
  fail: Fail,
  now: number,
  headers: Record<string, string>,
): Promise<Reply> {
  const tenantSegment = c.req.param('tenant');
  const found = tenantOf(state, tenantSegment, fail);
  if ('reply' in found) return found.reply;
  const { tenant } = found;
  const contentType = c.req.header('content-type') ?? '';
  const form = contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')
    ? new URLSearchParams(await c.req.text())
    : new URLSearchParams();
  const missing = (name: string) =>
    fail(AADSTS.missingParameter, `The request body must contain the following parameter: '${name}'.`);
  const grantType = form.get('grant_type');
  if (!grantType) return missing('grant_type');
  if (grantType !== 'client_credentials') {
    return fail(AADSTS.unsupportedGrant, `The app requested an unsupported grant type '${grantType}'.`);
  }
  if (form.has('resource')) {
    return fail(AADSTS.resourceParameter, "The 'resource' request parameter is not supported.");
  }
  const basic = basicCredentials(c.req.header('authorization'));
  const clientId = form.get('client_id') ?? basic?.id;
  if (!clientId) return missing('client_id');
  const app: ResolvedApp | undefined = tenant.apps.find((a) => a.clientId === clientId);
  if (!app) {
    return fail(
      AADSTS.unknownApp,
      `Application with identifier '${clientId}' was not found in the directory '${tenantSegment}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  const scope = form.get('scope');
  if (!scope) return missing('scope');
  const scoped = resourcesOf(scope, fail, clientId);
  if ('reply' in scoped) return scoped.reply;
  const credential = {
    assertion: form.get('client_assertion'),
    assertionType: form.get('client_assertion_type'),
  };
  const secret = form.get('client_secret') ?? basic?.secret;
  const refused = await credentialFailure(
    state,
    { tenant, tenantSegment, app, clientId, now, fail },
    credential,
    secret,
  );
  if (refused) return refused;
  return issueToken(state, tenant.tenantId, clientId, scoped.resources, now, headers);
}

/**
 * The tenant named by the path segment (id or verified domain), or the AADSTS reply: `/common` and friends,
 * a malformed identifier, or an unknown tenant.
 */
function tenantOf(
  state: SimulatorState,
  tenantSegment: string,
  fail: Fail,
): { tenant: ResolvedTenant } | { reply: Reply } {
  const lower = tenantSegment.toLowerCase();
  if (lower === 'common' || lower === 'consumers' || lower === 'organizations') {
    return {
      reply: fail(
        AADSTS.commonEndpoint,
        'The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.',
      ),
    };
  }
  if (!GUID.test(tenantSegment) && !DOMAIN.test(tenantSegment)) {
    return {
      reply: fail(
        AADSTS.malformedTenant,
        `Specified tenant identifier '${tenantSegment}' is neither a valid DNS name, nor a valid external domain.`,
      ),
    };
  }
  const tenant = state.tenant(tenantSegment);
  if (!tenant) {
    return {
      reply: fail(
        AADSTS.unknownTenant,
        `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      ),
    };
  }
  return { tenant };
}

/** The resources of a `scope` (every scope must be `{resource}/.default`, all of one resource), or the reply. */
function resourcesOf(
  scope: string,
  fail: Fail,
  clientId: string,
): { resources: Set<string> } | { reply: Reply } {
  const scopes = scope.split(/\s+/).filter(Boolean);
  const bad = scopes.find((s) => !s.endsWith('/.default'));
  if (bad !== undefined) {
    return {
      reply: fail(
        AADSTS.invalidScope,
        `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
        clientId,
      ),
    };
  }
  const resources = new Set(scopes.map((s) => s.slice(0, -'/.default'.length)));
  if (resources.size > 1) {
    return {
      reply: fail(
        AADSTS.multiResourceScope,
        'The client application has requested access to resource scopes spanning several resources. Request one resource per call.',
        clientId,
      ),
    };
  }
  return { resources };
}

/** Who is asking for a token, and how to refuse them. */
interface TokenCaller {
  tenant: ResolvedTenant;
  tenantSegment: string;
  app: ResolvedApp;
  clientId: string;
  now: number;
  fail: Fail;
}

/**
 * Checks the client credential: a client assertion (certificate) when one is sent, else the secret (form or
 * Basic); undefined when it is valid, else the AADSTS reply (wrong, expired or missing credential).
 */
async function credentialFailure(
  state: SimulatorState,
  caller: TokenCaller,
  credential: { assertion: string | null; assertionType: string | null },
  secret: string | null | undefined,
): Promise<Reply | undefined> {
  const { tenant, tenantSegment, app, clientId, now, fail } = caller;
  const { assertion } = credential;
  if (assertion) {
    if (credential.assertionType !== ASSERTION_TYPE) {
      return fail(AADSTS.assertionClaims, `The client_assertion_type must be '${ASSERTION_TYPE}'.`, clientId);
    }
    const origin = state.origin;
    const failure = await verifyClientAssertion({
      assertion,
      clientId,
      tenantId: tenant.tenantId,
      audiences: [
        `${origin}/${tenant.tenantId}/oauth2/v2.0/token`,
        `${origin}/${tenantSegment}/oauth2/v2.0/token`,
        `https://login.microsoftonline.com/${tenant.tenantId}/oauth2/v2.0/token`,
      ],
      certificates: app.certificates,
      nowMs: now,
    });
    if (failure) return fail(failure.kind, failure.message, clientId);
  } else if (secret !== undefined && secret !== null) {
    if (app.clientSecret === null || secret !== app.clientSecret) {
      return fail(
        AADSTS.invalidSecret,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
        clientId,
      );
    }
    if (app.clientSecretExpiresAt !== undefined && now >= app.clientSecretExpiresAt) {
      return fail(
        AADSTS.expiredSecret,
        `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
        clientId,
      );
    }
  } else {
    return fail(
      AADSTS.missingCredential,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      clientId,
    );
  }
  return undefined;
}

/** Issues an access token for the one resource asked for (the `.default` scope's resource). */
function issueToken(
  state: SimulatorState,
  tenantId: string,
  clientId: string,
  resources: Set<string>,
  now: number,
  headers: Record<string, string>,
): Reply {
  const lifetime = state.opts.tokenLifetimeSeconds;
  const [resource] = [...resources];
  const accessToken = state.tokens.issue({ tenantId, clientId, audience: resource ?? '' }, now, lifetime);
  // [documented] S1 fields + [C-3p] `ext_expires_in`.
  return {
    status: 200,
    json: {
      token_type: 'Bearer',
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: accessToken,
    },
    applied: true,
    clientId,
    headers,
  };
}
