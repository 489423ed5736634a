import { compactVerify, decodeJwt, decodeProtectedHeader } from 'jose';
import type { SageX3SimConnectedApp } from '../options.js';

/** The outcome of checking a connected-application JWT. */
export type JwtCheck =
  | { ok: true; user: string; clientId: string }
  | { ok: false; code: number; reason: string };

/**
 * Validates a self-signed connected-application JWT the way Syracuse does ([documented] reference §2.2):
 * HS256 with the app secret, `iss` = client id, `sub` = the allowed user, `aud` = the registered URL compared
 * exactly, `exp` in the future, and an `iat` in the future beyond the skew refused with error 21 ([documented]
 * in Sage's sample). The other numbers (41 bad `iss`, 42 bad `sub`, 45 bad `aud`, 50 bad signature/expired) come
 * from a third-party document ([documented as observed]).
 */
export async function checkConnectedAppJwt(
  token: string,
  apps: readonly (SageX3SimConnectedApp & { audience: string })[],
  nowSec: number,
  skewSec: number,
): Promise<JwtCheck> {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    if (decodeProtectedHeader(token).alg !== 'HS256')
      return { ok: false, code: 50, reason: 'algorithm is not HS256' };
    claims = decodeJwt(token);
  } catch {
    return { ok: false, code: 50, reason: 'malformed token' };
  }
  const app = apps.find((a) => a.clientId === claims.iss);
  if (!app) return { ok: false, code: 41, reason: 'unknown issuer' };
  try {
    await compactVerify(token, new TextEncoder().encode(app.secret));
  } catch {
    return { ok: false, code: 50, reason: 'bad signature' };
  }
  if (claims.sub !== app.user) return { ok: false, code: 42, reason: 'subject is not the allowed user' };
  const aud = claims.aud;
  const audOk = Array.isArray(aud) ? aud.includes(app.audience) : aud === app.audience;
  if (!audOk) return { ok: false, code: 45, reason: 'audience does not match the registered URL' };
  if (typeof claims.iat === 'number' && claims.iat > nowSec + skewSec) {
    return { ok: false, code: 21, reason: 'token issued in the future' };
  }
  if (typeof claims.exp !== 'number' || claims.exp <= nowSec)
    return { ok: false, code: 50, reason: 'token expired' };
  return { ok: true, user: app.user, clientId: app.clientId };
}
