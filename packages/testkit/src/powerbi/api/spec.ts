import type { ExchangeSpec } from '../exchange.js';
import type { PowerBIRouteKind } from '../faults.js';
import type { SimulatorState } from '../simulator-state.js';
import { replyOf } from './authenticate.js';
import { simpleError, tooManyRequests } from './error-bodies.js';

/** The exchange settings shared by every Power BI REST route. */
export function powerBISpec(
  state: SimulatorState,
  route: PowerBIRouteKind,
  ids: { datasetId?: string; table?: string } = {},
): ExchangeSpec {
  return {
    route,
    datasetId: ids.datasetId,
    table: ids.table,
    requestId: state.opts.rng.guid(),
    // [C-3p] reference §2.8: every response carries a `RequestId` header.
    requestIdHeader: 'RequestId',
    // [inferred] 5xx body: the simple error form.
    faultStatus: (status) =>
      replyOf(
        simpleError(
          status,
          status === 503 ? 'ServiceUnavailable' : 'InternalServerError',
          'The service encountered an error (injected fault).',
        ),
      ),
    faultThrottle: (seconds) => replyOf(tooManyRequests(seconds)),
    handlerOwnsLatency: route === 'postRows',
  };
}

/** Content type of Power BI JSON responses ([C-3p] reference §2.1, S15). */
export const ODATA_JSON = 'application/json; odata.metadata=minimal';
