import { AuthError } from '../../errors/http-errors.js';
import { notSent } from '../../errors/not-sent.js';
import type { AuthProvider } from '../http-types.js';
import { type PipelinePolicy, type PipelineRequest, isSuccessStatus } from '../pipeline.js';

/** Which failed answers mean "your credentials are stale". */
export type AuthChallenge = (response: { status: number; headers: Headers; text: string }) => boolean;

/**
 * Adds the {@link AuthProvider}'s headers (usually a bearer token) to each attempt. When the answer is a challenge
 * (a 401, or what `authChallenge` recognises, e.g. Power BI's 403 `TokenExpired`), asks once for a forced refresh
 * and resends; a second challenge is a real auth failure and goes on as an error. An error while getting credentials
 * goes on as {@link notSent} (outcome `not-applied`; a foreign one as an `AuthError`): nothing of this request left.
 */
export function authPolicy(auth: AuthProvider | undefined, isAuthChallenge: AuthChallenge): PipelinePolicy {
  return {
    name: 'authPolicy',
    async sendRequest(request, next) {
      if (!auth || request.source.authenticate === false) return next(request);
      const response = await next(await withCredentials(auth, request, false));
      if (
        isSuccessStatus(response.status) ||
        !isAuthChallenge({ status: response.status, headers: response.headers, text: response.text })
      )
        return response;
      // One forced refresh and resend; a second challenge is a real auth failure.
      return next(await withCredentials(auth, request, true));
    },
  };
}

async function withCredentials(
  auth: AuthProvider,
  request: PipelineRequest,
  forceRefresh: boolean,
): Promise<PipelineRequest> {
  let credentials: Record<string, string>;
  try {
    credentials = await auth.getHeaders({
      url: request.url,
      method: request.method,
      forceRefresh,
      ...(request.signal ? { signal: request.signal } : {}),
    });
  } catch (error) {
    // A token endpoint's 5xx says "may have been applied" about the token request only.
    throw notSent(
      error,
      (cause) =>
        new AuthError({
          message: 'Could not obtain credentials for the request',
          cause,
          outcome: 'not-applied',
        }),
    );
  }
  const headers = new Headers(request.headers);
  for (const [name, value] of Object.entries(credentials)) headers.set(name, value);
  return { ...request, headers };
}
