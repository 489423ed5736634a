import { PRODUCT_TOKEN } from '../product-token.js';
import {
  type AccessToken,
  type HttpClient,
  type HttpErrorContext,
  TokenCycler,
  createHttpClient,
  isMlcError,
  redactText,
  tokenAuth,
} from '@mlc/core';
import { decodeJwt } from 'jose';
import { X3AuthError } from '../errors/x3-auth-error.js';
import { describeServerMessage } from './describe-server-message.js';
import type { StoredRefreshToken, TokenStore } from './token-store.js';
import type { X3AuthContext, X3AuthRuntime, X3AuthStrategy } from './x3-auth-strategy.js';

/** Payload of the refresh-token-expiring warning (cross-package contract 1). */
export interface RefreshTokenExpiringEvent {
  /** When the refresh token expires (epoch ms). */
  expiresAt: number;
  /** How long is left (ms). */
  remainingMs: number;
}

/** Options of {@link oauth2RefreshTokenAuth}. */
export interface OAuth2RefreshTokenAuthOptions {
  /**
   * The gateway token URL, e.g. `https://api.eu-prod-sagex3.com/v1/token` — use the regional `endpoint` returned by
   * the pairing callback when there was one ([documented] §2.3 step 4, §3 gotcha 9).
   */
  tokenUrl: string;
  /** App client id. */
  clientId: string;
  /** App client secret. Never logged. */
  clientSecret: string;
  /**
   * The refresh token from the pairing. Used only when the store is empty; once a rotated token is saved the
   * store wins.
   */
  refreshToken?: string;
  /** Persists rotated refresh tokens. Strongly recommended: without it a restart loses the rotated token. */
  tokenStore?: TokenStore;
  /** Refresh the access token this long before it expires. @default 60_000 (tokens live 5 minutes, [documented] §2.3) */
  refreshMarginMs?: number;
  /** Warn when the refresh token expires within this window. @default 7 days */
  expiryWarningWindowMs?: number;
  /** Called (once per refresh token) when it will expire within the window. */
  onRefreshTokenExpiring?: (event: RefreshTokenExpiringEvent) => void;
  /** Per-request timeout for the token endpoint. @default 30_000 */
  timeoutMs?: number;
}

const DAY_MS = 86_400_000;
/** [documented] §2.3: access 5 minutes, refresh 30 days. Used only when the response gives no expiry at all. */
const DEFAULT_ACCESS_MS = 5 * 60_000;
const DEFAULT_REFRESH_MS = 30 * DAY_MS;

interface TokenResponse {
  accessToken: string;
  refreshToken?: string;
  accessExpiresAt: number;
  refreshExpiresAt?: number;
}

function str(body: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) if (typeof body[key] === 'string' && body[key] !== '') return body[key] as string;
  return undefined;
}

function num(body: Record<string, unknown>, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const v = body[key];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  }
  return undefined;
}

