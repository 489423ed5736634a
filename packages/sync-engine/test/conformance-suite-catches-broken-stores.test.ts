import type { TestClock } from '@mlc/core';
import { createConformanceHarness, stateStoreConformanceCases } from '@mlc/sync-engine/testing';
import { describe, expect, it } from 'vitest';
import { type BatchCommitOptions, type Fence, MemoryStateStore, type StateStore } from '../src/index.js';

/** Commits step by step with pauses in between, and checks the cursor only after writing the ledger. */
class NonAtomicStore extends MemoryStateStore {
  override async commitBatch(batchId: string, fence: Fence, options: BatchCommitOptions): Promise<void> {
    this.assertOpen();
    const batch = this.openBatch(batchId, fence);
    const pause = () => new Promise((resolve) => setImmediate(resolve));
    for (const entry of batch.entries) {
      this.writeLedger(batch.stream, [entry]);
      await pause();
    }
    this.checkCursorForward(batch);
    if (batch.cursor) this.writeCursor(batch.stream, batch.cursor);
    await pause();
    this.settleBatch(batch, 'committed', options.at);
  }
}

/** Accepts any fencing token. */
class FencelessStore extends MemoryStateStore {
  protected override checkFence(): void {}
}

function optionsFor(Kind: typeof MemoryStateStore) {
  return {
    name: Kind.name,
    create: ({ clock }: { clock: TestClock }) => new Kind({ clock }),
    reopen: (store: MemoryStateStore, { clock }: { clock: TestClock }) =>
      new Kind({ storage: store.storage, clock }),
    setStoredSchemaVersion: (store: MemoryStateStore, version: number) => {
      store.storage.meta = { schemaVersion: version };
    },
    corrupt: (store: MemoryStateStore) => {
      store.storage.meta = 'garbage';
    },
  };
}

async function failures(Kind: typeof MemoryStateStore): Promise<string[]> {
  const failed: string[] = [];
  for (const testCase of stateStoreConformanceCases) {
    const { harness, cleanup } = await createConformanceHarness(optionsFor(Kind));
    try {
      await testCase.run(harness);
    } catch {
      failed.push(testCase.id);
    } finally {
      await cleanup();
    }
  }
  return failed;
}

describe('the conformance suite itself', () => {
  it('passes the memory store (control)', async () => {
    expect(await failures(MemoryStateStore)).toEqual([]);
  });

  it('fails a store whose commits are not atomic', async () => {
    const failed = await failures(NonAtomicStore);
    expect(failed).toContain('commit-atomic-readers');
    expect(failed).toContain('commit-atomic-on-reject');
  });

  it('fails a store that ignores fencing tokens', async () => {
    const failed = await failures(FencelessStore);
    expect(failed).toEqual(['stale-fence']);
  });

  it('reports what is wrong in the failure message', async () => {
    const { harness, cleanup } = await createConformanceHarness(optionsFor(FencelessStore));
    const stale = stateStoreConformanceCases.find((c) => c.id === 'stale-fence');
    await expect(stale?.run(harness)).rejects.toThrow(
      /commit with a stale token: expected a StateStoreError STORE_STALE_FENCE, but it succeeded/,
    );
    await cleanup();
  });
});

// Keeps the type import honest: the broken stores are still StateStores.
const _typecheck: StateStore[] = [new NonAtomicStore(), new FencelessStore()];
void _typecheck;
