import { describeCrashAtEachStep } from '@mlc/sync-engine/conformance';
import { createRedisStateStore } from '../src/index.js';
import { deletePrefix, describeRedis, fileAdmin, randomPrefix, REDIS_URL } from './redis-test-env.js';

// The engine's shared crash harness over the Redis store: worker 1 crashes at each step of the batch protocol
// holding the lease; worker 2 (another connection) takes over once the lease expired. Every record exactly once.
const admin = fileAdmin();

describeRedis('the sync engine on RedisStateStore', () => {
  describeCrashAtEachStep<string>({
    name: 'RedisStateStore',
    recovery: 'takeover',
    data: () => randomPrefix('crash'),
    store: (prefix, { clock }) =>
      createRedisStateStore({ url: REDIS_URL, prefix, clock, allowDataLossOnPowerCut: true }),
    destroy: async (prefix) => {
      if (admin) await deletePrefix(admin, prefix);
    },
  });
});
