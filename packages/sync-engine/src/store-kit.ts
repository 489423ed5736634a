// `@mlc/sync-engine/store-kit`: what a team writing a StateStore on a non-SQL database (Redis, DynamoDB, files…)
// needs besides the interface: the contract's orders (UTF-16 keys, cursors) in a form a byte-ordered index can
// compare, and the invariant checks the memory, SQLite and PostgreSQL stores share, each throwing the
// StateStoreError the contract names. The rules are in docs/state-store-contract.md. Every export is named.

export { compareCursors } from './cursor/stream-cursor.js';
export { decodeLedgerKey, encodeLedgerKey } from './sql-codecs/ledger-key.js';
export { lastWritePerKey } from './sql-codecs/stored-records.js';
export { applyIntentPatch, type PatchableIntent } from './store-kit/apply-intent-patch.js';
export { batchDeadLetter } from './store-kit/batch-dead-letter.js';
export {
  assertBatchAbsent,
  assertBatchFound,
  assertBatchOpen,
  assertCursorForward,
  assertDeadLetterAbsent,
  assertFence,
  assertIntentOpen,
  leaseLost,
} from './store-kit/invariants.js';
export { compareKeys, cursorSortKey } from './store-kit/ordering.js';
export type { QuotaScopeState } from './store-kit/quota-state.js';
export {
  assertQuotaRequest,
  assertQuotaUpdate,
  decideQuota,
  nextQuotaSize,
  quotaHorizon,
} from './store-kit/quota-state.js';
