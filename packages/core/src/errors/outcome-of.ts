import { isMlcError } from './mlc-error.js';
import { failedBeforeSend } from './not-sent.js';
import { type RequestOutcome, isRequestOutcome } from './request-outcome.js';

/**
 * Could the request that ended in `error` have landed? The one answer to that question, read by the retry decision
 * (a request that is not idempotent is repeated only when `not-applied`), by the Power BI client and by the sync
 * engine (verify an `unknown` batch, never resend it blindly).
 *
 * 1. An error marked {@link failedBeforeSend} is `not-applied`: nothing of its request left, whatever the error
 *    says about another request (a token endpoint's 5xx describes the token request, not the rows request).
 * 2. An SDK error answers with the `outcome` it was constructed with (any installed copy of `@mlc/core`).
 * 3. Anything else is `unknown`: nothing proves it was not sent.
 */
export function outcomeOf(error: unknown): RequestOutcome {
  if (failedBeforeSend(error)) return 'not-applied';
  if (isMlcError(error)) {
    // An error from an older copy of @mlc/core may lack the field: then nothing proves it was not sent.
    const outcome: unknown = error.outcome;
    return isRequestOutcome(outcome) ? outcome : 'unknown';
  }
  return 'unknown';
}
