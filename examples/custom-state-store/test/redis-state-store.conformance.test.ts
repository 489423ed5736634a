import { describeStateStoreConformance } from '@mlc/sync-engine/conformance';
import { createRedisStateStore, type RedisStateStore } from '../src/index.js';
import { deletePrefix, describeRedis, fileAdmin, randomPrefix, REDIS_URL } from './redis-test-env.js';

// The whole conformance suite, no case skipped. This machine's Redis keeps nothing on disk (appendonly no), so
// the stores opt out of the durability check here; redis-durability.test.ts asserts the refusal without it.
const admin = fileAdmin();

describeRedis('RedisStateStore', () => {
  describeStateStoreConformance<RedisStateStore>({
    name: 'RedisStateStore',
    create: ({ clock }) =>
      createRedisStateStore({
        url: REDIS_URL,
        prefix: randomPrefix('conformance'),
        clock,
        allowDataLossOnPowerCut: true,
      }),
    reopen: (store, { clock }) =>
      createRedisStateStore({ url: REDIS_URL, prefix: store.prefix, clock, allowDataLossOnPowerCut: true }),
    setStoredSchemaVersion: async (store, version) => {
      await admin?.hset(`${store.prefix}meta`, 'schemaVersion', String(version));
    },
    // A version marker of the wrong type: the data is there but cannot be read (§lifecycle.unreadable).
    corrupt: async (store) => {
      await admin?.del(`${store.prefix}meta`);
      await admin?.set(`${store.prefix}meta`, 'not a hash');
    },
    destroy: async (store) => {
      if (admin) await deletePrefix(admin, store.prefix);
    },
  });
});
