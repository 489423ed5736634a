import { MlcError, isMlcError } from './mlc-error.js';

/**
 * The failure of a request that never left this process (its credentials could not be obtained, a `beforeSend`
 * check refused it, a pacer failed): an SDK error whose typed `outcome` is `not-applied`, so {@link outcomeOf} and
 * the retry decision know the remote cannot have applied it.
 *
 * - An SDK error whose outcome already says `not-applied` is returned as it is.
 * - Any other SDK error is returned as a copy (same class, `code`, `kind`, facts, message, stack and cause) whose
 *   outcome is `not-applied`: the error's own outcome described another request (a token endpoint's 5xx is
 *   `unknown` for the token request, not for the rows request that never left). The original is not changed.
 * - Anything else becomes `wrapForeign(error)` when given (e.g. an `AuthError` for a failing credential provider),
 *   else an `MlcError` with code `NOT_SENT` (not retryable) whose cause is the original; the wrapper must build an
 *   error whose outcome is `not-applied`.
 *
 * The HTTP client calls this; other transports may too.
 */
export function notSent(error: unknown, wrapForeign?: (cause: unknown) => MlcError): MlcError {
  if (!isMlcError(error)) {
    return wrapForeign
      ? wrapForeign(error)
      : new MlcError({
          message: `The request was not sent: ${messageOf(error)}`,
          code: 'NOT_SENT',
          kind: 'client',
          retryable: false,
          cause: error,
          outcome: 'not-applied',
        });
  }
  if (error.outcome === 'not-applied') return error;
  const copy = Object.create(
    Object.getPrototypeOf(error),
    Object.getOwnPropertyDescriptors(error),
  ) as MlcError;
  Object.defineProperty(copy, 'outcome', { value: 'not-applied', enumerable: true, configurable: true });
  return copy;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
