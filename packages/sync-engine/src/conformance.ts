// `@mlc/sync-engine/conformance`: the state-store conformance suite and the crash-at-each-step suite registered with
// vitest (a peer dependency of this entry only). Call them at the top level of a test file. The cases, harnesses and
// in-memory fakes they run on are `@mlc/sync-engine/testing`, which does not load vitest. Every export is named.

export type { StateStoreConformanceOptions } from './testing/create-conformance-harness.js';
export { describeStateStoreConformance } from './testing/describe-state-store-conformance.js';
export type { CrashAtEachStepOptions } from './testing/describe-crash-at-each-step.js';
export { describeCrashAtEachStep } from './testing/describe-crash-at-each-step.js';
