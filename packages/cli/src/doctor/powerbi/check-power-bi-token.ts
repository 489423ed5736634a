import { EntraCredential, type ResolvedPowerBIClientOptions } from '@mlc/powerbi-push-client';
import { type CheckLog, describeError } from '../doctor-check.js';
import { POWER_BI_SECTION } from './service-text.js';

const TITLE = 'Entra ID token for the service principal';

/**
 * Checks the Entra ID token straight from the credential (no API call), so Entra's answer is not mixed with Power
 * BI's: AADSTS codes are named in the detail with their remedy. Returns whether a token came.
 */
export async function checkPowerBIToken(
  log: CheckLog,
  resolved: ResolvedPowerBIClientOptions,
): Promise<boolean> {
  const credential =
    resolved.credential instanceof EntraCredential
      ? resolved.credential.withDefaults({
          authorityHost: resolved.authorityHost,
          retry: { maxAttempts: 2 },
          ...(resolved.fetch ? { fetch: resolved.fetch } : {}),
        })
      : resolved.credential;
  try {
    const token = await credential.getToken(resolved.scope);
    if (!token)
      throw Object.assign(new Error('the credential returned no token'), { code: 'PBI_TOKEN_UNAVAILABLE' });
    log.add({
      id: 'powerbi.token',
      section: POWER_BI_SECTION,
      title: TITLE,
      status: 'ok',
      detail: `token for ${resolved.scope}, valid until ${new Date(token.expiresOnTimestamp).toISOString()}`,
    });
    return true;
  } catch (error) {
    const e = describeError(error);
    const aadsts = (error as { aadstsCode?: number }).aadstsCode;
    log.add({
      id: 'powerbi.token',
      section: POWER_BI_SECTION,
      title: TITLE,
      status: 'fail',
      detail: `${aadsts !== undefined ? `AADSTS${aadsts}` : (e.code ?? 'error')}: ${e.message}`,
      remedy:
        e.hint ??
        'Check the tenant id, client id and the secret value or certificate of the app registration.',
      data: { code: e.code, aadsts },
    });
    return false;
  }
}
