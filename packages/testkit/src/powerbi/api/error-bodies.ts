/** A Power BI error response: status, JSON body and extra headers. */
export interface PowerBIErrorResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Simple form `{"error":{"code","message"}}` ([documented] reference §2.8, S12). */
export function simpleError(status: number, code: string, message: string): PowerBIErrorResponse {
  return { status, body: { error: { code, message } } };
}

/**
 * Rich form with `pbi.error` ([C-3p] reference §2.8):
 * `{"error":{"code","pbi.error":{"code","parameters":{},"details":[{"code":"DetailsMessage","detail":{"type":1,"value"}}],"exceptionCulprit":1}}}`.
 */
export function richError(
  status: number,
  code: string,
  detail: string,
  extraDetails: Array<{ code: string; value: string }> = [],
): PowerBIErrorResponse {
  return {
    status,
    body: {
      error: {
        code,
        'pbi.error': {
          code,
          parameters: {},
          details: [
            { code: 'DetailsMessage', detail: { type: 1, value: detail } },
            ...extraDetails.map((d) => ({ code: d.code, detail: { type: 1, value: d.value } })),
          ],
          exceptionCulprit: 1,
        },
      },
    },
  };
}

/**
 * Validation form `{"error":{"code":"BadRequest","message":"Bad Request","details":[{"message","target"}]}}`
 * ([C-3p] reference §2.1/§2.8).
 */
export function badRequest(details: Array<{ message: string; target: string }>): PowerBIErrorResponse {
  return { status: 400, body: { error: { code: 'BadRequest', message: 'Bad Request', details } } };
}

/** [documented] S12: 403 `TokenExpired`. */
export function tokenExpired(): PowerBIErrorResponse {
  return simpleError(403, 'TokenExpired', 'Access token has expired, resubmit with a new access token');
}

/** [C-3p] reference §2.8/§5.6: 401 `PowerBINotAuthorizedException`. */
export function notAuthorized(detail: string): PowerBIErrorResponse {
  return richError(401, 'PowerBINotAuthorizedException', detail);
}

/** [C-3p] reference §2.8/§5.5: 404 `PowerBIEntityNotFound` (also what a non-member sees for an item). */
export function entityNotFound(detail: string): PowerBIErrorResponse {
  return richError(404, 'PowerBIEntityNotFound', detail);
}

/**
 * [C-3p] reference §2.8 (pbimonitor#58): generic 429, top-level `message` and no `error` wrapper, with
 * `Retry-After` in seconds.
 */
export function tooManyRequests(retryAfterSeconds: number): PowerBIErrorResponse {
  return {
    status: 429,
    body: {
      message: `You have exceeded the amount of requests allowed in the current time frame and further requests will fail. Retry in ${retryAfterSeconds} seconds.`,
    },
    headers: { 'Retry-After': String(retryAfterSeconds) },
  };
}

/**
 * 429 for the rows-per-hour quota: message text [documented] S13 ("You are over your rows per hour limit for
 * this dataset"); the `error.code` value is [inferred].
 */
export function rowsPerHourExceeded(retryAfterSeconds: number): PowerBIErrorResponse {
  return {
    status: 429,
    body: {
      error: {
        code: 'TooManyRequests',
        message: `You are over your rows per hour limit for this dataset. Retry in ${retryAfterSeconds} seconds.`,
      },
    },
    headers: { 'Retry-After': String(retryAfterSeconds) },
  };
}

/**
 * A DAX failure: [documented] S14 HTTP 400 "DAX query failure"; the body ([inferred] from real traffic seen in
 * public issue threads) is the rich form with code `DatasetExecuteQueriesError` and the engine message.
 */
export function daxError(message: string): PowerBIErrorResponse {
  return richError(400, 'DatasetExecuteQueriesError', message, [
    { code: 'AnalysisServicesErrorCode', value: '3238002695' },
  ]);
}

/**
 * Creating a push or streaming dataset after the retirement date. The retirement is [documented] (reference §0,
 * §5.10, S8: no new push/streaming semantic models after 2027-10-31); the code `FeatureDeprecatedError` in the rich
 * `pbi.error` form is what the service answers for retired streaming datasets (issue 11); the status 400 and the
 * wording are [inferred].
 */
export function featureDeprecated(mode: string): PowerBIErrorResponse {
  return richError(
    400,
    'FeatureDeprecatedError',
    `Creating ${mode} semantic models is no longer supported. Existing ${mode} semantic models keep working; use Real-Time Intelligence in Microsoft Fabric for new ones.`,
  );
}
