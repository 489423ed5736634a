import { Rng, hashInts } from '../data/hash.js';
import type { ResolvedFaults, SageX3FaultKind, SageX3FaultSurface } from './fault-options.js';

/** The faults decided for one request. */
export interface FaultDecision {
  /** Terminal fault: the request is answered (or dropped) without reaching the handler. */
  readonly terminal?:
    | { kind: 'connectionReset' }
    | { kind: 'serverError'; status: number }
    | { kind: 'throttle' };
  readonly latencyMs: number;
  readonly malformedJson: boolean;
  readonly graphqlPartialError: boolean;
  /** Names of the faults applied, for the request log. */
  readonly applied: SageX3FaultKind[];
}

const NONE: FaultDecision = { latencyMs: 0, malformedJson: false, graphqlPartialError: false, applied: [] };

/** Decides faults per request from a seeded RNG; the same request sequence gets the same faults. */
export class FaultInjector {
  #faults: ResolvedFaults;
  #rng: Rng;
  #next: SageX3FaultKind[];
  #bearerRequests = 0;
  readonly #seed: number;

  /**
   * @param faults resolved fault options.
   * @param seed simulator seed (used unless `faults.seed` is set).
   */
  constructor(faults: ResolvedFaults, seed: number) {
    this.#seed = seed;
    this.#faults = faults;
    this.#rng = new Rng(hashInts(faults.seed ?? seed, 0xfa17));
    this.#next = [...faults.next];
  }

  /** Current settings. */
  get faults(): ResolvedFaults {
    return this.#faults;
  }

  /** Replaces the settings and restarts the RNG sequence. */
  set(faults: ResolvedFaults): void {
    this.#faults = faults;
    this.#rng = new Rng(hashInts(faults.seed ?? this.#seed, 0xfa17));
    this.#next = [...faults.next];
    this.#bearerRequests = 0;
  }

  /** Decides the faults of one request. Draws a fixed number of RNG values per request. */
  decide(surface: SageX3FaultSurface): FaultDecision {
    const f = this.#faults;
    if (!f.surfaces.includes(surface)) return NONE;
    const draws = [this.#rng.next(), this.#rng.next(), this.#rng.next(), this.#rng.next(), this.#rng.next()];
    const statusPick = this.#rng.next();
    const forced = this.#next.shift();
    const [d0 = 1, d1 = 1, d2 = 1, d3 = 1, d4 = 1] = draws;
    const applied: SageX3FaultKind[] = [];
    const pick = (kind: SageX3FaultKind, p: number, draw: number): boolean => {
      const hit = forced === undefined ? draw < p : forced === kind;
      if (hit) applied.push(kind);
      return hit;
    };
    const status = statusPick < 0.5 ? 500 : statusPick < 0.75 ? 502 : 503;
    if (pick('connectionReset', f.connectionResetRate, d0)) {
      return { ...NONE, terminal: { kind: 'connectionReset' }, applied };
    }
    if (pick('serverError', f.serverErrorRate, d1)) {
      return { ...NONE, terminal: { kind: 'serverError', status }, applied };
    }
    if (pick('throttle', f.throttleRate, d2)) return { ...NONE, terminal: { kind: 'throttle' }, applied };
    const latency = pick('latency', f.latencyRate, d3);
    const malformed = surface === 'rest' && pick('malformedJson', f.malformedJsonRate, d4);
    const partial = surface === 'graphql' && pick('graphqlPartialError', f.graphqlPartialErrorRate, d4);
    return {
      latencyMs: latency ? f.latencyMs : 0,
      malformedJson: malformed,
      graphqlPartialError: partial,
      applied,
    };
  }

  /** Counts a request that presented a cloud OAuth token; true when the revocation fault fires now. */
  countBearerRequest(): boolean {
    this.#bearerRequests++;
    return this.#faults.revokeTokensAfterRequests === this.#bearerRequests;
  }
}
