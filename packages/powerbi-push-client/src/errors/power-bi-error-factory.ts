import type { HttpErrorContext } from '@mlc/core';
import { type PbiErrorDetails, PowerBIHttpError, PowerBIThrottledError } from './power-bi-http-error.js';

interface PowerBIErrorBody {
  error?: {
    code?: unknown;
    message?: unknown;
    details?: unknown;
    'pbi.error'?: PbiErrorDetails;
  };
  message?: unknown;
}

/** What the factory tells the client about. */
export interface PowerBIErrorFactoryHooks {
  /** Power BI said the token expired: drop it so the next attempt fetches a new one. */
  onTokenExpired(): void;
  /** The workspace id, for hints. */
  groupId: string;
}

/**
 * Power BI answers an expired access token with 403 `TokenExpired` ([documented] S12) rather than 401: the HTTP
 * client's `authChallenge`, so it refreshes the token once and resends, as it does on a 401.
 */
export function isPowerBIAuthChallenge(response: { status: number; text: string }): boolean {
  if (response.status === 401) return true;
  if (response.status !== 403) return false;
  const error = parseBody(response.text)?.error;
  return (str(error?.code) ?? str(error?.['pbi.error']?.code)) === 'TokenExpired';
}

/**
 * Maps Power BI's error bodies ([documented] and [documented-3p] shapes, reference §2.8: simple `error.code`,
 * rich `error.pbi.error`, validation `error.details[]`, and 429's top-level `message`) to typed errors.
 *
 * A 403 `TokenExpired` that survives the HTTP client's forced refresh (see {@link isPowerBIAuthChallenge}; e.g. a
 * token endpoint handing out an already-expired token because of clock skew) is classified `transient` and not
 * applied, after dropping the cached token, so the retry loop tries again later with yet another token.
 */
export function createPowerBIErrorFactory(hooks: PowerBIErrorFactoryHooks) {
  return (context: HttpErrorContext): PowerBIHttpError | PowerBIThrottledError => {
    const body = parseBody(context.text);
    const error = body?.error;
    const pbiError = error?.['pbi.error'];
    const serviceCode = str(error?.code) ?? str(pbiError?.code);
    const detailText = pbiError?.details
      ?.map((detail) => detail.detail?.value)
      .find((value) => typeof value === 'string');
    const serviceMessage = stripPrivacyMarkers(str(error?.message) ?? detailText ?? str(body?.message));
    // [documented] §2.8/§3: 429 + Retry-After; core's `classifyResponse` treats a 503 with Retry-After the same
    // way [inferred].
    if (context.kind === 'throttled') {
      return new PowerBIThrottledError({
        method: context.method,
        url: context.url,
        status: context.status,
        ...(context.retryAfterMs !== undefined ? { retryAfterMs: context.retryAfterMs } : {}),
        ...(context.requestId !== undefined ? { requestId: context.requestId } : {}),
        ...(serviceMessage !== undefined ? { serviceMessage } : {}),
      });
    }
    const tokenExpired = context.status === 403 && serviceCode === 'TokenExpired';
    if (tokenExpired) hooks.onTokenExpired();
    const errorDetails = Array.isArray(error?.details)
      ? (error.details as Array<{ message?: string; target?: string }>)
      : undefined;
    const hint =
      context.status >= 300 && context.status < 400
        ? redirectHint(context.headers.get('location'))
        : hintFor(context.status, serviceCode, serviceMessage, hooks.groupId);
    return new PowerBIHttpError({
      status: context.status,
      method: context.method,
      url: context.url,
      ...(tokenExpired ? { kind: 'transient' as const } : {}),
      ...(serviceCode !== undefined ? { serviceCode } : {}),
      ...(serviceMessage !== undefined ? { serviceMessage } : {}),
      ...(pbiError !== undefined ? { pbiError } : {}),
      ...(errorDetails !== undefined ? { errorDetails } : {}),
      ...(context.requestId !== undefined ? { requestId: context.requestId } : {}),
      ...(context.retryAfterMs !== undefined ? { retryAfterMs: context.retryAfterMs } : {}),
      ...(hint !== undefined ? { hint } : {}),
    });
  };
}

/**
 * Remedy hints for the Power BI failures people meet most ([documented-3p] reference §5.3–§5.7; the wording is
 * ours).
 */
export function hintFor(
  status: number,
  code: string | undefined,
  message: string | undefined,
  groupId: string,
): string | undefined {
  if (status === 401 || code === 'PowerBINotAuthorizedException') {
    return `The service principal is not authorised for workspace ${groupId}: add it to the workspace as Member or Admin, and have a Power BI admin enable "Service principals can use Fabric APIs" (formerly "Allow service principals to use Power BI APIs") for a security group that contains it (changes take 15–30 minutes). Also check the token is for the Power BI scope.`;
  }
  if (status === 403 && code === 'TokenExpired')
    return 'The access token expired; the client fetches a new one and retries.';
  if (status === 403) {
    return `The caller lacks rights in workspace ${groupId}: add the service principal as Member or Admin. "My workspace" paths are not available to service principals.`;
  }
  if (status === 404 && message && /not Push API dataset/i.test(message)) {
    return 'Only datasets created through the push API accept rows (check addRowsAPIEnabled).';
  }
  if (status === 404 && message && /Table .* not found/i.test(message)) {
    return 'Table names are case-sensitive, and PUT cannot create a new table: adding a table means recreating the dataset.';
  }
  if (status === 404) {
    return `Not found. This is often a permission problem: the service principal is not a member of workspace ${groupId}, or the id is wrong.`;
  }
  return undefined;
}

function parseBody(text: string): PowerBIErrorBody | undefined {
  if (!text) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as PowerBIErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** [documented-3p] §2.4: messages wrap user values in `<pi>…</pi>` privacy markers. */
export function stripPrivacyMarkers(text: string | undefined): string | undefined {
  return text?.replace(/<\/?pi>/g, '');
}

/** A redirect the client refused to follow (not to a Power BI host): say where it pointed, never its query. */
function redirectHint(location: string | null): string {
  let host = 'an unknown place';
  try {
    if (location) host = new URL(location, 'https://invalid.invalid').host;
  } catch {
    // keep the generic text
  }
  return `Power BI answered with a redirect to ${host}, which is not a Power BI host, so the access token was not sent there. If that host is yours (a proxy), add it to the client's redirectHosts option.`;
}
