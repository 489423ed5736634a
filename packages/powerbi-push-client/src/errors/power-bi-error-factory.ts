import type { HttpErrorContext } from '@mlc/core';
import { type PbiErrorDetails, PowerBIHttpError, PowerBIThrottledError } from './power-bi-http-error.js';
import { isTokenExpired } from './is-token-expired.js';

interface PowerBIErrorBody {
  error?: {
    code?: unknown;
    message?: unknown;
    details?: unknown;
    'pbi.error'?: PbiErrorDetails;
  };
  message?: unknown;
}

/** What the factory needs to know about the client. */
export interface PowerBIErrorFactoryOptions {
  /** The workspace id, for hints. */
  groupId: string;
}

/**
 * Power BI answers an expired access token with 403 `TokenExpired` ([documented] S12) rather than 401: the HTTP
 * client's `authChallenge`, so it refreshes the token once and resends, as it does on a 401. This is the one way an
 * expired token is replaced; every attempt of the retry loop gets its own challenge.
 */
export function isPowerBIAuthChallenge(response: { status: number; text: string }): boolean {
  if (response.status === 401) return true;
  return isTokenExpired({
    status: response.status,
    serviceCode: serviceCodeOf(parseBody(response.text)?.error),
  });
}

/**
 * Maps Power BI's error bodies ([documented] and [documented-3p] shapes, reference §2.8: simple `error.code`,
 * rich `error.pbi.error`, validation `error.details[]`, and 429's top-level `message`) to typed errors.
 *
 * A 403 `TokenExpired` that survives the HTTP client's forced refresh (see {@link isPowerBIAuthChallenge}; e.g. a
 * token endpoint handing out an already-expired token because of clock skew) is classified `transient` (and, as a
 * 403, not applied), so the retry loop tries again later; that attempt's own challenge fetches yet another token.
 */
export function createPowerBIErrorFactory(options: PowerBIErrorFactoryOptions) {
  return (context: HttpErrorContext): PowerBIHttpError | PowerBIThrottledError => {
    const body = parseBody(context.text);
    const error = body?.error;
    const pbiError = error?.['pbi.error'];
    const serviceCode = serviceCodeOf(error);
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
    const tokenExpired = isTokenExpired({ status: context.status, serviceCode });
    const errorDetails = Array.isArray(error?.details)
      ? (error.details as Array<{ message?: string; target?: string }>)
      : undefined;
    const hint =
      context.status >= 300 && context.status < 400
        ? redirectHint(context.headers.get('location'))
        : hintFor(context.status, serviceCode, serviceMessage, options.groupId);
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
  if (isTokenExpired({ status, serviceCode: code }))
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

/** Power BI's `error.code`, or the rich form's `error.pbi.error.code`. */
function serviceCodeOf(error: PowerBIErrorBody['error']): string | undefined {
  return str(error?.code) ?? str(error?.['pbi.error']?.code);
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
