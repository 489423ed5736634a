import diagnosticsChannel from 'node:diagnostics_channel';

/** The HTTP requests of this process that are on the wire, as counted by {@link trackHttpRequests}. */
export interface HttpRequestTracker {
  /** Requests created and neither fully answered (trailers received) nor failed yet. */
  readonly inFlight: number;
  /** Stops counting (unsubscribes from Node's `undici:*` diagnostics channels). Idempotent. */
  close(): void;
}

const CREATED = 'undici:request:create';
const FINISHED = ['undici:request:trailers', 'undici:request:error'] as const;

/**
 * Counts the `fetch` requests of this process (Node's undici, whoever calls it: the clients, an Entra credential,
 * `@azure/identity`) that are still on the wire, from undici's diagnostics channels. A test gives it to
 * {@link TestClock.run} as `busy: () => tracker.inFlight > 0` so simulated time never moves while a real request is
 * in flight: a request timeout, a pacing deadline or a settle time then only passes while every request is parked.
 *
 * A request that fails before it is created (a connection refused during DNS or connect) is never counted; one that
 * is counted leaves the count when its response trailers arrive (the body was read to its end) or when it fails or
 * is aborted. Only requests made through undici are seen (global `fetch`, undici's own API), not `node:http`.
 *
 * @example
 * const http = trackHttpRequests();
 * try {
 *   await clock.run(client.append(rows), { busy: () => http.inFlight > 0 });
 * } finally {
 *   http.close();
 * }
 */
export function trackHttpRequests(): HttpRequestTracker {
  const open = new WeakSet<object>();
  let inFlight = 0;
  let closed = false;
  const onCreate = (message: unknown) => {
    const request = (message as { request?: object }).request;
    if (!request || open.has(request)) return;
    open.add(request);
    inFlight += 1;
  };
  const onFinish = (message: unknown) => {
    const request = (message as { request?: object }).request;
    if (!request || !open.has(request)) return;
    open.delete(request);
    inFlight -= 1;
  };
  diagnosticsChannel.subscribe(CREATED, onCreate);
  for (const name of FINISHED) diagnosticsChannel.subscribe(name, onFinish);
  return {
    get inFlight() {
      return inFlight;
    },
    close() {
      if (closed) return;
      closed = true;
      diagnosticsChannel.unsubscribe(CREATED, onCreate);
      for (const name of FINISHED) diagnosticsChannel.unsubscribe(name, onFinish);
    },
  };
}
