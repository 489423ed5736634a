import { describe, it } from 'vitest';
import type { StateStore } from '../state-store/state-store.js';
import { stateStoreConformanceCases } from './conformance-cases.js';
import { type StateStoreConformanceOptions, createConformanceHarness } from './create-conformance-harness.js';

/**
 * Registers the state-store conformance suite with vitest. Call it at the top level of a test file:
 *
 * @example
 * describeStateStoreConformance({
 *   name: 'my store',
 *   create: () => new MyStore(tempFile()),
 *   reopen: (store) => new MyStore(store.file),
 *   setStoredSchemaVersion: (store, v) => writeVersion(store.file, v),
 *   corrupt: (store) => fs.writeFileSync(store.file, 'garbage'),
 * });
 */
export function describeStateStoreConformance<S extends StateStore>(
  options: StateStoreConformanceOptions<S>,
): void {
  const skip = new Set(options.skip ?? []);
  describe(`StateStore conformance: ${options.name}`, () => {
    for (const testCase of stateStoreConformanceCases) {
      const run = skip.has(testCase.id) ? it.skip : it;
      run(
        `${testCase.id}: ${testCase.title} [${testCase.contract.map((id) => `§${id}`).join(', ')}]`,
        async () => {
          const { harness, cleanup } = await createConformanceHarness(options);
          try {
            await testCase.run(harness);
          } finally {
            await cleanup();
          }
        },
        options.timeoutMs ?? 30_000,
      );
    }
  });
}
