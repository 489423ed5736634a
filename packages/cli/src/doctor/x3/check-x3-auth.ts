import { createHttpClient, silentLogger, systemClock } from '@mlc/core';
import type { ResolvedX3ClientOptions } from '@mlc/sage-x3-client';
import { type CheckLog, describeError } from '../doctor-check.js';
import { X3_SECTION, x3AuthTitle } from './x3-section.js';

const AUTH_REMEDY: Record<string, string> = {
  basic:
    'Check the X3 user and password given to basicAuth (from your environment, e.g. MLC_X3_PASSWORD); the user must be allowed to use web services and not be locked.',
  'connected-app':
    "Check the connected application's client id and secret, its X3 user, and that this machine's clock is right (the JWT's iat/exp are judged by the server's clock).",
  'oauth2-refresh-token':
    'The refresh token was refused (expired, revoked or already used): run the OAuth2 consent again and store the new token with sync.tokenStore().',
  custom: 'Check the credentials your custom auth strategy sends.',
};

/** One Syracuse endpoint of the endpoint list. */
export interface EndpointResource {
  /** The endpoint's name (what `endpoint` names). */
  dataset?: unknown;
  /** The X3 folder behind it. */
  x3ServerFolder?: unknown;
}

/** What the authenticated endpoint-list request of {@link checkX3Auth} found. */
export interface EndpointListAnswer {
  /** The endpoints, when the list was readable. */
  resources?: EndpointResource[];
  /** The server's `Date` header (epoch ms, NaN when absent or unreadable), when the request was answered. */
  serverDate?: number;
  /** When the request was sent (epoch ms). */
  sentAt: number;
  /** When its answer (or failure) came (epoch ms). */
  receivedAt: number;
}

/**
 * Checks authentication in the configured mode with one authenticated request to the Syracuse endpoint list
 * ([documented] sage-x3 reference §1.1, §3 gotcha 3): it proves the credentials, names the folders and carries the
 * server's Date header. Returns what it found, or undefined when the credentials were refused. An endpoint list
 * that is not readable for another reason (e.g. no admin right on it) is a warning: the entity reads decide.
 */
export async function checkX3Auth(
  log: CheckLog,
  resolved: ResolvedX3ClientOptions,
  now: () => number,
): Promise<EndpointListAnswer | undefined> {
  const kind = resolved.auth.kind;
  const http = endpointListClient(resolved);
  const answer: EndpointListAnswer = { sentAt: 0, receivedAt: 0 };
  try {
    answer.sentAt = now();
    const response = await http.request({
      path: 'api1/syracuse/collaboration/syracuse/endPoints',
      query: { representation: 'endPoints.$query', count: 100 },
    });
    answer.receivedAt = now();
    answer.serverDate = Date.parse(response.headers.get('date') ?? '');
    answer.resources = (JSON.parse(response.text) as { $resources?: EndpointResource[] }).$resources ?? [];
    log.add({
      id: 'x3.auth',
      section: X3_SECTION,
      title: x3AuthTitle(kind),
      status: 'ok',
      detail: 'the server accepted the credentials',
    });
    return answer;
  } catch (error) {
    answer.receivedAt = now();
    const e = describeError(error);
    const status = (error as { status?: number }).status;
    if (status === 401 || (e.code !== undefined && /AUTH|TOKEN/.test(e.code))) {
      log.add({
        id: 'x3.auth',
        section: X3_SECTION,
        title: x3AuthTitle(kind),
        status: 'fail',
        detail: `${e.code ?? `HTTP ${status}`}: ${e.message}`,
        remedy: AUTH_REMEDY[kind] ?? AUTH_REMEDY.custom,
        data: { code: e.code, status },
      });
      return undefined;
    }
    log.add({
      id: 'x3.auth',
      section: X3_SECTION,
      title: x3AuthTitle(kind),
      status: 'warn',
      detail: `the endpoint list answered ${e.code ?? ''} ${e.message}; authentication is judged by the entity reads below`,
    });
    return answer;
  }
}

/** An HTTP client authenticated in the configured mode, for the Syracuse endpoint list. */
function endpointListClient(resolved: ResolvedX3ClientOptions) {
  const runtime = resolved.auth.start({
    clock: resolved.clock ?? systemClock,
    logger: silentLogger,
    ...(resolved.fetch ? { fetch: resolved.fetch } : {}),
    ...(resolved.tls ? { tls: resolved.tls } : {}),
  });
  return createHttpClient({
    baseUrl: resolved.baseUrl.endsWith('/') ? resolved.baseUrl : `${resolved.baseUrl}/`,
    auth: runtime.provider,
    knownSecrets: () => runtime.knownSecrets(),
    errorFactory: (ctx) => runtime.describeRejection(ctx),
    retry: { maxAttempts: 2 },
    timeoutMs: 20_000,
    logger: silentLogger,
    ...(resolved.fetch ? { fetch: resolved.fetch } : {}),
    ...(resolved.tls ? { tls: resolved.tls } : {}),
  });
}
