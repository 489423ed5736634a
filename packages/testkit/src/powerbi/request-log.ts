import type { PowerBIRouteKind } from './faults.js';

/** How a request ended, for the request log. */
export type PowerBIRequestOutcome =
  | 'ok'
  | 'client-error'
  | 'auth-error'
  | 'throttled'
  | 'server-error'
  | 'dropped-before'
  | 'dropped-after';

/** One request as the simulator saw it. Never holds tokens, secrets or assertions. */
export interface PowerBIRequestLogEntry {
  /** Order of arrival, from 1. */
  seq: number;
  /** Arrival time on the simulator clock (epoch ms). */
  at: number;
  /** Completion time on the simulator clock (epoch ms). */
  finishedAt: number;
  method: string;
  /** Path without the query string. */
  path: string;
  route: PowerBIRouteKind;
  /** HTTP status sent, or null when the connection was dropped. */
  status: number | null;
  outcome: PowerBIRequestOutcome;
  /** Whether the request changed state (rows appended, dataset created, …). */
  applied: boolean;
  /** The `RequestId` response header value (token requests: the trace id). */
  requestId: string;
  clientId?: string;
  datasetId?: string;
  table?: string;
  /** Rows in a POST rows body (when parsed). */
  rowCount?: number;
  /** `error.code`, the AADSTS number, or the 429 reason. */
  errorCode?: string;
  /** The `User-Agent` header, when the client sent one (the only header kept: it is not a credential). */
  userAgent?: string;
}
