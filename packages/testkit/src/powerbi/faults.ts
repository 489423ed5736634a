import type { SeededRandom } from './rng.js';

/** The simulator's request kinds, used to aim faults and to label the request log. */
export type PowerBIRouteKind =
  | 'token'
  | 'createDataset'
  | 'listDatasets'
  | 'getDataset'
  | 'deleteDataset'
  | 'listTables'
  | 'putTable'
  | 'postRows'
  | 'deleteRows'
  | 'executeQueries'
  | 'other';

/**
 * One fault rule, plain data (so the CLI can read it from JSON).
 * - `latency`: wait `latencyMs` on the simulator clock before handling (a POST rows request stays pending
 *   meanwhile, so latency also exercises the 5-pending limit).
 * - `status`: answer `status` (default 503) without applying anything.
 * - `throttle`: answer 429 with `Retry-After: retryAfterSeconds` without applying anything (a "429 storm").
 * - `drop-before`: destroy the connection before the request is applied.
 * - `drop-after`: apply the request, then destroy the connection instead of answering (the ambiguous case).
 * - `ingestion-lag`: rows appended by a matching POST become visible to executeQueries only `lagMs` later.
 * - `replace-body`: handle the request as usual, then answer `status` (default 200) with the raw `body` instead
 *   ([inferred] fault probes saw executeQueries answer `200 {"results":[{"tables":[]}]}` after a dropped
 *   connection; also for truncated or otherwise malformed answers).
 */
export interface PowerBIFaultRule {
  /** What happens. */
  kind: 'latency' | 'status' | 'throttle' | 'drop-before' | 'drop-after' | 'ingestion-lag' | 'replace-body';
  /**
   * Request kinds it applies to.
   * @default all kinds for latency/status/throttle; the mutating kinds plus executeQueries for drops; postRows for ingestion-lag
   */
  routes?: PowerBIRouteKind[];
  /** Only requests for this dataset id. @default any */
  datasetId?: string;
  /** Only requests for this table name. @default any */
  table?: string;
  /** Chance per matching request, drawn from the seeded RNG. @default 1 */
  probability?: number;
  /** Apply to this many matching requests, then retire. @default unlimited */
  times?: number;
  /** Skip this many matching requests before the rule starts firing. @default 0 */
  after?: number;
  /** For `latency`. @default 1000 */
  latencyMs?: number;
  /** For `status`. @default 503 */
  status?: number;
  /** For `throttle`. @default 1 */
  retryAfterSeconds?: number;
  /** For `ingestion-lag`, in simulator-clock milliseconds. @default 5000 */
  lagMs?: number;
  /** For `replace-body`: the raw answer text. @default '' */
  body?: string;
}

/** What the injector decided for one request. */
export interface FaultDecision {
  latencyMs: number;
  status?: number;
  throttleRetryAfterSeconds?: number;
  dropBefore: boolean;
  dropAfter: boolean;
  ingestionLagMs: number;
  /** A `replace-body` rule's answer. */
  replaceBody?: { status: number; body: string };
}

interface ActiveRule {
  readonly rule: PowerBIFaultRule;
  seen: number;
  fired: number;
}

/** Holds the active fault rules and decides, deterministically, which fire for a request. */
export class FaultInjector {
  #rules: ActiveRule[] = [];
  readonly #rng: SeededRandom;

  constructor(rng: SeededRandom, rules: readonly PowerBIFaultRule[] = []) {
    this.#rng = rng;
    this.set(rules);
  }

  /** Replaces every rule. */
  set(rules: readonly PowerBIFaultRule[]): void {
    this.#rules = rules.map((rule) => ({ rule: { ...rule }, seen: 0, fired: 0 }));
  }

  /** Adds one rule. */
  add(rule: PowerBIFaultRule): void {
    this.#rules.push({ rule: { ...rule }, seen: 0, fired: 0 });
  }

  /** The rules still active (retired `times`-limited rules are gone). */
  list(): PowerBIFaultRule[] {
    return this.#rules.map((r) => ({ ...r.rule }));
  }

  /** Evaluates every rule for one request, consuming RNG draws and `times` budgets. */
  decide(route: PowerBIRouteKind, datasetId: string | undefined, table: string | undefined): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, dropBefore: false, dropAfter: false, ingestionLagMs: 0 };
    for (const active of this.#rules) {
      const { rule } = active;
      if (!matches(rule, route, datasetId, table)) continue;
      active.seen++;
      if (active.seen <= (rule.after ?? 0)) continue;
      if (rule.times !== undefined && active.fired >= rule.times) continue;
      const p = rule.probability ?? 1;
      if (p < 1 && this.#rng.next() >= p) continue;
      active.fired++;
      switch (rule.kind) {
        case 'latency':
          decision.latencyMs += rule.latencyMs ?? 1000;
          break;
        case 'status':
          decision.status ??= rule.status ?? 503;
          break;
        case 'throttle':
          decision.throttleRetryAfterSeconds ??= rule.retryAfterSeconds ?? 1;
          break;
        case 'drop-before':
          decision.dropBefore = true;
          break;
        case 'drop-after':
          decision.dropAfter = true;
          break;
        case 'ingestion-lag':
          decision.ingestionLagMs = Math.max(decision.ingestionLagMs, rule.lagMs ?? 5000);
          break;
        case 'replace-body':
          decision.replaceBody ??= { status: rule.status ?? 200, body: rule.body ?? '' };
          break;
      }
    }
    this.#rules = this.#rules.filter((r) => r.rule.times === undefined || r.fired < r.rule.times);
    return decision;
  }
}

function matches(
  rule: PowerBIFaultRule,
  route: PowerBIRouteKind,
  datasetId: string | undefined,
  table: string | undefined,
): boolean {
  const routes =
    rule.routes ??
    (rule.kind === 'latency' ||
    rule.kind === 'status' ||
    rule.kind === 'throttle' ||
    rule.kind === 'replace-body'
      ? undefined
      : ([
          'createDataset',
          'deleteDataset',
          'putTable',
          'postRows',
          'deleteRows',
          'executeQueries',
        ] as const));
  if (routes && !routes.includes(route)) return false;
  if (rule.kind === 'ingestion-lag' && route !== 'postRows') return false;
  if (rule.datasetId !== undefined && rule.datasetId !== datasetId) return false;
  if (rule.table !== undefined && rule.table !== table) return false;
  return true;
}
