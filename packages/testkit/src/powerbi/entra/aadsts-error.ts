/**
 * Body of an Entra ID token error ([documented] reference §1.4, S1/S3):
 * `{ error, error_description, error_codes, timestamp, trace_id, correlation_id, error_uri }`.
 */
export interface AadstsErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

/** An Entra ID token error the endpoint answers with: HTTP status plus body. */
export interface AadstsError {
  status: number;
  body: AadstsErrorBody;
}

/** The error kinds the simulated token endpoint produces, each with its AADSTS code and OAuth `error`. */
export const AADSTS = {
  /** [documented] S3; 401 invalid_client per [C-3p] issue logs (reference §1.4 table). */
  invalidSecret: { code: 7000215, error: 'invalid_client', status: 401 },
  /** [documented] S3; `invalid_client` and 401 are [inferred] (same family as 7000215). */
  expiredSecret: { code: 7000222, error: 'invalid_client', status: 401 },
  /** [documented] S3; `invalid_client`/401 [inferred]. */
  missingCredential: { code: 7000218, error: 'invalid_client', status: 401 },
  /** [documented] S3, 400 unauthorized_client [C-3p]. */
  unknownApp: { code: 700016, error: 'unauthorized_client', status: 400 },
  /** [documented] S3; recent `invalid_tenant`, 400 [C-3p]. */
  unknownTenant: { code: 90002, error: 'invalid_tenant', status: 400 },
  /** [C-3p] reference §1.4 table: identifier neither GUID nor domain, 400; `invalid_request` [inferred]. */
  malformedTenant: { code: 900023, error: 'invalid_request', status: 400 },
  /** [documented] S1/S3: invalid scope, 400 invalid_scope. */
  invalidScope: { code: 70011, error: 'invalid_scope', status: 400 },
  /** [documented] S3: scopes of several resources, 400; `invalid_scope` [inferred]. */
  multiResourceScope: { code: 700022, error: 'invalid_scope', status: 400 },
  /** [documented] S3: `resource` parameter on v2, 400; `invalid_request` [inferred]. */
  resourceParameter: { code: 901002, error: 'invalid_request', status: 400 },
  /** [documented] S3: /common or /consumers with client credentials; `invalid_request` 400 [inferred]. */
  commonEndpoint: { code: 9001023, error: 'invalid_request', status: 400 },
  /** [inferred] AADSTS900144 "request body must contain the following parameter", 400 invalid_request. */
  missingParameter: { code: 900144, error: 'invalid_request', status: 400 },
  /** [inferred] AADSTS70003 unsupported grant type, 400 unsupported_grant_type. */
  unsupportedGrant: { code: 70003, error: 'unsupported_grant_type', status: 400 },
  /** [documented] S3 (700027 assertion signature/cert invalid); `invalid_client`/401 [inferred]. */
  assertionSignature: { code: 700027, error: 'invalid_client', status: 401 },
  /** [inferred] AADSTS700024 assertion outside its validity window; invalid_client/401. */
  assertionTime: { code: 700024, error: 'invalid_client', status: 401 },
  /** [documented] S3 (50012 assertion invalid, e.g. audience/issuer); `invalid_client`/401 [inferred]. */
  assertionClaims: { code: 50012, error: 'invalid_client', status: 401 },
  /** [documented] S3 `temporarily_unavailable` is the retryable OAuth error; code and status [inferred]. */
  unavailable: { code: 90033, error: 'temporarily_unavailable', status: 503 },
} as const;

/** One entry of {@link AADSTS}. */
export type AadstsKind = (typeof AADSTS)[keyof typeof AADSTS];

/**
 * Builds an error with the description layout Entra uses ([documented] reference §1.4):
 * `AADSTS<code>: <message>\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …`.
 */
export function aadstsError(
  kind: AadstsKind,
  message: string,
  ids: { traceId: string; correlationId: string; nowMs: number },
): AadstsError {
  // [documented] sample timestamp format "2016-01-09 02:02:12Z"; the description carries milliseconds [inferred].
  const iso = new Date(ids.nowMs).toISOString();
  const timestamp = `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
  const descriptionTimestamp = `${iso.slice(0, 10)} ${iso.slice(11, 23)}Z`;
  return {
    status: kind.status,
    body: {
      error: kind.error,
      error_description: `AADSTS${kind.code}: ${message} Trace ID: ${ids.traceId}\r\nCorrelation ID: ${ids.correlationId}\r\nTimestamp: ${descriptionTimestamp}`,
      error_codes: [kind.code],
      timestamp,
      trace_id: ids.traceId,
      correlation_id: ids.correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${kind.code}`,
    },
  };
}
