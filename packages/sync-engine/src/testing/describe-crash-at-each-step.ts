import { describe, it } from 'vitest';
import type { TestClock } from '@mlc/core';
import type { ProtocolStep } from '../engine/engine-context.js';
import type { StateStore } from '../state-store/state-store.js';
import {
  CRASH_STEPS,
  type CrashRecovery,
  assertExactlyOnceAfterCrash,
  crashAtStep,
} from './crash-at-each-step.js';

/** Options of {@link describeCrashAtEachStep}. */
export interface CrashAtEachStepOptions<D> {
  /** Name shown in the test report. */
  name: string;
  /** New, empty data for one scenario (a file path, a schema, a key prefix, …). */
  data(): D | Promise<D>;
  /** A new, unopened store instance over `data`; lease expiry must follow `clock`. */
  store(data: D, context: { clock: TestClock }): StateStore | Promise<StateStore>;
  /** Removes the data after a scenario. */
  destroy?(data: D): void | Promise<void>;
  /** @default CRASH_STEPS */
  steps?: readonly ProtocolStep[];
  /** @default 'restart' */
  recovery?: CrashRecovery;
  /** Per-scenario timeout in ms. @default 60_000 */
  timeoutMs?: number;
}

/**
 * Registers one vitest test per step: the real engine over the store crashes at that step of batch 2, recovers
 * (`restart`: a new store instance over the same data; `takeover`: a second worker after the dead worker's lease
 * expired), and every record must be in the sink exactly once, with no intent left open and cursor and ledger
 * complete. The SQLite and PostgreSQL stores run it; so can a custom store.
 *
 * @example
 * describeCrashAtEachStep({
 *   name: 'MyStore',
 *   data: () => tempFile(),
 *   store: (file, { clock }) => new MyStore({ file, clock }),
 *   destroy: (file) => rmSync(file, { force: true }),
 * });
 */
export function describeCrashAtEachStep<D>(options: CrashAtEachStepOptions<D>): void {
  const recovery = options.recovery ?? 'restart';
  const how =
    recovery === 'takeover'
      ? 'a second worker takes over once its lease expired'
      : 'a restart on the same data';
  describe(`crash at each protocol step: ${options.name}`, () => {
    for (const step of options.steps ?? CRASH_STEPS) {
      it(
        `a crash at ${step} of batch 2, then ${how}: every record exactly once`,
        async () => {
          const data = await options.data();
          try {
            const outcome = await crashAtStep({
              step,
              recovery,
              store: (context) => options.store(data, context),
            });
            assertExactlyOnceAfterCrash(outcome, recovery);
          } finally {
            await options.destroy?.(data);
          }
        },
        options.timeoutMs ?? 60_000,
      );
    }
  });
}
