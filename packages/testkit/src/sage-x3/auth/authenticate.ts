import { decodeJwt } from 'jose';
import type { SageX3SimConnectedApp, SageX3SimUser } from '../options.js';
import { checkBasicAuth } from './basic-auth.js';
import { checkConnectedAppJwt } from './connected-app-jwt.js';
import type { OAuthServer } from './oauth-server.js';

/** How a request authenticated. */
export type AuthMethod = 'basic' | 'jwt' | 'oauth' | 'none';

/** The outcome of authenticating one request; failures carry the exact 401 answer to send. */
export type AuthOutcome =
  | { readonly ok: true; readonly method: AuthMethod; readonly principal: string }
  | {
      readonly ok: false;
      readonly method: AuthMethod;
      readonly status: 401;
      readonly contentType: string;
      readonly body: string;
      readonly headers?: Record<string, string>;
    };

/** What each surface accepts. */
export interface AuthPolicy {
  readonly basic: boolean;
  readonly jwt: boolean;
  readonly oauth: boolean;
}

/** Inputs the authenticator needs. */
export interface AuthContext {
  readonly users: readonly SageX3SimUser[];
  readonly apps: readonly (SageX3SimConnectedApp & { audience: string })[];
  readonly oauth: OAuthServer;
  readonly nowSec: () => number;
  readonly skewSec: number;
  /** Called for each request presenting a gateway token; returning true revokes all tokens first (fault). */
  readonly onGatewayToken: () => boolean;
}

// [documented] gateway 401 body (reference §2.8).
const UNAUTHORISED = JSON.stringify({ message: 'Unauthorised' });

function fail(method: AuthMethod, basicChallenge: boolean): AuthOutcome {
  return {
    ok: false,
    method,
    status: 401,
    contentType: 'application/json; charset=utf-8',
    body: UNAUTHORISED,
    // [documented] realm defaults to "Syracuse" (reference §1.5).
    ...(basicChallenge ? { headers: { 'www-authenticate': 'Basic realm="Syracuse"' } } : {}),
  };
}

/**
 * Authenticates a request by its `Authorization` header under a surface's policy: Basic ([documented] §1.5),
 * gateway OAuth access tokens ([documented] §2.3) and connected-app JWTs ([documented] §2.2, answered with
 * plain-text `Error NN: Invalid token`).
 */
export async function authenticate(
  header: string | undefined,
  policy: AuthPolicy,
  ctx: AuthContext,
): Promise<AuthOutcome> {
  if (!header) return fail('none', policy.basic);
  if (/^Basic\s/i.test(header)) {
    if (!policy.basic) return fail('basic', false);
    const user = checkBasicAuth(header, ctx.users);
    return user ? { ok: true, method: 'basic', principal: user } : fail('basic', true);
  }
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) return fail('none', policy.basic);
  const token = m[1] as string;
  let iss: unknown;
  try {
    iss = decodeJwt(token).iss;
  } catch {
    iss = undefined;
  }
  if (ctx.oauth.isGatewayToken(iss)) {
    if (!policy.oauth) return fail('oauth', false);
    if (ctx.onGatewayToken()) ctx.oauth.revokeAll();
    const v = await ctx.oauth.verifyAccessToken(token);
    return v.ok ? { ok: true, method: 'oauth', principal: v.clientId } : fail('oauth', false);
  }
  if (!policy.jwt) return fail('jwt', false);
  const check = await checkConnectedAppJwt(token, ctx.apps, ctx.nowSec(), ctx.skewSec);
  if (check.ok) return { ok: true, method: 'jwt', principal: check.user };
  return {
    ok: false,
    method: 'jwt',
    status: 401,
    contentType: 'text/plain; charset=utf-8',
    body: `Error ${check.code}: Invalid token`,
  };
}
