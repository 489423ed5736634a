import type { AccessToken } from '@mlc/core';

/**
 * Options a {@link TokenCredential} receives (a subset of `@azure/core-auth`'s `GetTokenOptions`). The name
 * `abortSignal` is Azure's: `@azure/identity` credentials read it. Everywhere else the SDK says `signal`.
 */
export interface TokenCredentialGetTokenOptions {
  /** Aborts the token request. */
  abortSignal?: AbortSignal;
}

/**
 * A token as `@azure/core-auth` returns it: the foreign shape, met only at the {@link TokenCredential} boundary.
 * The SDK's own token shape is core's `AccessToken` (see {@link toAccessToken}).
 */
export interface TokenCredentialAccessToken {
  /** The bearer token. */
  token: string;
  /** Expiry, epoch ms. */
  expiresOnTimestamp: number;
  /** When the issuer suggests refreshing (epoch ms), if it said. */
  refreshAfterTimestamp?: number;
}

/**
 * The `@azure/identity` `TokenCredential` shape: any object with `getToken(scopes) → { token, expiresOnTimestamp }`.
 * `DefaultAzureCredential`, `ManagedIdentityCredential`, `WorkloadIdentityCredential` and the built-in
 * {@link clientSecretCredential} / {@link clientCertificateCredential} all fit, so managed and workload identities
 * work with no stored password. This package does not depend on `@azure/identity`.
 */
export interface TokenCredential {
  /** Returns a token for `scopes` (the client passes the Power BI `.default` scope), or `null` when none is available. */
  getToken(
    scopes: string | string[],
    options?: TokenCredentialGetTokenOptions,
  ): Promise<TokenCredentialAccessToken | null>;
}

/** Reads an `@azure/core-auth` token as the SDK's one token shape, core's `AccessToken`. */
export function toAccessToken(token: TokenCredentialAccessToken): AccessToken {
  return {
    token: token.token,
    expiresAt: token.expiresOnTimestamp,
    ...(token.refreshAfterTimestamp !== undefined ? { refreshAt: token.refreshAfterTimestamp } : {}),
  };
}
