import { SyncError } from '../errors/sync-error.js';
import { isStateStoreError } from '../state-store/state-store-error.js';
import type { Lease } from '../state-store/types.js';
import {
  audit,
  type EngineContext,
  type ResolvedStream,
  type RunScope,
  type RunStats,
} from './engine-context.js';

/** Timing of a stream lease (see the fencing argument in docs/architecture.md). */
export interface LeaseTiming {
  /** Who holds it. */
  owner: string;
  /** Lease time to live. */
  leaseTtlMs: number;
  /** Heartbeat: how often the lease is renewed while it is held. */
  leaseRenewIntervalMs: number;
}

/**
 * A stream lease this worker holds: renewed by a background heartbeat for as long as it is held, checked before
 * every request that posts rows ({@link HeldLease.fence}), and lost at once — `signal` aborts, in-flight
 * requests with it — when a renewal is refused or the lease runs out on this worker's clock.
 */
export interface HeldLease {
  /** The current lease (the fence of every store write). */
  current(): Lease;
  /** Local time (this worker's clock) just before the lease was granted: a takeover counts from here. */
  readonly acquiredAt: number;
  /** Aborted with a `SYNC_LEASE_LOST` error when the lease is lost. */
  readonly signal: AbortSignal;
  /** Renews now if half the TTL has passed since the last grant (kept for long stretches between batches). */
  renewIfDue(): Promise<void>;
  /**
   * The fencing check, right before a request that posts rows: passes only when the lease is still held with at
   * least `timeoutMs + leaseRenewIntervalMs` left on this worker's clock (renewing first when less is left), so the
   * request ends before the lease can, even if the next heartbeat fails. Otherwise the lease is given up (signal
   * aborted) and a `SYNC_LEASE_LOST` error is thrown: nothing may be sent.
   */
  fence(request: { timeoutMs: number }): Promise<void>;
}

/** Acquires the stream lease and runs `fn` while holding it; `undefined` when another holder has it. */
export async function withHeldLease<T>(
  ctx: EngineContext,
  stream: string,
  timing: LeaseTiming,
  fn: (held: HeldLease) => Promise<T>,
): Promise<T | undefined> {
  // Lease time is reckoned on the local clock from just before each grant, never from `lease.expiresAt`: a store
  // may stamp expiry with its own clock (PostgreSQL's), and only elapsed local time is comparable.
  const acquiredAt = ctx.clock.now();
  const acquired = await ctx.store.acquireLease({
    name: stream,
    owner: timing.owner,
    ttlMs: timing.leaseTtlMs,
  });
  if (!acquired) return undefined;
  const keeper = new LeaseKeeper(ctx, stream, timing, acquired, acquiredAt);
  const heartbeat = keeper.heartbeat();
  const held: HeldLease = {
    current: () => keeper.lease,
    acquiredAt,
    signal: keeper.signal,
    renewIfDue: () => keeper.renewIfDue(),
    fence: (request) => keeper.fence(request),
  };
  try {
    return await fn(held);
  } finally {
    await keeper.release(heartbeat);
  }
}

/**
 * The state of one held lease and what keeps it: single-flight renewals, the background heartbeat, the fencing
 * check, the loss (once: the signal aborts and a `lease-lost` audit entry is written) and the release.
 */
class LeaseKeeper {
  readonly #ctx: EngineContext;
  readonly #stream: string;
  readonly #timing: LeaseTiming;
  #lease: Lease;
  #grantedAt: number;
  #renewing: Promise<void> | undefined;
  readonly #lost = new AbortController();
  readonly #stopHeartbeat = new AbortController();

  constructor(ctx: EngineContext, stream: string, timing: LeaseTiming, lease: Lease, grantedAt: number) {
    this.#ctx = ctx;
    this.#stream = stream;
    this.#timing = timing;
    this.#lease = lease;
    this.#grantedAt = grantedAt;
  }

  /** The current lease. */
  get lease(): Lease {
    return this.#lease;
  }

  /** Aborted with a `SYNC_LEASE_LOST` error when the lease is lost. */
  get signal(): AbortSignal {
    return this.#lost.signal;
  }

