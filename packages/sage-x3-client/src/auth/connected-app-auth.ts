import { type AccessToken, type Clock, TokenCycler, redactText, tokenAuth } from '@mlc/core';
import { SignJWT } from 'jose';
import { X3AuthError } from '../errors/x3-auth-error.js';
import { describeServerMessage } from './describe-server-message.js';
import type { X3AuthStrategy } from './x3-auth-strategy.js';

/** Options of {@link connectedAppAuth}. */
export interface ConnectedAppAuthOptions {
  /** Client ID of the connected application (becomes `iss`). */
  clientId: string;
  /** Its secret (HS256 key). Never logged. */
  secret: string;
  /** The "Allowed user" login (becomes `sub`). */
  user: string;
  /**
   * The URL registered on the connected application, e.g. `https://x3.example.com:8124/xtrem/api` (becomes `aud`).
   * Sent exactly as given: X3 compares it literally, scheme, host and trailing slash included ([observed] §3
   * gotcha 7).
   */
  audience: string;
  /**
   * Token lifetime in seconds, counted from the back-dated `iat`. Keep it ≤ the app's "Tokens validity".
   * @default 300 (as in Sage's TypeScript tutorial, [documented] §2.2)
   */
  lifetimeSeconds?: number;
  /**
   * How far `iat` is set in the past, so a server clock slightly behind ours does not reject the token as "issued
   * in the future" (error 21, [documented] §2.2 / §3 gotcha 6). @default 30
   */
  iatBackdateSeconds?: number;
  /** Mint a new token this long before the current one expires. @default 60_000 */
  refreshMarginMs?: number;
}

/**
 * The meaning of `Error NN: Invalid token` numbers. 21 is [documented] in Sage's sample comments; the others come
 * from one third-party document ([observed] reference §2.2).
 */
const JWT_ERROR_HINTS: Record<number, string> = {
  21: 'the token is issued in the future: the X3 server clock is behind this machine; raise iatBackdateSeconds or fix the clock',
  41: "the issuer (iss) is wrong: check clientId against the connected application's client ID",
  42: 'the subject (sub) is wrong: check user against the connected application\'s "Allowed user"',
  45: "the audience (aud) is wrong: it must equal the connected application's URL exactly (scheme, host, port, path, trailing slash)",
  50: 'the signature is wrong or the token expired: check the secret, lifetimeSeconds (≤ "Tokens validity") and the clocks',
};

/** Signs one connected-application JWT ([documented] reference §2.2: HS256, iss/sub/aud/iat/exp). */
export async function signConnectedAppJwt(
  options: ConnectedAppAuthOptions,
  clock: Clock,
): Promise<AccessToken> {
  const lifetime = options.lifetimeSeconds ?? 300;
  const backdate = options.iatBackdateSeconds ?? 30;
  const iat = Math.floor(clock.now() / 1000) - backdate;
  const exp = iat + lifetime;
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(options.clientId)
    .setSubject(options.user)
    .setAudience(options.audience)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(options.secret));
  return { token, expiresAt: exp * 1000 };
}

/**
 * Connected-application authentication for GraphQL on-premise / hosted ([documented] reference §2.2): there is no
 * token endpoint; the client signs its own short-lived HS256 JWT with the app secret and sends it as a bearer
 * token. Tokens are cached until `refreshMarginMs` before expiry; a 401 mints a new one once.
 */
export function connectedAppAuth(options: ConnectedAppAuthOptions): X3AuthStrategy {
  for (const key of ['clientId', 'secret', 'user', 'audience'] as const) {
    if (!options[key]) throw new TypeError(`connectedAppAuth: ${key} is required`);
  }
  const lifetime = options.lifetimeSeconds ?? 300;
  const backdate = options.iatBackdateSeconds ?? 30;
  if (!(lifetime > backdate))
    throw new TypeError('connectedAppAuth: lifetimeSeconds must exceed iatBackdateSeconds');
  return {
    kind: 'connected-app',
    start({ clock, logger }) {
      const cycler = new TokenCycler(() => signConnectedAppJwt(options, clock), {
        clock,
        logger,
        refreshMarginMs: Math.min(options.refreshMarginMs ?? 60_000, ((lifetime - backdate) * 1000) / 2),
      });
      return {
        provider: tokenAuth(cycler),
        knownSecrets: () => [options.secret, ...(cycler.current ? [cycler.current.token] : [])],
        describeRejection(context) {
          const serverMessage = describeServerMessage(context.text);
          const m = serverMessage ? /error\s*(\d+)/i.exec(serverMessage) : null;
          const number = m ? Number(m[1]) : undefined;
          const hint = number !== undefined ? JWT_ERROR_HINTS[number] : undefined;
          return new X3AuthError({
            message: `X3 rejected the connected-application token${number !== undefined ? ` (error ${number})` : ''} (HTTP ${context.status}): ${
              hint ?? 'check clientId, secret, user and audience against the connected application'
            }`,
            code: 'X3_JWT_REJECTED',
            status: context.status,
            ...(number !== undefined ? { x3ErrorNumber: number } : {}),
            ...(serverMessage ? { serverMessage: redactText(serverMessage, [options.secret]) } : {}),
          });
        },
      };
    },
  };
}
