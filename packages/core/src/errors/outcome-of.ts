import { isMlcError } from './mlc-error.js';
import { type RequestOutcome, isRequestOutcome } from './request-outcome.js';

/**
 * Could the request that ended in `error` have landed? The one answer to that question, read by the retry decision
 * (a request that is not idempotent is repeated only when `not-applied`), by the Power BI client and by the sync
 * engine (verify an `unknown` batch, never resend it blindly).
 *
 * 1. An SDK error answers with its typed `outcome` (any installed copy of `@mlc/core`). A failure raised before its
 *    request left carries `not-applied`, whatever the error said about another request (see `notSent`).
 * 2. Anything else is `unknown`: nothing proves it was not sent.
 */
export function outcomeOf(error: unknown): RequestOutcome {
  if (isMlcError(error)) {
    // An error from an older copy of @mlc/core may lack the field: then nothing proves it was not sent.
    const outcome: unknown = error.outcome;
    return isRequestOutcome(outcome) ? outcome : 'unknown';
  }
  return 'unknown';
}
