import type { Context } from 'hono';
import type { IssuedToken } from '../entra/token-registry.js';
import type { Reply, SimEnv } from '../exchange.js';
import type { ResolvedGroup, ResolvedTenant } from '../options.js';
import type { SimulatorState } from '../simulator-state.js';
import {
  notAuthorized,
  type PowerBIErrorResponse,
  entityNotFound,
  simpleError,
  tokenExpired,
} from './error-bodies.js';

/** A caller that passed authentication (and, when asked, workspace membership). */
export interface Principal {
  token: IssuedToken;
  tenant: ResolvedTenant;
  group?: ResolvedGroup;
}

/** Turns an error body into a handler reply. */
export function replyOf(e: PowerBIErrorResponse, clientId?: string): Reply {
  const body = e.body as { error?: { code?: string } } | undefined;
  return {
    status: e.status,
    json: e.body,
    headers: e.headers,
    errorCode: body?.error?.code ?? String(e.status),
    clientId,
  };
}

/** What the route needs checked. */
export interface AuthRequirement {
  /** The group of a `/groups/{groupId}` path; undefined for "My workspace" paths. */
  groupId?: string;
  /** Whether the call writes (Viewer is refused). */
  write: boolean;
  /** Whether the path names an item (dataset/table): non-members then get 404 rather than 401. */
  item: boolean;
}

/**
 * Authenticates the bearer token and checks workspace access.
 * - no/malformed `Authorization`, or a token the simulator never issued → 403 ([documented] S12 lists a
 *   malformed header among the 403 causes; body [inferred]);
 * - expired → 403 `TokenExpired` ([documented] S12);
 * - revoked → 401 `PowerBINotAuthorizedException` ([inferred]; a 401 lets clients refresh once);
 * - token for another resource, or the tenant disallows service principals → 401
 *   `PowerBINotAuthorizedException` ([C-3p] reference §5.6);
 * - "My workspace" paths → 401 for service principals ([documented] S10 unsupported; shape [C-3p] §5.6);
 * - unknown group, or not a member: 404 `PowerBIEntityNotFound` on item paths ([C-3p] §5.5) and 401
 *   `PowerBINotAuthorizedException` on the workspace's collection paths ([inferred] split);
 * - Viewer writing → 401 ([inferred]; the reference says Viewer cannot create content).
 */
export function authenticate(
  c: Context<SimEnv>,
  state: SimulatorState,
  req: AuthRequirement,
): { ok: true; principal: Principal } | { ok: false; reply: Reply } {
  const header = c.req.header('authorization') ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  const token = m?.[1] ? state.tokens.lookup(m[1]) : undefined;
  if (!token) {
    return {
      ok: false,
      reply: replyOf(
        simpleError(
          403,
          'Forbidden',
          'The Authorization header is missing, malformed or its token is invalid.',
        ),
      ),
    };
  }
  const clientId = token.clientId;
  const deny = (e: PowerBIErrorResponse) => ({ ok: false as const, reply: replyOf(e, clientId) });
  if (token.expiresAt <= state.now()) return deny(tokenExpired());
  if (token.revoked) return deny(notAuthorized('The access token has been revoked.'));
  const expected = state.opts.scope.replace(/\/\.default$/, '');
  if (token.audience !== expected) {
    return deny(
      notAuthorized(`The access token was issued for '${token.audience}', not for the Power BI API.`),
    );
  }
  const tenant = state.tenant(token.tenantId);
  if (!tenant?.servicePrincipalsEnabled) {
    return deny(
      notAuthorized(
        "Service principals are not allowed to use Power BI APIs in this tenant (tenant setting 'Service principals can use Fabric APIs').",
      ),
    );
  }
  if (req.groupId === undefined) {
    return deny(
      notAuthorized('My workspace is not supported for service principals; use /groups/{groupId}.'),
    );
  }
  const group = state.opts.groups.find((g) => g.id.toLowerCase() === req.groupId?.toLowerCase());
  const role = group?.members.get(clientId);
  if (!group || !role) {
    return deny(
      req.item
        ? entityNotFound(
            `The requested workspace '${req.groupId}' or item was not found or the caller has no access.`,
          )
        : notAuthorized(`The caller is not a member of workspace '${req.groupId}'.`),
    );
  }
  if (req.write && role === 'Viewer') {
    return deny(notAuthorized(`Role Viewer cannot modify content in workspace '${group.id}'.`));
  }
  return { ok: true, principal: { token, tenant, group } };
}
