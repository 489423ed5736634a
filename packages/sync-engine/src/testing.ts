// Public surface of `@mlc/sync-engine/testing`: in-memory fakes of a source and a sink for downstream tests, the
// state-store conformance cases with their harness, and the crash-at-a-step harness. None of it loads vitest, so
// MemorySource and MemorySink work under any test runner (or none); the vitest registrations of the suites are
// `@mlc/sync-engine/conformance`.

export type { ConformanceCase, ConformanceHarness } from './testing/conformance-cases.js';
export { stateStoreConformanceCases } from './testing/conformance-cases.js';
export type { StateStoreConformanceOptions } from './testing/create-conformance-harness.js';
export { createConformanceHarness } from './testing/create-conformance-harness.js';
export type {
  CrashAtStepOptions,
  CrashAtStepOutcome,
  CrashRecovery,
} from './testing/crash-at-each-step.js';
export { CRASH_STEPS, assertExactlyOnceAfterCrash, crashAtStep } from './testing/crash-at-each-step.js';
export type { MemorySourceOptions } from './testing/memory-source.js';
export { MemorySource } from './testing/memory-source.js';
export type {
  MemorySinkCountFault,
  MemorySinkFault,
  MemorySinkOptions,
  SinkRow,
} from './testing/memory-sink.js';
export { MemorySink } from './testing/memory-sink.js';
