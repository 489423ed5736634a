import type { PostResult, SinkTable, SyncSink } from '../sink/sync-sink.js';
import type { Row } from '../state-store/types.js';

/** A stored row: the posted row plus `_batch`. */
export type SinkRow = Row & { _batch: string };

/**
 * A fault for the next POST (`none` lets one POST through, to aim a fault at a later one):
 * - `drop-after-apply`: rows land, the caller sees a lost connection (throws);
 * - `unknown-after-apply`: rows land, outcome `unknown`;
 * - `fail-before-apply`: nothing lands, the caller sees a lost connection (throws);
 * - `not-applied`: nothing lands, outcome `not-applied`;
 * - `partial`: the first `applied` rows land, outcome `partial`;
 * - `throttled`: nothing lands, outcome `not-applied` with `retryAfterMs` (a 429 beyond the client's cap).
 */
export type MemorySinkFault =
  | { kind: 'none' }
  | { kind: 'drop-after-apply' }
  | { kind: 'unknown-after-apply' }
  | { kind: 'fail-before-apply' }
  | { kind: 'not-applied' }
  | { kind: 'partial'; applied: number }
  | { kind: 'throttled'; retryAfterMs: number };

/**
 * A fault for the next `countBatch` call (`none` lets one real count through): `throw` rejects with `error` (a
 * failed or malformed executeQueries answer), `answer` resolves with `value` as it is, whatever it is (a sink
 * returning something that is not a count).
 */
export type MemorySinkCountFault =
  | { kind: 'none' }
  | { kind: 'throw'; error?: unknown }
  | { kind: 'answer'; value: unknown };

/** Options of {@link MemorySink}. */
export interface MemorySinkOptions {
  /** Whether `countBatch` works (`false` models a tenant without executeQueries). @default true */
  canCount?: boolean;
  /** Rows become visible to `countBatch` this long after they land (needs `clock`). @default 0 */
  visibilityDelayMs?: number;
  /** Time source for the visibility delay. */
  clock?: { now(): number };
  /** Rows per POST. @default 10_000 */
  maxRowsPerPost?: number;
  /** The request timeout the sink declares (`SyncSink.requestTimeoutMs`) and passes to `beforeSend`. @default 0 */
  requestTimeoutMs?: number;
}

/**
 * An in-memory {@link SyncSink} with fault injection, for tests of the engine and of custom streams. Exported
 * for downstream use.
 */
export class MemorySink implements SyncSink {
  /** Rows per table. */
  readonly tables = new Map<string, { spec: SinkTable; rows: Array<SinkRow & { __landedAt: number }> }>();
  /** Faults applied to the next POSTs, in order. */
  readonly faults: MemorySinkFault[] = [];
  /** Faults applied to the next `countBatch` calls, in order. */
  readonly countFaults: MemorySinkCountFault[] = [];
  /** Number of POST calls. */
  posts = 0;
  /** Number of count calls. */
  counts = 0;
  /** Number of clear calls. */
  clears = 0;
  /** Rows per POST. */
  readonly maxRowsPerPost: number;
  /** {@inheritDoc SyncSink.requestTimeoutMs} */
  readonly requestTimeoutMs: number;
  /** POSTs refused by the `beforeSend` check (nothing sent). */
  refused = 0;
  /** Whether counting works. */
  canCount: boolean;
  readonly #delay: number;
  readonly #clock: { now(): number };

  /** Creates an empty sink. */
  constructor(options: MemorySinkOptions = {}) {
    this.canCount = options.canCount ?? true;
    this.#delay = options.visibilityDelayMs ?? 0;
    this.#clock = options.clock ?? { now: () => Date.now() };
    this.maxRowsPerPost = options.maxRowsPerPost ?? 10_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 0;
  }

  /** Rows of a table without the internal landing time. */
  rows(table: string): SinkRow[] {
    return (this.tables.get(table)?.rows ?? []).map(({ __landedAt: _l, ...row }) => row as SinkRow);
  }

  /** {@inheritDoc SyncSink.ensureTables} */
  async ensureTables(tables: readonly SinkTable[]): Promise<void> {
    for (const spec of tables)
      if (!this.tables.has(spec.name)) this.tables.set(spec.name, { spec, rows: [] });
  }

  /** {@inheritDoc SyncSink.post} */
  async post(request: {
    table: string;
    rows: readonly Row[];
    batchId: string;
    signal?: AbortSignal;
    beforeSend?: (request: { timeoutMs: number }) => void | Promise<void>;
  }): Promise<PostResult> {
    request.signal?.throwIfAborted();
    if (request.beforeSend) {
      try {
        await request.beforeSend({ timeoutMs: this.requestTimeoutMs });
      } catch (error) {
        this.refused += 1;
        return { outcome: 'not-applied', error };
      }
    }
    this.posts += 1;
    const table = this.tables.get(request.table);
    if (!table) return { outcome: 'not-applied', error: new Error(`no table ${request.table}`) };
    if (request.rows.length > this.maxRowsPerPost)
      return { outcome: 'not-applied', error: new Error('too many rows') };
    const fault = this.faults.shift();
    const land = (n: number) => {
      const at = this.#clock.now();
      for (const row of request.rows.slice(0, n))
        table.rows.push({ ...row, _batch: request.batchId, __landedAt: at });
    };
    switch (fault?.kind) {
      case 'fail-before-apply':
        throw new Error('socket hang up (before apply)');
      case 'not-applied':
        return { outcome: 'not-applied', error: new Error('rejected') };
      case 'drop-after-apply':
        land(request.rows.length);
        throw new Error('socket hang up (after apply)');
      case 'unknown-after-apply':
        land(request.rows.length);
        return { outcome: 'unknown' };
      case 'partial':
        land(fault.applied);
        return { outcome: 'partial' };
      case 'throttled':
        return {
          outcome: 'not-applied',
          error: new Error(`throttled: retry after ${fault.retryAfterMs} ms`),
          retryAfterMs: fault.retryAfterMs,
        };
      default:
        land(request.rows.length);
        return { outcome: 'applied' };
    }
  }

  /** {@inheritDoc SyncSink.countBatch} */
  async countBatch(request: { table: string; batchId: string }): Promise<number | 'unsupported'> {
    this.counts += 1;
    if (!this.canCount) return 'unsupported';
    const fault = this.countFaults.shift();
    if (fault?.kind === 'throw') throw fault.error ?? new Error('count answer unreadable');
    if (fault?.kind === 'answer') return fault.value as number;
    const visibleBefore = this.#clock.now() - this.#delay;
    return (this.tables.get(request.table)?.rows ?? []).filter(
      (r) => r._batch === request.batchId && r.__landedAt <= visibleBefore,
    ).length;
  }

  /** {@inheritDoc SyncSink.clear} */
  async clear(request: { table: string }): Promise<void> {
    this.clears += 1;
    const table = this.tables.get(request.table);
    if (table) table.rows = [];
  }
}
