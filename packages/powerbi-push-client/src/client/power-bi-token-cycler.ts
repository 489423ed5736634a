import { TokenCycler, isMlcError } from '@mlc/core';
import { EntraCredential } from '../auth/entra-credential.js';
import { type TokenCredential, toAccessToken } from '../auth/token-credential.js';
import { PowerBIAuthError } from '../errors/power-bi-auth-error.js';
import type { ResolvedPowerBIClientOptions } from './power-bi-client-options.js';

/**
 * The token cache of one client: tokens for the Power BI scope from the options' credential (a built-in one bound to
 * the client's transport, clock, logger and authority host), refreshed on core's token cycler. A credential that
 * fails with something other than an `MlcError`, or returns no token, is `PBI_TOKEN_UNAVAILABLE`.
 */
export function powerBITokenCycler(resolved: ResolvedPowerBIClientOptions): TokenCycler {
  const credential = bindCredential(resolved);
  return new TokenCycler(
    async ({ signal }) => {
      let token: Awaited<ReturnType<TokenCredential['getToken']>>;
      try {
        token = await credential.getToken(resolved.scope, signal ? { abortSignal: signal } : {});
      } catch (error) {
        if (isMlcError(error)) throw error;
        throw new PowerBIAuthError({
          message: 'The credential could not provide a Power BI token',
          cause: error,
          code: 'PBI_TOKEN_UNAVAILABLE',
        });
      }
      if (!token || typeof token.token !== 'string') {
        throw new PowerBIAuthError({
          message: 'The credential returned no token',
          code: 'PBI_TOKEN_UNAVAILABLE',
        });
      }
      return toAccessToken(token);
    },
    { clock: resolved.clock, logger: resolved.logger, refreshMarginMs: resolved.tokenRefreshMarginMs },
  );
}

/** Built-in credentials inherit the client's transport, clock, logger and authority host unless they set their own. */
function bindCredential(resolved: ResolvedPowerBIClientOptions): TokenCredential {
  const { credential } = resolved;
  if (!(credential instanceof EntraCredential)) return credential;
  return credential.withDefaults({
    authorityHost: resolved.authorityHost,
    clock: resolved.clock,
    logger: resolved.logger,
    retry: resolved.retry,
    ...(resolved.fetch ? { fetch: resolved.fetch } : {}),
  });
}
