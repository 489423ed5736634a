import { describeStateStoreConformance } from '@mlc/sync-engine/conformance';
import { MemoryStateStore } from '../src/index.js';

describeStateStoreConformance<MemoryStateStore>({
  name: 'MemoryStateStore',
  create: ({ clock }) => new MemoryStateStore({ clock }),
  reopen: (store, { clock }) => new MemoryStateStore({ storage: store.storage, clock }),
  setStoredSchemaVersion: (store, version) => {
    store.storage.meta = { schemaVersion: version };
  },
  corrupt: (store) => {
    store.storage.meta = '\u0000garbage';
  },
});