  /** Renews the lease in the background every renew interval until {@link LeaseKeeper.release} or a loss. */
  async heartbeat(): Promise<void> {
    const ctx = this.#ctx;
    const timing = this.#timing;
    while (!this.#stopHeartbeat.signal.aborted && !this.#lost.signal.aborted) {
      try {
        await ctx.clock.sleep(timing.leaseRenewIntervalMs, this.#stopHeartbeat.signal, { background: true });
      } catch {
        return; // released
      }
      if (this.#lost.signal.aborted) return;
      // A paused process (SIGSTOP, a long GC) wakes here late: if the lease ran out meanwhile, another worker may
      // hold it now, so give it up before anything else is sent.
      if (this.#remaining() <= 0) {
        await this.#lose(
          `it ran out on this worker's clock (${-this.#remaining()} ms ago) before it could be renewed`,
        );
        return;
      }
      await this.#renew().catch((error: unknown) => {
        if (!this.#lost.signal.aborted)
          ctx.logger.warn(
            { err: error, stream: this.#stream },
            'lease renewal failed; retrying at the next heartbeat',
          );
      });
    }
  }

  /** See {@link HeldLease.renewIfDue}. */
  async renewIfDue(): Promise<void> {
    if (this.#lost.signal.aborted) throw this.#lost.signal.reason;
    if (this.#ctx.clock.now() - this.#grantedAt < this.#timing.leaseTtlMs / 2) return;
    await this.#renew();
  }

  /** See {@link HeldLease.fence}. */
  async fence({ timeoutMs }: { timeoutMs: number }): Promise<void> {
    if (this.#lost.signal.aborted) throw this.#lost.signal.reason;
    const needed = timeoutMs + this.#timing.leaseRenewIntervalMs;
    if (this.#remaining() <= 0) {
      throw await this.#lose(`it ran out on this worker's clock ${-this.#remaining()} ms before a POST`);
    }
    if (this.#remaining() < needed) {
      try {
        await this.#renew();
      } catch (error) {
        throw await this.#lose(
          `only ${Math.max(0, this.#remaining())} ms were left, less than the ${needed} ms a POST may take, and renewing failed`,
          error,
        );
      }
    }
    if (this.#remaining() < needed) {
      throw await this.#lose(
        `only ${Math.max(0, this.#remaining())} ms left after renewing, less than the ${needed} ms a POST may take`,
      );
    }
  }

  /** Stops the heartbeat, waits for it and any renewal, then releases the lease unless it was lost. */
  async release(heartbeat: Promise<void>): Promise<void> {
    this.#stopHeartbeat.abort();
    await heartbeat;
    await this.#renewing?.catch(() => {});
    if (!this.#lost.signal.aborted) {
      await this.#ctx.store.releaseLease(this.#lease).catch((error: unknown) => {
        this.#ctx.logger.warn({ err: error, stream: this.#stream }, 'could not release lease');
      });
    }
  }

  #remaining(): number {
    return this.#grantedAt + this.#timing.leaseTtlMs - this.#ctx.clock.now();
  }

  /** Loses the lease (once): aborts the signal, audits `lease-lost`; returns the `SYNC_LEASE_LOST` error. */
  async #lose(message: string, cause?: unknown): Promise<SyncError> {
    const lost = this.#lost;
    const stream = this.#stream;
    const error =
      lost.signal.reason instanceof SyncError
        ? lost.signal.reason
        : new SyncError({
            code: 'SYNC_LEASE_LOST',
            stream,
            message: `lease on stream ${stream} lost: ${message}; requests in flight aborted, stream stopped`,
            ...(cause !== undefined ? { cause } : {}),
          });
    if (!lost.signal.aborted) {
      lost.abort(error);
      await audit(this.#ctx, { type: 'lease-lost', stream, message: error.message });
    }
    return error;
  }

  /** One renewal (single-flight): extends the lease, or loses it when the store refuses. */
  #renew(): Promise<void> {
    this.#renewing ??= (async () => {
      const requestedAt = this.#ctx.clock.now();
      try {
        this.#lease = await this.#ctx.store.renewLease(this.#lease, this.#timing.leaseTtlMs);
        this.#grantedAt = requestedAt;
      } catch (error) {
        if (isStateStoreError(error, 'STORE_LEASE_LOST'))
          throw await this.#lose('another worker holds it', error);
        if (this.#remaining() <= 0)
          throw await this.#lose('it ran out while the store could not renew it', error);
        throw error;
      }
    })().finally(() => {
      this.#renewing = undefined;
    });
    return this.#renewing;
  }
}

/** What a run (or a replay) under a held lease brings to its {@link RunScope}. */
export interface ScopeUnderLease {
  /** The run's own abort signal (a hard stop); a lost lease aborts it too. */
  signal: AbortSignal;
  stats: RunStats;
  runId: string;
  stopping(): boolean;
  /** After each committed batch. @default renew the lease when due */
  afterBatch?(): Promise<void>;
}

/** The {@link RunScope} of work done under `held`: the lease, fencing and heartbeat all come from it. */
export function scopeUnderLease(
  ctx: EngineContext,
  stream: ResolvedStream,
  held: HeldLease,
  run: ScopeUnderLease,
): RunScope {
  return {
    ctx,
    stream,
    get lease() {
      return held.current();
    },
    // A lost lease aborts the run's requests in flight, as a hard stop does.
    signal: AbortSignal.any([run.signal, held.signal]),
    stats: run.stats,
    runId: run.runId,
    afterBatch: run.afterBatch ?? (() => held.renewIfDue()),
    keepLease: () => held.renewIfDue(),
    fence: (request) => held.fence(request),
    leaseAcquiredAt: held.acquiredAt,
    stopping: run.stopping,
  };
}
