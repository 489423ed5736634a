import { PRODUCT_TOKEN } from '../product-token.js';
import {
  type Clock,
  type HttpClient,
  type HttpErrorContext,
  type Logger,
  type RetryPolicyOptions,
  createHttpClient,
  silentLogger,
  systemClock,
} from '@mlc/core';
import { PowerBIAuthError } from '../errors/power-bi-auth-error.js';
import { PowerBIValidationError } from '../errors/power-bi-validation-error.js';
import type {
  TokenCredential,
  TokenCredentialAccessToken,
  TokenCredentialGetTokenOptions,
} from './token-credential.js';

/** The public Azure cloud's Entra ID host ([documented] reference §1.1). */
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

/** Options shared by the built-in Entra ID credentials. */
export interface EntraCredentialOptions {
  /** Directory (tenant) id or verified domain. Not `common`/`consumers` ([documented] §1.1). */
  tenantId: string;
  /** Application (client) id. */
  clientId: string;
  /**
   * Entra ID host; sovereign clouds use another (e.g. `https://login.microsoftonline.us`,
   * `https://login.partner.microsoftonline.cn`, reference §1.6). When the credential is passed to
   * `createPowerBIClient`, the client's `authorityHost` is used if this is not set.
   * @default 'https://login.microsoftonline.com'
   */
  authorityHost?: string;
  /** Transport. @default the client's fetch, else globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Time source. @default the client's clock, else systemClock */
  clock?: Clock;
  /** Logger. @default the client's logger, else silentLogger */
  logger?: Logger;
  /** Retry policy of token requests (5xx, network errors, `temporarily_unavailable`). @default core's default policy */
  retry?: RetryPolicyOptions | false;
}

/** Defaults a client hands to a built-in credential. */
export interface CredentialDefaults {
  authorityHost?: string;
  fetch?: typeof globalThis.fetch;
  clock?: Clock;
  logger?: Logger;
  retry?: RetryPolicyOptions | false;
}

/** The wire shape of a token response ([documented] reference §1.3; `refresh_in` [documented-3p]). */
interface TokenResponseBody {
  access_token?: unknown;
  token_type?: unknown;
  expires_in?: unknown;
  refresh_in?: unknown;
}

/** The wire shape of an Entra ID error ([documented] reference §1.4). */
interface EntraErrorBody {
  error?: unknown;
  error_description?: unknown;
  error_codes?: unknown;
  trace_id?: unknown;
  correlation_id?: unknown;
}

/**
 * Base of the built-in client-credentials flows: posts the form to `{authorityHost}/{tenant}/oauth2/v2.0/token`
 * through core's HTTP client (retries, redaction) and maps Entra errors to {@link PowerBIAuthError} with the
 * AADSTS code, trace and correlation ids and a remedy hint. Tokens are not cached here: the Power BI client caches
 * them on core's `TokenCycler`.
 */
export abstract class EntraCredential implements TokenCredential {
  /** The resolved options. */
  protected readonly options: EntraCredentialOptions;
  #http: HttpClient | undefined;

  protected constructor(options: EntraCredentialOptions) {
    for (const key of ['tenantId', 'clientId'] as const) {
      if (typeof options[key] !== 'string' || options[key].trim() === '') {
        throw new PowerBIValidationError({
          code: 'PBI_OPTIONS_INVALID',
          reason: `credential: ${key} must be a non-empty string`,
        });
      }
    }
    // Only non-secret fields are kept here; subclasses hold secrets in private fields, which util.inspect and
    // JSON.stringify never show.
    this.options = {
      tenantId: options.tenantId,
      clientId: options.clientId,
      ...(options.authorityHost !== undefined ? { authorityHost: options.authorityHost } : {}),
      ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      ...(options.retry !== undefined ? { retry: options.retry } : {}),
    };
  }

  /** A safe description for logs: ids only. */
  toJSON(): Record<string, unknown> {
    return { type: this.constructor.name, tenantId: this.options.tenantId, clientId: this.options.clientId };
  }

  /** A copy whose unset transport/clock/host/logger options take `defaults` (used by `createPowerBIClient`). */
  abstract withDefaults(defaults: CredentialDefaults): EntraCredential;

  /** Form fields that authenticate the client (secret or assertion). */
  protected abstract clientAuthentication(
    audience: string,
    signal?: AbortSignal,
  ): Promise<Record<string, string>>;

  /** Exact secret values to redact from anything logged or thrown. */
  protected abstract knownSecrets(): string[];

  /** Extra headers of the token request (HTTP Basic client authentication). */
  protected extraHeaders(): Record<string, string> {
    return {};
  }

  /** The token endpoint URL, also the `aud` of client assertions. */
  get tokenEndpoint(): string {
    const host = (this.options.authorityHost ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, '');
    return `${host}/${encodeURIComponent(this.options.tenantId)}/oauth2/v2.0/token`;
  }

