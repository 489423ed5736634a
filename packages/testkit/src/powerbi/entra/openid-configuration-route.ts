import type { Hono } from 'hono';
import type { SimEnv } from '../exchange.js';
import type { SimulatorState } from '../simulator-state.js';

/**
 * Registers `GET /{tenant}/v2.0/.well-known/openid-configuration`, the OpenID Connect discovery document that MSAL
 * and `@azure/identity` read before they call the token endpoint. [documented] by Microsoft's identity platform
 * ("OpenID Connect on the Microsoft identity platform": the v2.0 metadata document); only the members a
 * client-credentials client uses are served, pointing at this simulator, so a standard client configured with this
 * authority host finds the simulated token endpoint. An unknown tenant gets 400 AADSTS90002-style
 * `invalid_tenant` [inferred: the real endpoint answers 400 with an error body for unknown tenants].
 */
export function registerOpenIdConfigurationRoute(app: Hono<SimEnv>, state: SimulatorState): void {
  app.get('/:tenant/v2.0/.well-known/openid-configuration', (c) => {
    const segment = c.req.param('tenant');
    const tenant = state.tenant(segment);
    if (!tenant) {
      return c.json(
        {
          error: 'invalid_tenant',
          error_description: `AADSTS90002: Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
          error_codes: [90002],
        },
        400,
      );
    }
    const base = `${state.origin}/${tenant.tenantId}`;
    return c.json({
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${state.origin}/${tenant.tenantId}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${state.origin}/${tenant.tenantId}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
    });
  });
}
