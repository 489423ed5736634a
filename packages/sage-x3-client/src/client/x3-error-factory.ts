import { type HttpErrorContext, type MlcError, redactText } from '@mlc/core';
import type { X3AuthRuntime } from '../auth/x3-auth-strategy.js';
import { describeServerMessage } from '../auth/describe-server-message.js';
import { X3FilterError } from '../errors/x3-filter-error.js';
import { X3GatewayError, parseGatewayErrorBody } from '../errors/x3-gateway-error.js';
import { X3GraphQLError, type X3GraphQLErrorEntry } from '../errors/x3-graphql-error.js';
import { X3ResponseError } from '../errors/x3-response-error.js';

const WHERE_FIELD_RE = /([A-Za-z_][A-Za-z0-9_.]*)\s+(?:eq|ne|lt|le|gt|ge|in|like|between)\b/g;
const FILTER_HINT_RE = /where|filter|propert|field|column|unknown|not found|invalid|sdata|syntax/i;

/** The field names a `where=` in a (redacted) URL uses. */
export function whereFieldsOf(url: string): { where?: string; fields: string[] } {
  let where: string | undefined;
  try {
    where = new URL(url).searchParams.get('where') ?? undefined;
  } catch {
    where = undefined;
  }
  if (!where) return { fields: [] };
  const fields = new Set<string>();
  for (const m of where.matchAll(WHERE_FIELD_RE)) if (m[1]) fields.add(m[1]);
  return { where, fields: [...fields] };
}

/**
 * Maps failed X3 responses to typed errors for the core HTTP client:
 * - 401/403 → the auth strategy's own error (JWT error numbers, refresh hints…);
 * - 500 on a `$query` with `where` whose body points at the filter → {@link X3FilterError} naming the field
 *   (X3 answers an unknown `where` property with 500, [documented] §1.4 / §3 gotcha 2). A 500 whose body says
 *   nothing about the filter stays a retryable server error;
 * - a Sage cloud gateway body (`$severity`/`$dataCode`/`$message`/`$source`, [documented] §2.8) → {@link X3GatewayError}
 *   carrying `dataCode` and `source`, classified by status (429 throttled with Retry-After, 5xx server, else client);
 * - 400 with GraphQL `errors[]` (the gateway's "Cannot query field", [documented] §2.8) → {@link X3GraphQLError};
 * - 429 and 5xx → core's `HttpError` (throttled / server, retried with Retry-After and backoff);
 * - other 4xx → {@link X3ResponseError} with the server's (redacted) message, not retryable.
 */
export function createX3ErrorFactory(auth: X3AuthRuntime) {
  return (context: HttpErrorContext): MlcError | undefined => {
    const secrets = auth.knownSecrets();
    if (context.status === 401 || context.status === 403) return auth.describeRejection(context);
    const serverMessage = describeServerMessage(context.text);
    const safe = serverMessage ? redactText(serverMessage, secrets) : undefined;
    if (context.status === 500 && context.method === 'GET') {
      const { where, fields } = whereFieldsOf(context.url);
      if (where && safe && FILTER_HINT_RE.test(safe)) {
        const named = fields.find((f) => new RegExp(`\\b${f.replace(/\./g, '\\.')}\\b`).test(safe));
        const field = named ?? (fields.length === 1 ? fields[0] : undefined);
        if (named || /where|filter|sdata/i.test(safe)) {
          return new X3FilterError({
            ...(field ? { field } : {}),
            reason: safe,
            filter: where,
            status: 500,
          });
        }
      }
    }
    const gateway = parseGatewayErrorBody(context.text);
    if (gateway) {
      return new X3GatewayError({
        ...gateway,
        ...(gateway.message !== undefined ? { message: redactText(gateway.message, secrets) } : {}),
        status: context.status,
        method: context.method,
        url: context.url,
        ...(context.retryAfterMs !== undefined ? { retryAfterMs: context.retryAfterMs } : {}),
        ...(context.requestId !== undefined ? { requestId: context.requestId } : {}),
      });
    }
    if (context.status === 400 && context.method === 'POST' && /"errors"\s*:/.test(context.text)) {
      try {
        const body = JSON.parse(context.text) as { errors?: X3GraphQLErrorEntry[] };
        if (Array.isArray(body.errors) && body.errors.length > 0) {
          return new X3GraphQLError({
            errors: body.errors.map((e) => ({ message: redactText(String(e.message), secrets) })),
            kind: 'client',
            status: 400,
          });
        }
      } catch {
        // not JSON: fall through to the generic error
      }
    }
    // 429 / 5xx: core's HttpError carries Retry-After and the throttled/server classification that drives retries.
    if (context.status === 429 || context.status >= 500) return undefined;
    return new X3ResponseError({
      message: `X3 ${context.method} ${context.url} failed with HTTP ${context.status}${safe ? `: ${safe}` : ''}`,
      code: 'X3_HTTP_ERROR',
      url: context.url,
      status: context.status,
      retryable: context.status === 408,
      ...(context.requestId !== undefined ? { requestId: context.requestId } : {}),
    });
  };
}
