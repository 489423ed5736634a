import type { Hono } from 'hono';
import { exchange, type Reply, type SimEnv } from '../exchange.js';
import type { ResolvedApp } from '../options.js';
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

/**
 * Registers the simulated Entra ID v2 token endpoint, `POST /{tenant}/oauth2/v2.0/token`, client credentials
 * only ([documented] reference §1.1–§1.4). The order of checks (tenant, grant, client, scope, credential) is
 * [inferred].
 */
export function registerTokenRoute(app: Hono<SimEnv>, state: SimulatorState): void {
  app.post('/:tenant/oauth2/v2.0/token', async (c) => {
    const traceId = state.opts.rng.guid();
    // [inferred] Entra echoes a caller-supplied `client-request-id` as the correlation id.
    const correlationId = c.req.header('client-request-id') ?? state.opts.rng.guid();
    const fail = (kind: AadstsKind, message: string, clientId?: string): Reply => {
      const e = aadstsError(kind, message, { traceId, correlationId, nowMs: state.now() });
      return {
        status: e.status,
        json: e.body,
        errorCode: `AADSTS${kind.code}`,
        clientId,
        headers: {
          'x-ms-request-id': traceId,
          'client-request-id': correlationId,
          'Cache-Control': 'no-store',
        },
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
      async ({ now }) => {
        const tenantSegment = c.req.param('tenant');
        const lower = tenantSegment.toLowerCase();
        if (lower === 'common' || lower === 'consumers' || lower === 'organizations') {
          return fail(
            AADSTS.commonEndpoint,
            'The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.',
          );
        }
        if (!GUID.test(tenantSegment) && !DOMAIN.test(tenantSegment)) {
          return fail(
            AADSTS.malformedTenant,
            `Specified tenant identifier '${tenantSegment}' is neither a valid DNS name, nor a valid external domain.`,
          );
        }
        const tenant = state.tenant(tenantSegment);
        if (!tenant) {
          return fail(
            AADSTS.unknownTenant,
            `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
          );
        }
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
        const scopes = scope.split(/\s+/).filter(Boolean);
        const bad = scopes.find((s) => !s.endsWith('/.default'));
        if (bad !== undefined) {
          return fail(
            AADSTS.invalidScope,
            `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
            clientId,
          );
        }
        const resources = new Set(scopes.map((s) => s.slice(0, -'/.default'.length)));
        if (resources.size > 1) {
          return fail(
            AADSTS.multiResourceScope,
            'The client application has requested access to resource scopes spanning several resources. Request one resource per call.',
            clientId,
          );
        }
        const assertion = form.get('client_assertion');
        const secret = form.get('client_secret') ?? basic?.secret;
        if (assertion) {
          if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
            return fail(
              AADSTS.assertionClaims,
              `The client_assertion_type must be '${ASSERTION_TYPE}'.`,
              clientId,
            );
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
        const lifetime = state.opts.tokenLifetimeSeconds;
        const [resource] = [...resources];
        const accessToken = state.tokens.issue(
          { tenantId: tenant.tenantId, clientId, audience: resource ?? '' },
          now,
          lifetime,
        );
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
          headers: {
            'x-ms-request-id': traceId,
            'client-request-id': correlationId,
            'Cache-Control': 'no-store',
          },
        };
      },
    );
  });
}
