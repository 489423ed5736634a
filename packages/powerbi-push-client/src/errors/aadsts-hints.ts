/**
 * Remedy hints for the Entra ID (AADSTS) error codes a service principal meets when it asks for a Power BI token.
 * Meanings are [documented] in the reference §1.4 (Microsoft's error-code list, S3); the remedies are [inferred]
 * from the reference's "problems people report" (§5.8) and service-principal prerequisites (§1.5).
 */
export const AADSTS_HINTS: Readonly<Record<number, string>> = Object.freeze({
  7000215:
    'Invalid client secret. Use the secret VALUE (shown once when it was created), not the secret ID; check it has not expired or been deleted.',
  7000222:
    'The client secret has expired. Create a new secret in the app registration (Certificates & secrets).',
  7000218: 'The token request carried neither a client secret nor a client assertion. Configure one of them.',
  700016:
    'Application not found in the tenant. Check the client (application) ID and the tenant ID (they are often swapped), and that the app exists in that tenant.',
  90002: 'Tenant not found. Check the tenant ID or domain, and that the authority host matches your cloud.',
  900023: 'The tenant identifier is neither a GUID nor a valid domain name.',
  70011:
    'Invalid scope. The Power BI scope must end with "/.default" (https://analysis.windows.net/powerbi/api/.default).',
  700022: 'The requested scopes belong to several resources; request only the Power BI ".default" scope.',
  700023: 'The scope names no resource; use the Power BI ".default" scope.',
  700027:
    'The client assertion signature could not be verified: the certificate registered on the app does not match the private key used.',
  700030:
    'The client assertion is invalid (bad claims or certificate). Check iss/sub = client ID and the aud URL.',
  50012:
    'The client assertion failed validation (expired, wrong audience, or unknown certificate thumbprint).',
  500011:
    'The Power BI resource is not present in this tenant. Check the cloud (authority host and scope) and tenant.',
  50196:
    'Loop detected: the same token request was repeated too fast. Tokens must be cached (the client does this).',
  90055: 'Entra ID is throttling this tenant. Retry later.',
  901002: 'The v1 "resource" parameter is not supported on the v2 endpoint; use the ".default" scope.',
  9001023: 'Client credentials need a tenant-specific authority; "/common" or "/consumers" cannot be used.',
  90124: 'Client credentials need a tenant-specific authority; "/common" or "/consumers" cannot be used.',
  90130: 'Client credentials need a tenant-specific authority; "/common" or "/consumers" cannot be used.',
});

/** Hints by OAuth `error` string, used when no AADSTS code is known. [inferred] from RFC 6749 §5.2 meanings. */
export const OAUTH_ERROR_HINTS: Readonly<Record<string, string>> = Object.freeze({
  invalid_client: 'Client authentication failed: check the client ID, the secret value or the certificate.',
  unauthorized_client: 'The client is not known to this tenant or may not use this grant.',
  invalid_scope: 'The scope is invalid; use https://analysis.windows.net/powerbi/api/.default for Power BI.',
  invalid_tenant: 'The tenant was not found.',
  temporarily_unavailable: 'Entra ID is temporarily unavailable; the request can be retried.',
});

/** The hint for an AADSTS code or OAuth error, if one is known. */
export function authRemedyHint(
  aadstsCode: number | undefined,
  oauthError: string | undefined,
): string | undefined {
  if (aadstsCode !== undefined && AADSTS_HINTS[aadstsCode]) return AADSTS_HINTS[aadstsCode];
  if (oauthError !== undefined) return OAUTH_ERROR_HINTS[oauthError];
  return undefined;
}
