import { classifyResponse } from '../../errors/failure-kind.js';
import { HttpError } from '../../errors/http-errors.js';
import type { MlcError } from '../../errors/mlc-error.js';
import { outcomeOfStatus } from '../../errors/request-outcome.js';
import { redactText } from '../../redact/redact.js';
import type { HttpErrorContext } from '../http-types.js';
import { type PipelinePolicy, isSuccessStatus } from '../pipeline.js';

const BODY_SNIPPET_CHARS = 1_000;

/** What {@link statusErrorPolicy} needs from the client's options. */
export interface StatusErrorSettings {
  /** A package's mapping of failed answers to its own errors. */
  errorFactory?: (context: HttpErrorContext) => MlcError | undefined;
  /** Exact secrets to redact from the body snippet. */
  secrets: () => readonly string[];
  /** The URL as errors may show it. */
  safeUrlOf: (url: URL) => string;
}

/**
 * Turns a non-2xx answer into a typed error: the package's `errorFactory` first, else an {@link HttpError} with a
 * redacted body snippet. Both carry the one classification (`classifyResponse`: a 503 with Retry-After is a throttle)
 * and the outcome of the status (`outcomeOfStatus`), which the retry policy outside it acts on.
 */
export function statusErrorPolicy(settings: StatusErrorSettings): PipelinePolicy {
  return {
    name: 'statusErrorPolicy',
    async sendRequest(request, next) {
      const response = await next(request);
      if (isSuccessStatus(response.status)) return response;
      const { status, headers, text, requestId, retryAfterMs } = response;
      const method = response.request.method;
      const url = settings.safeUrlOf(response.request.url);
      const context: HttpErrorContext = {
        status,
        headers,
        text,
        method,
        url,
        kind: classifyResponse(status, retryAfterMs),
        outcome: outcomeOfStatus(status, retryAfterMs),
        ...(requestId !== undefined ? { requestId } : {}),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      };
      // A package error carries its own outcome from construction (read by `outcomeOf` in the retry decision).
      const custom = settings.errorFactory?.(context);
      if (custom) throw custom;
      throw new HttpError({
        message: `${method} ${url} failed with HTTP ${status}`,
        ...context,
        bodySnippet: redactText(text.slice(0, BODY_SNIPPET_CHARS), settings.secrets()),
      });
    },
  };
}
