import { isMlcError } from '@mlc/core';
import type { Advice } from '../alerts/alert-catalog.js';
import type { FailureDescription } from '../alerts/failure-description.js';

/** The operator's advice for the Sage X3 client's codes; the one place it lives. */
const BY_CODE: Record<string, Advice> = {
  X3_AUTH_REJECTED: {
    severity: 'critical',
    remedy:
      'Sage X3 refused the credentials; check the user and password (or OAuth2 client) of the X3 source.',
  },
  X3_REFRESH_TOKEN_INVALID: {
    severity: 'critical',
    remedy:
      'The X3 refresh token is invalid or expired; run the OAuth2 consent again and store the new token.',
  },
  X3_REFRESH_TOKEN_MISSING: {
    severity: 'critical',
    remedy:
      'No X3 refresh token is stored; run the OAuth2 consent and save the token with sync.tokenStore().',
  },
};

/**
 * How the X3 source describes its own failures to the operator (`SyncSource.describeFailure`): any error of
 * `@mlc/sage-x3-client` (an `X3_*` code) is the source's, with the advice above for the codes an operator can act
 * on (the phase's generic advice otherwise).
 */
export function describeX3Failure(error: unknown): FailureDescription | undefined {
  if (!isMlcError(error) || !error.code.startsWith('X3_')) return undefined;
  return { ...BY_CODE[error.code] };
}
