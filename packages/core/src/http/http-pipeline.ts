import type { HttpClientOptions } from './http-types.js';
import type { PipelinePolicy } from './pipeline.js';
import { authPolicy } from './policies/auth-policy.js';
import { beforeSendPolicy } from './policies/before-send-policy.js';
import { loggingPolicy } from './policies/logging-policy.js';
import { retryPolicy } from './policies/retry-policy.js';
import { sameOriginRedirectPolicy } from './policies/same-origin-redirect-policy.js';
import { statusErrorPolicy } from './policies/status-error-policy.js';
import { throttlePolicy } from './policies/throttle-policy.js';
import { userAgentPolicy } from './policies/user-agent-policy.js';
import type { ResolvedHttpClientOptions } from './resolve-http-client-options.js';

/**
 * The client's policies, outermost first. The order is the design, each step depending on the one before:
 *
 * once per call: `userAgentPolicy` → the `perCall` policies → `sameOriginRedirectPolicy` (checks the URL they may
 * have changed, before any credential is fetched) → `retryPolicy` (the loop) →
 * per attempt: `statusErrorPolicy` (non-2xx → typed error, which the loop reads) → `throttlePolicy` (Retry-After,
 * read for the error) → `authPolicy` (credentials; a challenge is handled here, before it becomes an error) →
 * the `perRetry` policies (see the credentials) → `beforeSendPolicy` (the last moment to refuse) →
 * `loggingPolicy` (one line per answer) → ky.
 */
export function httpPipeline(
  options: HttpClientOptions,
  resolved: ResolvedHttpClientOptions,
): PipelinePolicy[] {
  const added = (position: 'perCall' | 'perRetry') =>
    (options.policies ?? []).filter((entry) => entry.position === position).map((entry) => entry.policy);
  return [
    userAgentPolicy(options.userAgent),
    ...added('perCall'),
    sameOriginRedirectPolicy(resolved.baseUrl, resolved.safeUrlOf),
    retryPolicy({
      retry: resolved.retry,
      clock: resolved.clock,
      safeUrlOf: resolved.safeUrlOf,
      ...(options.random ? { random: options.random } : {}),
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    }),
    statusErrorPolicy({
      secrets: resolved.secrets,
      safeUrlOf: resolved.safeUrlOf,
      ...(options.errorFactory ? { errorFactory: options.errorFactory } : {}),
    }),
    throttlePolicy(resolved.clock),
    authPolicy(options.auth, resolved.isAuthChallenge),
    ...added('perRetry'),
    beforeSendPolicy(),
    loggingPolicy(resolved.clock, resolved.safeUrlOf),
  ];
}
