// Building blocks of the conformance cases: the stream they use, intents, ledger writes, leases, and the
// assertion that a call fails with a given StateStoreError code. Internal to `@mlc/sync-engine/testing`.
import assert from 'node:assert/strict';
import type { StateStore } from '../state-store/state-store.js';
import { isStateStoreError, type StateStoreErrorCode } from '../state-store/state-store-error.js';
import type { BatchIntent, DeadLetter, Fence, LedgerWrite } from '../state-store/types.js';

/** The stream most cases write. */
export const S = 'conformance-stream';

/** Asserts that `promise` rejects with a `StateStoreError` of `code`; `what` names the call in the message. */
export async function rejects(
  promise: Promise<unknown>,
  code: StateStoreErrorCode,
  what: string,
): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, `${what}: expected a StateStoreError ${code}, but it succeeded`);
  assert.ok(
    isStateStoreError(error, code),
    `${what}: expected a StateStoreError with code ${code}, got ${String((error as { name?: unknown })?.name)} ${String((error as { code?: unknown })?.code)}: ${String((error as Error)?.message)}`,
  );
}

/** Ledger writes for `keys` with hashes `${hashPrefix}-${key}`. */
export function entries(keys: string[], hashPrefix = 'h', version = 1): LedgerWrite[] {
  return keys.map((key) => ({ key, hash: `${hashPrefix}-${key}`, version, stamp: '2024-01-01T00:00:00Z' }));
}

/** An open `rows` intent of stream {@link S} with two ledger writes and a cursor, overridable. */
export function intent(id: string, over: Partial<BatchIntent> = {}): BatchIntent {
  const rows = over.rows ?? [{ a: 1, b: 'x', c: null, d: true, e: 1.5 }];
  return {
    batchId: id,
    stream: S,
    table: 'T',
    kind: 'rows',
    mode: 'append',
    rows,
    entries: entries(['k1', 'k2']),
    cursor: { stamp: '2024-01-01T00:00:00.001Z', key: 'k2' },
    rowCount: rows.length,
    createdAt: 1,
    attempts: 0,
    status: 'open',
    ...over,
  };
}

/** A record dead letter of stream {@link S}, overridable. */
export function recordLetter(id: string, over: Partial<DeadLetter> = {}): DeadLetter {
  return { id, stream: S, kind: 'record', status: 'open', createdAt: 1, key: id, reason: 'bad', ...over };
}

/** Takes a free lease and asserts that it was granted. */
export async function lease(
  store: StateStore,
  owner = 'A',
  name = S,
  ttlMs = 60_000,
): Promise<Fence & { owner: string; expiresAt: number }> {
  const l = await store.acquireLease({ name, owner, ttlMs });
  assert.ok(l, `acquireLease(${name}) by ${owner} on a free lease must succeed`);
  return l;
}

/** Everything a stream holds, read through the public methods (to prove that a rejected call changed nothing). */
export async function snapshotOf(store: StateStore, stream: string, keys: string[]): Promise<unknown> {
  const ledger = await store.lookupLedger(stream, keys);
  return {
    cursor: (await store.getCursor(stream)) ?? null,
    ledger: [...ledger.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    count: await store.countLedger(stream),
    open: await store.listOpenBatches(stream),
    letters: await store.listDeadLetters({ stream }),
  };
}
