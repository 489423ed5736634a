import { type HttpClient, type TokenCycler, createHttpClient, tokenAuth } from '@mlc/core';
import { createPowerBIErrorFactory, isPowerBIAuthChallenge } from '../errors/power-bi-error-factory.js';
import { PRODUCT_TOKEN } from '../product-token.js';
import { followTrustedRedirects } from './follow-trusted-redirects.js';
import type { ResolvedPowerBIClientOptions } from './power-bi-client-options.js';

/**
 * The HTTP client of one Power BI client: rooted at `{apiBase}/groups/{groupId}/`, authorised by `tokens`, following
 * Power BI's redirects to trusted hosts itself, with Power BI's errors and retries; throttled retries are reported
 * to the options' `onThrottle`.
 */
export function powerBIHttpClient(resolved: ResolvedPowerBIClientOptions, tokens: TokenCycler): HttpClient {
  return createHttpClient({
    baseUrl: `${resolved.apiBase}/groups/${encodeURIComponent(resolved.groupId)}/`,
    // fetch would follow Power BI's 307 to a cluster URL without the token (cross-origin): the SDK follows it.
    fetch: followTrustedRedirects((input, init) => (resolved.fetch ?? globalThis.fetch)(input, init), {
      trustedHosts: resolved.redirectHosts,
    }),
    clock: resolved.clock,
    logger: resolved.logger,
    timeoutMs: resolved.timeoutMs,
    auth: tokenAuth(tokens),
    authChallenge: isPowerBIAuthChallenge,
    userAgent: PRODUCT_TOKEN,
    retry: resolved.retry,
    errorFactory: createPowerBIErrorFactory({ groupId: resolved.groupId }),
    onRetry: (event) => {
      if (event.reason === 'throttled') resolved.onThrottle?.({ delayMs: event.delayMs });
    },
  });
}
