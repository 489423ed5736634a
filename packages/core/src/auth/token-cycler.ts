import { type Clock, systemClock } from '../clock/clock.js';
import { AuthError } from '../errors/http-errors.js';
import { isMlcError } from '../errors/mlc-error.js';
import { type Logger, silentLogger } from '../log/logger.js';

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
  /**
   * Start refreshing this long before expiry, in the background: callers keep the still-valid token meanwhile.
   * @default 60_000 (one minute; fits 5-minute Sage tokens and 60–90-minute Entra tokens)
   */
  refreshMarginMs?: number;
  /**
   * Within this long of expiry (or past it) callers wait for a new token instead of using the old one, which
   * could expire on its way to the server. Capped at `refreshMarginMs`.
   * @default 5_000
   */
  mustRefreshMarginMs?: number;
  /** Time source. @default systemClock */
  clock?: Clock;
  /** Where a failed background refresh is reported (at warn; the old token is still used). @default silentLogger */
  logger?: Logger;
}

/** Options for {@link TokenCycler.getToken}. */
export interface GetTokenOptions {
  /** Aborts waiting for the token (the shared refresh continues for other callers). */
  signal?: AbortSignal;
  /** Refresh even if the cached token looks valid (after a 401). */
  forceRefresh?: boolean;
}

/**
 * Caches a token and refreshes it once for any number of concurrent callers (single-flight), like the Azure SDK's
 * token cycler:
 *
 * - inside the refresh margin (`refreshMarginMs` before expiry, or the issuer's `refreshAt`) callers get the
 *   still-valid token at once while ONE refresh runs in the background;
 * - callers wait only when there is no token, when it is expired or within `mustRefreshMarginMs` of expiry, or
 *   when they force a refresh (after a 401);
 * - a background refresh that fails while the old token is still valid is not surfaced: it is logged at warn and
 *   tried again on the next call. A refresh a caller waits for surfaces its failure to every waiter, wrapped in an
 *   {@link AuthError} unless it already is an SDK error.
 */
export class TokenCycler {
  readonly #refresh: (context: TokenRefreshContext) => Promise<AccessToken>;
  readonly #clock: Clock;
  readonly #marginMs: number;
  readonly #mustMarginMs: number;
  readonly #logger: Logger;
  #current: AccessToken | undefined;
  #inflight: Promise<AccessToken> | undefined;

  constructor(
    refresh: (context: TokenRefreshContext) => Promise<AccessToken>,
    options: TokenCyclerOptions = {},
  ) {
    this.#refresh = refresh;
    this.#clock = options.clock ?? systemClock;
    this.#marginMs = options.refreshMarginMs ?? 60_000;
    this.#mustMarginMs = Math.min(options.mustRefreshMarginMs ?? 5_000, this.#marginMs);
    this.#logger = options.logger ?? silentLogger;
  }

  /** The cached token, if any (possibly stale). */
  get current(): AccessToken | undefined {
    return this.#current;
  }

  /** True when the cached token is missing or inside its refresh window (a refresh is due). */
  needsRefresh(): boolean {
    const token = this.#current;
    if (!token) return true;
    const refreshAt = Math.min(token.expiresAt - this.#marginMs, token.refreshAt ?? Number.POSITIVE_INFINITY);
    return this.#clock.now() >= refreshAt;
  }

  /** True when the cached token is missing, expired or too close to expiry to be sent: callers must wait. */
  #mustRefresh(): boolean {
    const token = this.#current;
    return !token || this.#clock.now() >= token.expiresAt - this.#mustMarginMs;
  }

  /**
   * Returns a token that is valid now: the cached one (starting a background refresh inside the refresh margin),
   * or a new one when there is none, it is (nearly) expired, or `forceRefresh` is set.
   */
  async getToken(options: GetTokenOptions = {}): Promise<AccessToken> {
    options.signal?.throwIfAborted();
    const current = this.#current;
    if (!options.forceRefresh && current && !this.#mustRefresh()) {
      if (this.needsRefresh() && !this.#inflight) this.#startRefresh(false, true);
      return current;
    }
    // A forced refresh joins one already in flight: it started after the cached token was handed out.
    const shared = this.#inflight ?? this.#startRefresh(options.forceRefresh === true, false);
    return options.signal ? raceAbort(shared, options.signal) : shared;
  }

  /** Drops the cached token so the next `getToken()` waits for a new one. */
  invalidate(): void {
    this.#current = undefined;
  }

  #startRefresh(forced: boolean, background: boolean): Promise<AccessToken> {
    const previous = this.#current;
    const run = (async () => {
      try {
        const token = await this.#refresh({ forced, ...(previous ? { previous } : {}) });
        if (!token || typeof token.token !== 'string' || !Number.isFinite(token.expiresAt)) {
          throw new AuthError({
            message: 'Token refresh returned no usable token',
            code: 'TOKEN_REFRESH_FAILED',
          });
        }
        this.#current = token;
        return token;
      } catch (error) {
        if (isMlcError(error)) throw error;
        throw new AuthError({
          message: 'Token refresh failed',
          code: 'TOKEN_REFRESH_FAILED',
          cause: error,
          retryable: false,
        });
      } finally {
        this.#inflight = undefined;
      }
    })();
    this.#inflight = run;
    run.catch((error: unknown) => {
      // Started in the background: the old token is still valid and in use, so nobody is told but the log; the
      // next call inside the margin tries again. (Also keeps an unobserved rejection from crashing the process.)
      if (background) {
        this.#logger.warn(
          { err: isMlcError(error) ? error.toJSON() : error, expiresAt: previous?.expiresAt },
          'token refresh failed; still using the current token until it nears expiry, retrying on the next call',
        );
      }
    });
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
