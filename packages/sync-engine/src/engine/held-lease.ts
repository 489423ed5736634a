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
  let lease: Lease = acquired;
  let grantedAt = acquiredAt;
  let renewing: Promise<void> | undefined;
  const lost = new AbortController();
  const stopHeartbeat = new AbortController();

  const loseLease = async (message: string, cause?: unknown): Promise<SyncError> => {
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
      await audit(ctx, { type: 'lease-lost', stream, message: error.message });
    }
    return error;
  };
  const remaining = () => grantedAt + timing.leaseTtlMs - ctx.clock.now();

  /** One renewal (single-flight): extends the lease, or loses it when the store refuses. */
  const renew = (): Promise<void> => {
    renewing ??= (async () => {
      const requestedAt = ctx.clock.now();
      try {
        lease = await ctx.store.renewLease(lease, timing.leaseTtlMs);
        grantedAt = requestedAt;
      } catch (error) {
        if (isStateStoreError(error, 'STORE_LEASE_LOST'))
          throw await loseLease('another worker holds it', error);
        if (remaining() <= 0) throw await loseLease('it ran out while the store could not renew it', error);
        throw error;
      }
    })().finally(() => {
      renewing = undefined;
    });
    return renewing;
  };

  const heartbeat = (async () => {
    while (!stopHeartbeat.signal.aborted && !lost.signal.aborted) {
      try {
        await ctx.clock.sleep(timing.leaseRenewIntervalMs, stopHeartbeat.signal, { background: true });
      } catch {
        return; // released
      }
      if (lost.signal.aborted) return;
      // A paused process (SIGSTOP, a long GC) wakes here late: if the lease ran out meanwhile, another worker may
      // hold it now, so give it up before anything else is sent.
      if (remaining() <= 0) {
        await loseLease(
          `it ran out on this worker's clock (${-remaining()} ms ago) before it could be renewed`,
        );
        return;
      }
      await renew().catch((error: unknown) => {
        if (!lost.signal.aborted)
          ctx.logger.warn({ err: error, stream }, 'lease renewal failed; retrying at the next heartbeat');
      });
    }
  })();

  const held: HeldLease = {
    current: () => lease,
    acquiredAt,
    signal: lost.signal,
    async renewIfDue() {
      if (lost.signal.aborted) throw lost.signal.reason;
      if (ctx.clock.now() - grantedAt < timing.leaseTtlMs / 2) return;
      await renew();
    },
    async fence({ timeoutMs }) {
      if (lost.signal.aborted) throw lost.signal.reason;
      const needed = timeoutMs + timing.leaseRenewIntervalMs;
      if (remaining() <= 0) {
        throw await loseLease(`it ran out on this worker's clock ${-remaining()} ms before a POST`);
      }
      if (remaining() < needed) {
        try {
          await renew();
        } catch (error) {
          throw await loseLease(
            `only ${Math.max(0, remaining())} ms were left, less than the ${needed} ms a POST may take, and renewing failed`,
            error,
          );
        }
      }
      if (remaining() < needed) {
        throw await loseLease(
          `only ${Math.max(0, remaining())} ms left after renewing, less than the ${needed} ms a POST may take`,
        );
      }
    },
  };
  try {
    return await fn(held);
  } finally {
    stopHeartbeat.abort();
    await heartbeat;
    await renewing?.catch(() => {});
    if (!lost.signal.aborted) {
      await ctx.store.releaseLease(lease).catch((error: unknown) => {
        ctx.logger.warn({ err: error, stream }, 'could not release lease');
      });
    }
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
