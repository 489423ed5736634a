import type { AuthProvider, Clock, HttpErrorContext, Logger, MlcError, TlsOptions } from '@mlc/core';

/** What the client hands an auth strategy when it starts it (so nothing is global). */
export interface X3AuthContext {
  /** The client's clock (token expiry, JWT `iat`). */
  clock: Clock;
  /** The client's fetch (token endpoint calls). */
  fetch?: typeof globalThis.fetch;
  /** The client's TLS options (token endpoint calls when no fetch is injected). */
  tls?: TlsOptions;
  /** The client's logger. */
  logger: Logger;
}

/** A started auth strategy: the HTTP client's auth provider plus what the error mapping needs. */
export interface X3AuthRuntime {
  /** Adds `Authorization` to each request; forced refresh after a 401 is handled by the HTTP client. */
  provider: AuthProvider;
  /** Exact secret values to redact anywhere (password, client secret, current tokens). */
  knownSecrets(): readonly string[];
  /** Maps a 401/403 answer to a clear error, or `undefined` for the default. */
  describeRejection(context: HttpErrorContext): MlcError | undefined;
}

/**
 * An authentication strategy for {@link createX3Client}: {@link basicAuth}, {@link connectedAppAuth} or
 * {@link oauth2RefreshTokenAuth}. The client starts it with its own clock, fetch and logger.
 */
export interface X3AuthStrategy {
  /** Which strategy this is (for logs). */
  readonly kind: 'basic' | 'connected-app' | 'oauth2-refresh-token' | 'custom';
  /** Starts the strategy for one client. */
  start(context: X3AuthContext): X3AuthRuntime;
}
