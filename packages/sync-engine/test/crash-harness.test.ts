import { assertExactlyOnceAfterCrash, crashAtStep } from '@mlc/sync-engine/testing';
import { describeCrashAtEachStep } from '@mlc/sync-engine/conformance';
import { describe, expect, it } from 'vitest';
import { createMemoryStateStorage, type MemoryStateStorage, MemoryStateStore } from '../src/index.js';

// The shared crash-at-each-step harness of @mlc/sync-engine/testing: the memory store passes it (one storage =
// one database, each store instance = one process), and it fails a store that forgets acknowledged intents.

describeCrashAtEachStep<MemoryStateStorage>({
  name: 'MemoryStateStore',
  data: () => createMemoryStateStorage(),
  store: (storage, { clock }) => new MemoryStateStore({ storage, clock }),
});

describeCrashAtEachStep<MemoryStateStorage>({
  name: 'MemoryStateStore, a second worker taking over',
  recovery: 'takeover',
  steps: ['post-returned'],
  data: () => createMemoryStateStorage(),
  store: (storage, { clock }) => new MemoryStateStore({ storage, clock }),
});

describe('the crash harness fails a store that is not crash-safe', () => {
  it('an intent lost with the process (not durable): the rows of batch 2 are posted twice', async () => {
    const storage = createMemoryStateStorage();
    const outcome = await crashAtStep({
      step: 'post-returned',
      // Every new instance ("the process after a power cut") has lost the open intents.
      store: ({ clock }) => {
        for (const [id, batch] of storage.batches) if (batch.status === 'open') storage.batches.delete(id);
        return new MemoryStateStore({ storage, clock });
      },
    });
    expect(() => assertExactlyOnceAfterCrash(outcome)).toThrow(/no record is posted twice/);
    expect(outcome.postedKeys.length).toBeGreaterThan(outcome.expectedKeys.length);
  });

  it('a commit that forgets the cursor: the state check names it', async () => {
    class NoCursor extends MemoryStateStore {
      protected override writeCursor(): void {}
    }
    const storage = createMemoryStateStorage();
    const outcome = await crashAtStep({
      step: 'committed',
      store: ({ clock }) => new NoCursor({ storage, clock }),
    });
    expect(() => assertExactlyOnceAfterCrash(outcome)).toThrow(/cursor is the last record's/);
  });
});
