/** A fault the simulator can inject into one request. */
export type SageX3FaultKind =
  | 'latency'
  | 'serverError'
  | 'throttle'
  | 'connectionReset'
  | 'malformedJson'
  | 'graphqlPartialError';

/** Which part of the simulator a fault may hit. */
export type SageX3FaultSurface = 'rest' | 'graphql' | 'token';

/**
 * Fault injection, decided per request from a seeded RNG (the same request sequence gets the same faults).
 * Rates are probabilities in [0, 1].
 */
export interface SageX3FaultOptions {
  /** Surfaces faults apply to. @default ['rest', 'graphql'] */
  surfaces?: SageX3FaultSurface[];
  /** Probability of added latency (slept on the injected clock). @default 0 */
  latencyRate?: number;
  /** Added latency in ms. @default 200 */
  latencyMs?: number;
  /** Probability of a 500/502/503 with the gateway error body. @default 0 */
  serverErrorRate?: number;
  /** Probability of a 429 with `Retry-After`. @default 0 */
  throttleRate?: number;
  /** `Retry-After` seconds sent with 429. @default 1 */
  retryAfterSeconds?: number;
  /** Probability that the server destroys the socket without answering. @default 0 */
  connectionResetRate?: number;
  /** Probability that a REST body carries unescaped backslashes (invalid JSON). @default 0 */
  malformedJsonRate?: number;
  /** Probability that a GraphQL answer has partial `data` plus `errors`. @default 0 */
  graphqlPartialErrorRate?: number;
  /** Revoke every cloud OAuth token at the Nth request that presents one (1-based). @default never */
  revokeTokensAfterRequests?: number;
  /** Faults forced on the next requests of the listed surfaces, in order, before rates apply. @default [] */
  next?: SageX3FaultKind[];
  /** Seed of the fault RNG. @default the simulator seed */
  seed?: number;
}

/** {@link SageX3FaultOptions} with defaults filled. */
export interface ResolvedFaults {
  readonly surfaces: readonly SageX3FaultSurface[];
  readonly latencyRate: number;
  readonly latencyMs: number;
  readonly serverErrorRate: number;
  readonly throttleRate: number;
  readonly retryAfterSeconds: number;
  readonly connectionResetRate: number;
  readonly malformedJsonRate: number;
  readonly graphqlPartialErrorRate: number;
  readonly revokeTokensAfterRequests: number | undefined;
  readonly next: readonly SageX3FaultKind[];
  readonly seed: number | undefined;
}

function rate(name: string, v: number | undefined): number {
  const r = v ?? 0;
  if (!(r >= 0 && r <= 1)) throw new RangeError(`sage-x3 simulator: faults.${name} must be within [0, 1]`);
  return r;
}

/** Fills fault defaults and validates rates. */
export function resolveFaults(f: SageX3FaultOptions = {}): ResolvedFaults {
  return {
    surfaces: f.surfaces ?? ['rest', 'graphql'],
    latencyRate: rate('latencyRate', f.latencyRate),
    latencyMs: f.latencyMs ?? 200,
    serverErrorRate: rate('serverErrorRate', f.serverErrorRate),
    throttleRate: rate('throttleRate', f.throttleRate),
    retryAfterSeconds: f.retryAfterSeconds ?? 1,
    connectionResetRate: rate('connectionResetRate', f.connectionResetRate),
    malformedJsonRate: rate('malformedJsonRate', f.malformedJsonRate),
    graphqlPartialErrorRate: rate('graphqlPartialErrorRate', f.graphqlPartialErrorRate),
    revokeTokensAfterRequests: f.revokeTokensAfterRequests,
    next: f.next ?? [],
    seed: f.seed,
  };
}
