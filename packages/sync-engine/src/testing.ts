// Public surface of `@mlc/sync-engine/testing`: the StateStore conformance suite and the crash-at-each-step
// harness (both need vitest), and in-memory fakes of a source and a sink for downstream tests.

export type { ConformanceCase, ConformanceHarness } from './testing/conformance-cases.js';
export { stateStoreConformanceCases } from './testing/conformance-cases.js';
export type { StateStoreConformanceOptions } from './testing/describe-state-store-conformance.js';
export {
  createConformanceHarness,
  describeStateStoreConformance,
} from './testing/describe-state-store-conformance.js';
export type {
  CrashAtEachStepOptions,
  CrashAtStepOptions,
  CrashAtStepOutcome,
  CrashRecovery,
} from './testing/crash-at-each-step.js';
export {
  CRASH_STEPS,
  assertExactlyOnceAfterCrash,
  crashAtStep,
  describeCrashAtEachStep,
} from './testing/crash-at-each-step.js';
export type { MemorySourceOptions } from './testing/memory-source.js';
export { MemorySource } from './testing/memory-source.js';
export type {
  MemorySinkCountFault,
  MemorySinkFault,
  MemorySinkOptions,
  SinkRow,
} from './testing/memory-sink.js';
export { MemorySink } from './testing/memory-sink.js';
