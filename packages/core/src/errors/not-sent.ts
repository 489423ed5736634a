import { AuthError } from './http-errors.js';

/** Shared by every copy of `@mlc/core`, like the error brand. */
const NOT_SENT = Symbol.for('@mlc/core/failedBeforeSend');

/**
 * Marks `error` as raised before its request was sent (e.g. the credentials could not be obtained) and returns
 * it. A value that is not an object is wrapped in an {@link AuthError} first, so the mark can be carried.
 * The HTTP client calls this; other transports may too.
 */
export function markFailedBeforeSend(error: unknown): unknown {
  const target =
    typeof error === 'object' && error !== null
      ? error
      : new AuthError('Could not obtain credentials for the request', { cause: error });
  if (Object.isExtensible(target)) {
    Object.defineProperty(target, NOT_SENT, { value: true, enumerable: false, configurable: true });
  }
  return target;
}

/**
 * True when `error` was raised before its request left this process: the remote cannot have applied it,
 * whatever the error's own `outcome` says. That outcome may describe another request: a token endpoint's
 * 5xx is `unknown` for the token request, not for the rows request that never left. Read through `outcomeOf`.
 */
export function failedBeforeSend(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[NOT_SENT] === true;
}