/** `exp` of a JWT in ms, when the token is a JWT (the gateway's tokens are, [documented] §2.3). */
function jwtExpiry(token: string): number | undefined {
  try {
    const exp = decodeJwt(token).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a token response. Field names are [inferred]: the reference documents the grants and the token lifetimes
 * but not the response body, so the OAuth2-standard snake_case names are read, with camelCase as a fallback; when
 * no `expires_in` is given, the JWT `exp` claim ([documented] access/refresh tokens are JWTs with `exp`) is used.
 */
function parseTokenResponse(body: unknown, now: number): TokenResponse | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const accessToken = str(b, 'access_token', 'accessToken');
  if (!accessToken) return undefined;
  const refreshToken = str(b, 'refresh_token', 'refreshToken');
  const expiresIn = num(b, 'expires_in', 'expiresIn');
  const refreshIn = num(b, 'refresh_token_expires_in', 'refreshTokenExpiresIn', 'refresh_expires_in');
  const accessExpiresAt =
    expiresIn !== undefined ? now + expiresIn * 1000 : (jwtExpiry(accessToken) ?? now + DEFAULT_ACCESS_MS);
  const refreshExpiresAt = refreshToken
    ? refreshIn !== undefined
      ? now + refreshIn * 1000
      : (jwtExpiry(refreshToken) ?? now + DEFAULT_REFRESH_MS)
    : undefined;
  return {
    accessToken,
    ...(refreshToken ? { refreshToken } : {}),
    accessExpiresAt,
    ...(refreshExpiresAt !== undefined ? { refreshExpiresAt } : {}),
  };
}

/**
 * Maps a token-endpoint failure. A 400/403 for a refresh grant means the refresh token is dead (used after
 * rotation, revoked/deleted, or expired — the pairing must be redone, [documented] §2.3) unless the body names a
 * request problem ("Missing required request parameters", "Invalid grant type", [documented] error table) or the
 * app itself; 401 means the client credentials were refused; 404 means unknown client or customer.
 */
function tokenEndpointError(context: HttpErrorContext, secrets: readonly string[]): X3AuthError | undefined {
  const serverMessage = describeServerMessage(context.text);
  const safe = serverMessage ? redactText(serverMessage, secrets) : undefined;
  const base = { status: context.status, ...(safe ? { serverMessage: safe } : {}) };
  const said = safe ? `: ${safe}` : '';
  if (context.status >= 500 || context.status === 429) return undefined; // core classifies and retries these
  if (context.status === 404) {
    return new X3AuthError({
      message: `Sage token endpoint answered 404${said} — unknown client_id, customer or token URL; check tokenUrl and clientId`,
      code: 'X3_TOKEN_ENDPOINT_ERROR',
      ...base,
    });
  }
  // [inferred] 401 from the token endpoint: the client credentials (not the refresh token) were refused.
  if (context.status === 401) {
    return new X3AuthError({
      message: `Sage token endpoint refused the client credentials (HTTP 401)${said}: check clientId and clientSecret`,
      code: 'X3_TOKEN_ENDPOINT_ERROR',
      ...base,
    });
  }
  if (safe && /missing required|invalid grant type|app(lication)? (is )?disabled|client/i.test(safe)) {
    return new X3AuthError({
      message: `Sage token endpoint refused the request (HTTP ${context.status})${said}`,
      code: 'X3_TOKEN_ENDPOINT_ERROR',
      ...base,
    });
  }
  return new X3AuthError({
    message: `The Sage X3 refresh token was rejected (HTTP ${context.status})${said}. It was already used (tokens rotate on every refresh), revoked, or expired: redo the authorization-code pairing to get a new one`,
    code: 'X3_REFRESH_TOKEN_INVALID',
    ...base,
  });
}

/**
 * OAuth2 for the Sage X3 cloud gateway ([documented] reference §2.3): 5-minute access tokens renewed with the
 * `refresh_token` grant, 30-day refresh tokens that rotate. Behaviour:
 * - refreshes `refreshMarginMs` before expiry and once after a 401 (core token cycler + HTTP client);
 * - every rotated refresh token is saved through `tokenStore.save()` **before** the new access token is used;
 * - `onRefreshTokenExpiring` fires (and a warning is logged) once per refresh token that expires within
 *   `expiryWarningWindowMs`;
 * - a dead refresh token gives an `X3AuthError` with code `X3_REFRESH_TOKEN_INVALID`.
 */
export function oauth2RefreshTokenAuth(options: OAuth2RefreshTokenAuthOptions): X3AuthStrategy {
  checkOptions(options);
  const tokenUrl = new URL(options.tokenUrl);
  return {
    kind: 'oauth2-refresh-token',
    start: (context: X3AuthContext) => new RefreshTokenSession(options, tokenUrl, context).runtime(),
  };
}

function checkOptions(options: OAuth2RefreshTokenAuthOptions): void {
  for (const key of ['tokenUrl', 'clientId', 'clientSecret'] as const) {
    if (!options[key]) throw new TypeError(`oauth2RefreshTokenAuth: ${key} is required`);
  }
  if (!options.refreshToken && !options.tokenStore) {
    throw new TypeError('oauth2RefreshTokenAuth: give a refreshToken, a tokenStore, or both');
  }
}

/**
 * One started strategy: the refresh token in use (loaded once from the store), the token endpoint's HTTP client,
 * and the cycler that renews the access token. A refresh reads the refresh token, exchanges it, keeps a rotated one
 * (saved before the new access token is used) and warns when the refresh token nears its expiry.
 */
class RefreshTokenSession {
  readonly #options: OAuth2RefreshTokenAuthOptions;
  readonly #tokenUrl: URL;
  readonly #context: X3AuthContext;
  readonly #windowMs: number;
  readonly #http: HttpClient;
  readonly #cycler: TokenCycler;
  #current: StoredRefreshToken | undefined;
  /** The refresh token the store held when last read or written by this session (`undefined`: none yet). */
  #inStore: string | undefined;
  #loaded = false;
  #warnedFor: string | undefined;

  constructor(options: OAuth2RefreshTokenAuthOptions, tokenUrl: URL, context: X3AuthContext) {
    const { clock, logger } = context;
    this.#options = options;
    this.#tokenUrl = tokenUrl;
    this.#context = context;
    this.#windowMs = options.expiryWarningWindowMs ?? 7 * DAY_MS;
    this.#http = createHttpClient({
      baseUrl: tokenUrl.origin,
      clock,
      logger,
      ...(context.fetch ? { fetch: context.fetch } : context.tls ? { tls: context.tls } : {}),
      timeoutMs: options.timeoutMs ?? 30_000,
      userAgent: PRODUCT_TOKEN,
      knownSecrets: [options.clientSecret, ...(options.refreshToken ? [options.refreshToken] : [])],
      errorFactory: (ctx) => tokenEndpointError(ctx, this.#secrets()),
    });
    this.#cycler = new TokenCycler((ctx) => this.#refresh(ctx.signal), {
      clock,
      logger,
      refreshMarginMs: options.refreshMarginMs ?? 60_000,
    });
  }

  /** What the X3 client uses: the bearer provider, the secrets to redact, the final 401's error. */
  runtime(): X3AuthRuntime {
    return {
      provider: tokenAuth(this.#cycler),
      knownSecrets: () => this.#secrets(),
      describeRejection: (ctx) => this.#rejection(ctx),
    };
  }

  #secrets(): string[] {
    const options = this.#options;
    return [
      options.clientSecret,
      ...(options.refreshToken ? [options.refreshToken] : []),
      ...(this.#current ? [this.#current.refreshToken] : []),
      ...(this.#cycler?.current ? [this.#cycler.current.token] : []),
    ];
  }

  /** One refresh: the refresh token in use, exchanged for an access token (and maybe a rotated refresh token). */
  async #refresh(signal: AbortSignal | undefined): Promise<AccessToken> {
    const used = await this.#loadCurrent();
    if (used.expiresAt <= this.#context.clock.now()) {
      throw new X3AuthError({
        message: `The Sage X3 refresh token expired at ${new Date(used.expiresAt).toISOString()}: redo the authorization-code pairing`,
        code: 'X3_REFRESH_TOKEN_INVALID',
      });
    }
    const { parsed, now } = await this.#exchange(used, signal);
    if (parsed.refreshToken && parsed.refreshToken !== used.refreshToken) {
      await this.#keepRotated({
        refreshToken: parsed.refreshToken,
        expiresAt: parsed.refreshExpiresAt ?? now + DEFAULT_REFRESH_MS,
      });
    }
    this.#warnIfExpiring(this.#current as StoredRefreshToken);
    return { token: parsed.accessToken, expiresAt: parsed.accessExpiresAt };
  }

  /**
   * The refresh token to use: the store's, else the one given in the options. The store is read before every refresh,
   * not once: another process sharing it (a second worker, a standby replica, `mlc run` beside the service) may have
   * rotated the token since, and the one this session holds is then dead [inferred: rotation, see the simulator].
   * A stored token this session has already seen (read or written) is not taken back over the one in memory: a save
   * that failed leaves the store one token behind, and the newer one is the live one.
   */
  async #loadCurrent(): Promise<StoredRefreshToken> {
    const options = this.#options;
    const stored = await this.#readStore();
    if (stored && stored.refreshToken !== this.#inStore) {
      this.#inStore = stored.refreshToken;
      this.#current = stored;
      this.#loaded = true;
    }
    if (!this.#loaded) {
      if (options.refreshToken) {
        this.#current = {
          refreshToken: options.refreshToken,
          expiresAt: jwtExpiry(options.refreshToken) ?? Number.POSITIVE_INFINITY,
        };
      }
      this.#loaded = true;
    }
    if (!this.#current) {
      throw new X3AuthError({
        message: 'No Sage X3 refresh token: the token store is empty and no refreshToken was given',
        code: 'X3_REFRESH_TOKEN_MISSING',
      });
    }
    return this.#current;
  }

  /**
   * The store's token. A store that cannot be read fails the first refresh (there is nothing else to go on); later, a
   * warning and the token in memory, as before the store was read on every refresh.
   */
  async #readStore(): Promise<StoredRefreshToken | undefined> {
    const store = this.#options.tokenStore;
    if (!store) return undefined;
    try {
      return await store.load();
    } catch (error) {
      if (!this.#loaded) throw error;
      const reason = redactText(error instanceof Error ? error.message : String(error), this.#secrets());
      this.#context.logger.warn(
        { reason },
        'Reading the Sage X3 token store failed; refreshing with the refresh token this process holds',
      );
      return undefined;
    }
  }

  /** Posts the refresh grant and reads the answer's tokens. */
  async #exchange(
    used: StoredRefreshToken,
    signal: AbortSignal | undefined,
  ): Promise<{ parsed: TokenResponse; now: number }> {
    // [documented] §2.3 step 5 posts JSON to the token URL; the refresh grant reuses that shape ([inferred]).
    // A retry after a lost response is safe: if the first attempt rotated the token, the retry fails with a
    // clear X3_REFRESH_TOKEN_INVALID instead of doing anything twice.
    const response = await this.#http.request({
      method: 'POST',
      path: this.#tokenUrl.href,
      json: {
        grant_type: 'refresh_token',
        refresh_token: used.refreshToken,
        client_id: this.#options.clientId,
        client_secret: this.#options.clientSecret,
      },
      idempotent: true,
      authenticate: false,
      ...(signal ? { signal } : {}),
    });
    let body: unknown;
    try {
      body = response.json();
    } catch (error) {
      throw new X3AuthError({
        message: 'Sage token endpoint returned a body that is not JSON',
        code: 'X3_TOKEN_ENDPOINT_ERROR',
        status: response.status,
        cause: error,
      });
    }
    const now = this.#context.clock.now();
    const parsed = parseTokenResponse(body, now);
    if (!parsed) {
      throw new X3AuthError({
        message: 'Sage token endpoint returned no access token',
        code: 'X3_TOKEN_ENDPOINT_ERROR',
        status: response.status,
      });
    }
    return { parsed, now };
  }

  /**
   * The old refresh token is dead from now on: the rotated one is kept in memory first, so that even a failed save
   * does not leave us holding a dead token, then saved; a failed save fails the refresh (the access token unused).
   */
  async #keepRotated(rotated: StoredRefreshToken): Promise<void> {
    this.#current = rotated;
    const store = this.#options.tokenStore;
    if (!store) return;
    try {
      await store.save({ ...rotated });
      this.#inStore = rotated.refreshToken;
    } catch (error) {
      throw new X3AuthError({
        message:
          'Saving the rotated Sage X3 refresh token failed; the new access token was not used. Fix the token store: the rotated token is only in memory now',
        code: 'X3_TOKEN_STORE_FAILED',
        // The store's own message could quote the token: keep only a redacted copy.
        cause: isMlcError(error)
          ? error
          : new Error(redactText(error instanceof Error ? error.message : String(error), this.#secrets())),
      });
    }
  }

  /** Warns (log and `onRefreshTokenExpiring`) once per refresh token that expires within the window. */
  #warnIfExpiring(token: StoredRefreshToken): void {
    if (!Number.isFinite(token.expiresAt)) return;
    const remainingMs = token.expiresAt - this.#context.clock.now();
    if (remainingMs > this.#windowMs || this.#warnedFor === token.refreshToken) return;
    this.#warnedFor = token.refreshToken;
    this.#context.logger.warn(
      { expiresAt: new Date(token.expiresAt).toISOString(), remainingMs },
      'Sage X3 refresh token expires soon: redo the pairing before it does',
    );
    this.#options.onRefreshTokenExpiring?.({ expiresAt: token.expiresAt, remainingMs });
  }

  /** The error of a 401 that a refreshed access token did not cure. */
  #rejection(ctx: HttpErrorContext): X3AuthError {
    const serverMessage = describeServerMessage(ctx.text);
    return new X3AuthError({
      message: `Sage X3 refused the OAuth2 access token (HTTP ${ctx.status}) even after a refresh: check the app's scopes (api.graphQL) and the pairing`,
      code: 'X3_AUTH_REJECTED',
      status: ctx.status,
      ...(serverMessage ? { serverMessage: redactText(serverMessage, this.#secrets()) } : {}),
    });
  }
}
