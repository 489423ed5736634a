import { type Clock, systemClock } from '../clock/clock.js';
import { AuthError } from '../errors/http-errors.js';
import { isMlcError } from '../errors/mlc-error.js';

/** A credential with its expiry: every token source in the SDK returns this. */
export interface AccessToken {
  /** The opaque token. */
  token: string;
  /** When it stops working (epoch ms). */
  expiresAt: number;
  /**
   * When the issuer suggests refreshing (epoch ms), e.g. Entra's `refresh_in`. Refresh happens at the earlier of this
   * and `expiresAt - refreshMarginMs`.
   */
  refreshAt?: number;
}

/** What a refresh function receives. */
export interface TokenRefreshContext {
  /** Aborts the refresh. */
  signal?: AbortSignal;
  /** True when forced (after a 401) rather than due to expiry. */
  forced: boolean;
  /** The token being replaced, if any. */
  previous?: AccessToken;
}

/** Options for {@link TokenCycler}. */
export interface TokenCyclerOptions {
  /** Refresh this long before expiry. @default 60_000 (one minute; fits 5-minute Sage tokens and 60–90-minute Entra tokens) */
  refreshMarginMs?: number;
  /** Time source. @default systemClock */
  clock?: Clock;
}

/** Options for {@link TokenCycler.getToken}. */
export interface GetTokenOptions {
  /** Aborts waiting for the token (the shared refresh continues for other callers). */
  signal?: AbortSignal;
  /** Refresh even if the cached token looks valid (after a 401). */
  forceRefresh?: boolean;
}

/**
 * Caches a token until a margin before its expiry and refreshes it once for any number of concurrent callers
 * (single-flight), like Azure core's token cycler. Refresh failures surface to every waiting caller with their
 * cause, wrapped in an {@link AuthError} unless they already are SDK errors.
 */
export class TokenCycler {
  readonly #refresh: (context: TokenRefreshContext) => Promise<AccessToken>;
  readonly #clock: Clock;
  readonly #marginMs: number;
  #current: AccessToken | undefined;
  #inflight: Promise<AccessToken> | undefined;

  constructor(
    refresh: (context: TokenRefreshContext) => Promise<AccessToken>,
    options: TokenCyclerOptions = {},
  ) {
    this.#refresh = refresh;
    this.#clock = options.clock ?? systemClock;
    this.#marginMs = options.refreshMarginMs ?? 60_000;
  }

  /** The cached token, if any (possibly stale). */
  get current(): AccessToken | undefined {
    return this.#current;
  }

  /** True when the cached token is missing or inside its refresh window. */
  needsRefresh(): boolean {
    const token = this.#current;
    if (!token) return true;
    const now = this.#clock.now();
    const refreshAt = Math.min(token.expiresAt - this.#marginMs, token.refreshAt ?? Number.POSITIVE_INFINITY);
    return now >= refreshAt;
  }

  /** Returns a valid token, refreshing (once, shared) when it is due or when `forceRefresh` is set. */
  async getToken(options: GetTokenOptions = {}): Promise<AccessToken> {
    options.signal?.throwIfAborted();
    if (!options.forceRefresh && !this.needsRefresh() && this.#current) return this.#current;
    // A forced refresh joins one already in flight: that one was started after the token the caller saw failed.
    const shared = this.#inflight ?? this.#startRefresh(options.forceRefresh === true);
    return options.signal ? raceAbort(shared, options.signal) : shared;
  }

  /** Drops the cached token so the next `getToken()` refreshes. */
  invalidate(): void {
    this.#current = undefined;
  }

  #startRefresh(forced: boolean): Promise<AccessToken> {
    const previous = this.#current;
    const run = (async () => {
      try {
        const token = await this.#refresh({ forced, ...(previous ? { previous } : {}) });
        if (!token || typeof token.token !== 'string' || !Number.isFinite(token.expiresAt)) {
          throw new AuthError('Token refresh returned no usable token', { code: 'TOKEN_REFRESH_FAILED' });
        }
        this.#current = token;
        return token;
      } catch (error) {
        if (isMlcError(error)) throw error;
        throw new AuthError('Token refresh failed', {
          code: 'TOKEN_REFRESH_FAILED',
          cause: error,
          retryable: false,
        });
      } finally {
        this.#inflight = undefined;
      }
    })();
    this.#inflight = run;
    // Avoid an unhandled rejection when every caller aborted before it settled.
    run.catch(() => {});
    return run;
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(signal.reason ?? new DOMException('This operation was aborted', 'AbortError'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
