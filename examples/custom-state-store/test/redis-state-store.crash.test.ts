import { describeCrashAtEachStep } from '@mlc/sync-engine/testing';
import { afterAll } from 'vitest';
import { createRedisStateStore } from '../src/index.js';
import {
  adminRedis,
  deletePrefix,
  describeRedis,
  randomPrefix,
  REDIS_URL,
  unreachable,
} from './redis-test-env.js';

// The engine's shared crash harness over the Redis store: worker 1 crashes at each step of the batch protocol
// holding the lease; worker 2 (another connection) takes over once the lease expired. Every record exactly once.
const admin = unreachable ? undefined : adminRedis();
afterAll(() => admin?.quit());

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
