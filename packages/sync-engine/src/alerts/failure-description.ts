import type { AlertSeverity, FailurePhase } from './sync-alert.js';

/**
 * What a source or sink tells the operator about one of its own failures. The engine knows no source's or sink's
 * error codes: each describes its own failures (`SyncSource.describeFailure`, `SyncSink.describeFailure`), so a
 * custom sink's failures get alerts as precise as the Power BI sink's.
 */
export interface FailureDescription {
  /**
   * The code the operator sees when it should differ from the error's own (Power BI's 401, which means "this
   * principal may not use the API", is `PBI_NOT_AUTHORIZED` rather than `PBI_HTTP_ERROR`). @default the error's code
   */
  code?: string;
  /**
   * Where it happened. Credential and configuration failures (an `auth` error in the cause chain, a
   * `*_CONFIG_INVALID` code) are told apart by the engine first. @default `source` for a source's failure, `sink`
   * for a sink's (`sink-setup` while the sink was being set up)
   */
  phase?: FailurePhase;
  /** How urgent it is. @default the phase's */
  severity?: AlertSeverity;
  /**
   * What to do about it. A remedy the error carries itself (`details.remedy`) still wins: it knows the case
   * best. @default the phase's generic advice
   */
  remedy?: string;
}
