// The example's public surface: the Redis store and its durability check.
export type { RedisStateStoreOptions } from './redis-state-store.js';
export { RedisStateStore, createRedisStateStore } from './redis-state-store.js';
export type { RedisPersistence } from './redis-durability.js';
export { RedisNotDurableError, durabilityProblems, readRedisPersistence } from './redis-durability.js';
