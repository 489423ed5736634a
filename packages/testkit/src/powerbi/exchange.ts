import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { FaultDecision, PowerBIRouteKind } from './faults.js';
import type { PowerBIRequestLogEntry, PowerBIRequestOutcome } from './request-log.js';
import type { SimulatorState } from './simulator-state.js';

/** Hono environment of the simulator: the node-server bindings give access to the socket. */
export type SimEnv = { Bindings: HttpBindings };

/** What a route handler answers. */
export interface Reply {
  status: number;
  /** JSON body (serialised by the exchange). */
  json?: unknown;
  /** Raw text body, used instead of `json` (e.g. executeQueries with a BOM). */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Whether state changed. */
  applied?: boolean;
  errorCode?: string;
  clientId?: string;
  rowCount?: number;
}

/** What a handler gets besides the Hono context. */
export interface ExchangeContext {
  decision: FaultDecision;
  requestId: string;
  now: number;
}

/** Options of one exchange. */
export interface ExchangeSpec {
  route: PowerBIRouteKind;
  datasetId?: string;
  table?: string;
  /** The request id to report (token requests use their trace id). */
  requestId: string;
  /** Response for an injected `status` fault. */
  faultStatus: (status: number) => Reply;
  /** Response for an injected `throttle` fault. */
  faultThrottle: (retryAfterSeconds: number) => Reply;
  /** Header carrying the request id on every response, e.g. `RequestId`. */
  requestIdHeader?: string;
  /** Leave latency to the handler (POST rows sleeps inside its pending slot). */
  handlerOwnsLatency?: boolean;
}

function outcomeOf(status: number): PowerBIRequestOutcome {
  if (status < 400) return 'ok';
  if (status === 429) return 'throttled';
  if (status === 401 || status === 403) return 'auth-error';
  if (status >= 500) return 'server-error';
  return 'client-error';
}

/**
 * Runs one request through fault injection, the handler and the request log. Connection drops destroy the
 * socket so the client sees a network error: `drop-before` before anything is applied, `drop-after` once the
 * handler has applied the request.
 */
export async function exchange(
  c: Context<SimEnv>,
  state: SimulatorState,
  spec: ExchangeSpec,
  handler: (x: ExchangeContext) => Promise<Reply>,
): Promise<Response> {
  const at = state.now();
  const entry: PowerBIRequestLogEntry = {
    seq: state.nextSeq(),
    at,
    finishedAt: at,
    method: c.req.method,
    path: c.req.path,
    route: spec.route,
    status: null,
    outcome: 'ok',
    applied: false,
    requestId: spec.requestId,
    datasetId: spec.datasetId,
    table: spec.table,
    ...(c.req.header('user-agent') ? { userAgent: c.req.header('user-agent') as string } : {}),
  };
  const decision = state.faults.decide(spec.route, spec.datasetId, spec.table);
  const drop = (outcome: PowerBIRequestOutcome): Response => {
    c.env.incoming.socket.destroy();
    entry.outcome = outcome;
    entry.finishedAt = state.now();
    state.record(entry);
    return new Response(null, { status: 500 });
  };
  if (decision.dropBefore) return drop('dropped-before');
  if (decision.latencyMs > 0 && !spec.handlerOwnsLatency)
    await state.opts.clock.sleep(decision.latencyMs, undefined, { holdsRequest: true });
  let reply: Reply;
  if (decision.status !== undefined) reply = { ...spec.faultStatus(decision.status), errorCode: 'fault' };
  else if (decision.throttleRetryAfterSeconds !== undefined) {
    reply = { ...spec.faultThrottle(decision.throttleRetryAfterSeconds), errorCode: 'fault' };
  } else {
    reply = await handler({ decision, requestId: spec.requestId, now: at });
  }
  if (decision.replaceBody) {
    reply = {
      ...reply,
      status: decision.replaceBody.status,
      text: decision.replaceBody.body,
      contentType: 'application/json; charset=utf-8',
      errorCode: 'fault',
    };
  }
  entry.applied = reply.applied ?? false;
  entry.clientId = reply.clientId;
  entry.rowCount = reply.rowCount;
  entry.errorCode = reply.errorCode;
  if (decision.dropAfter) return drop('dropped-after');
  entry.status = reply.status;
  entry.outcome = outcomeOf(reply.status);
  entry.finishedAt = state.now();
  state.record(entry);
  const headers = new Headers(reply.headers);
  if (spec.requestIdHeader) headers.set(spec.requestIdHeader, spec.requestId);
  if (reply.text !== undefined) {
    headers.set('Content-Type', reply.contentType ?? 'text/plain; charset=utf-8');
    return new Response(reply.text, { status: reply.status, headers });
  }
  if (reply.json !== undefined) {
    headers.set('Content-Type', reply.contentType ?? 'application/json; charset=utf-8');
    return new Response(JSON.stringify(reply.json), { status: reply.status, headers });
  }
  // [C-3p] reference §2.5: POST rows answers 200 with `content-length: 0` and `application/octet-stream`.
  headers.set('Content-Type', reply.contentType ?? 'application/octet-stream');
  headers.set('Content-Length', '0');
  return new Response('', { status: reply.status, headers });
}
