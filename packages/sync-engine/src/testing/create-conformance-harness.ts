import { TestClock } from '@mlc/core';
import type { StateStore } from '../state-store/state-store.js';
import type { ConformanceHarness } from './conformance-cases.js';

/** How the suite creates and manipulates the store under test. */
export interface StateStoreConformanceOptions<S extends StateStore = StateStore> {
  /** Name shown in the test report. */
  name: string;
  /**
   * Creates a store over new, empty data, not yet opened. Lease expiry must follow `clock` (stores that use
   * server time instead add `'lease-exclusive'`, `'lease-renew'` and `'stale-fence'` to `skip` and test expiry
   * themselves; see docs/state-store-contract.md §9).
   */
  create(context: { clock: TestClock }): S | Promise<S>;
  /** A new instance over the same data as `store` (not opened), as after a restart or from a second process. */
  reopen(store: S, context: { clock: TestClock }): S | Promise<S>;
  /** Writes `version` as the stored schema version of `store`'s data (`store` is closed first). */
  setStoredSchemaVersion(store: S, version: number): void | Promise<void>;
  /** Damages `store`'s data so it cannot be read (`store` is closed first). */
  corrupt(store: S): void | Promise<void>;
  /** Removes the data after a case. */
  destroy?(store: S): void | Promise<void>;
  /** Case ids to skip (see `stateStoreConformanceCases`). */
  skip?: string[];
  /** Per-case timeout in ms. @default 30_000 */
  timeoutMs?: number;
}

/**
 * Builds the harness of one conformance case over a new store (vitest-free: run the cases with any runner; the
 * vitest registration is `describeStateStoreConformance` of `@mlc/sync-engine/conformance`).
 */
export async function createConformanceHarness<S extends StateStore>(
  options: StateStoreConformanceOptions<S>,
): Promise<{ harness: ConformanceHarness; cleanup(): Promise<void> }> {
  const clock = new TestClock('2024-01-01T00:00:00Z');
  const first = await options.create({ clock });
  await first.open();
  const instances: S[] = [first];
  const make = async (open: boolean) => {
    const next = await options.reopen(first, { clock });
    instances.push(next);
    if (open) await next.open();
    return next;
  };
  const harness: ConformanceHarness = {
    store: first,
    clock,
    reopen: async () => {
      await first.close();
      return make(true);
    },
    connect: () => make(true),
    unopened: () => make(false),
    setStoredSchemaVersion: async (version) => {
      await first.close();
      await options.setStoredSchemaVersion(first, version);
    },
    corrupt: async () => {
      await first.close();
      await options.corrupt(first);
    },
  };
  return {
    harness,
    cleanup: async () => {
      for (const instance of instances) await instance.close().catch(() => {});
      await options.destroy?.(first);
    },
  };
}