  /** {@inheritDoc TokenCredential.getToken} */
  async getToken(
    scopes: string | string[],
    options: TokenCredentialGetTokenOptions = {},
  ): Promise<TokenCredentialAccessToken> {
    const clock = this.options.clock ?? systemClock;
    const audience = this.tokenEndpoint;
    const form = new URLSearchParams({
      client_id: this.options.clientId,
      scope: (Array.isArray(scopes) ? scopes : [scopes]).join(' '),
      grant_type: 'client_credentials',
      ...(await this.clientAuthentication(audience, options.abortSignal)),
    });
    const requestedAt = clock.now();
    const response = await this.#client().request({
      method: 'POST',
      path: new URL(audience).pathname,
      body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.extraHeaders() },
      authenticate: false,
      // Asking for a token twice is harmless.
      idempotent: true,
      ...(options.abortSignal ? { signal: options.abortSignal } : {}),
    });
    const body = response.json<TokenResponseBody>();
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new PowerBIAuthError({
        message: 'Entra ID answered without an access_token',
        status: response.status,
      });
    }
    // [documented-3p] §1.3: numbers may arrive as numeric strings.
    const expiresIn = Number(body.expires_in);
    if (!Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw new PowerBIAuthError({
        message: 'Entra ID answered without a usable expires_in',
        status: response.status,
      });
    }
    const refreshIn = Number(body.refresh_in);
    return {
      token: body.access_token,
      // Measured from when we asked, so network time only makes us refresh earlier.
      expiresOnTimestamp: requestedAt + expiresIn * 1000,
      ...(Number.isFinite(refreshIn) && refreshIn > 0
        ? { refreshAfterTimestamp: requestedAt + refreshIn * 1000 }
        : {}),
    };
  }

  #client(): HttpClient {
    this.#http ??= createHttpClient({
      baseUrl: new URL(this.tokenEndpoint).origin,
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      clock: this.options.clock ?? systemClock,
      logger: this.options.logger ?? silentLogger,
      ...(this.options.retry !== undefined ? { retry: this.options.retry } : {}),
      knownSecrets: this.knownSecrets(),
      errorFactory: entraErrorFactory,
      userAgent: PRODUCT_TOKEN,
    });
    return this.#http;
  }
}

/** Maps an Entra ID error body to a {@link PowerBIAuthError}; other failures keep core's classification. */
export function entraErrorFactory(context: HttpErrorContext): PowerBIAuthError | undefined {
  let body: EntraErrorBody;
  try {
    body = JSON.parse(context.text) as EntraErrorBody;
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || typeof body.error !== 'string') return undefined;
  const codes = Array.isArray(body.error_codes) ? body.error_codes : [];
  const firstCode = Number(codes[0]);
  const aadstsCode = Number.isFinite(firstCode) ? firstCode : aadstsFromDescription(body.error_description);
  const oauthError = body.error;
  // [documented] §1.4: `temporarily_unavailable` and 5xx may be retried; other token errors are final.
  const retryable = oauthError === 'temporarily_unavailable' || context.status >= 500;
  const summary =
    typeof body.error_description === 'string' ? body.error_description.split(/\r?\n/)[0] : undefined;
  return new PowerBIAuthError({
    message: `Entra ID refused the token request (${context.status} ${oauthError}${aadstsCode !== undefined ? `, AADSTS${aadstsCode}` : ''})${
      summary ? `: ${summary.replace(/^AADSTS\d+:\s*/, '')}` : ''
    }`,
    status: context.status,
    oauthError,
    retryable,
    ...(aadstsCode !== undefined ? { aadstsCode } : {}),
    ...(typeof body.trace_id === 'string' ? { traceId: body.trace_id } : {}),
    ...(typeof body.correlation_id === 'string' ? { correlationId: body.correlation_id } : {}),
  });
}

function aadstsFromDescription(description: unknown): number | undefined {
  if (typeof description !== 'string') return undefined;
  const match = /AADSTS(\d+)/.exec(description);
  return match ? Number(match[1]) : undefined;
}

/** Fills unset transport options from a client's defaults. */
export function mergeDefaults<T extends EntraCredentialOptions>(options: T, defaults: CredentialDefaults): T {
  return {
    ...options,
    ...(options.authorityHost === undefined && defaults.authorityHost !== undefined
      ? { authorityHost: defaults.authorityHost }
      : {}),
    ...(options.fetch === undefined && defaults.fetch !== undefined ? { fetch: defaults.fetch } : {}),
    ...(options.clock === undefined && defaults.clock !== undefined ? { clock: defaults.clock } : {}),
    ...(options.logger === undefined && defaults.logger !== undefined ? { logger: defaults.logger } : {}),
    ...(options.retry === undefined && defaults.retry !== undefined ? { retry: defaults.retry } : {}),
  };
}
