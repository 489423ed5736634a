import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, it } from 'vitest';

/** Where the Redis tests connect. */
export const REDIS_URL = process.env.MLC_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function probe(): Promise<Error | undefined> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    redis.disconnect();
  }
}

/** `undefined` when Redis answers, else why not. Probed once per test file. */
export const unreachable: Error | undefined = await probe();

/**
 * Registers `body` when Redis is reachable. Otherwise the suite is skipped with a loud warning naming
 * `MLC_REDIS_URL` — except under CI (`CI` set), where a failing test is registered instead.
 */
export function describeRedis(name: string, body: () => void): void {
  if (!unreachable) {
    describe(name, body);
    return;
  }
  const reason = `${unreachable.name}: ${unreachable.message}`;
  if (process.env.CI) {
    describe(name, () => {
      it('Redis is reachable (CI never skips the Redis tests)', () => {
        throw new Error(`Redis at ${REDIS_URL} is unreachable under CI: ${reason}`);
      });
    });
    return;
  }
  console.warn(
    `\n⚠️  SKIPPED "${name}": Redis at ${REDIS_URL} is unreachable (${reason}).\n` +
      '⚠️  Start redis-server or set MLC_REDIS_URL=redis://host:6379 to run the Redis store tests.\n',
  );
  describe.skip(name, body);
}

/** A fresh key prefix for one store. */
export function randomPrefix(label: string): string {
  return `mlc-test:${label}:${randomBytes(6).toString('hex')}:`;
}

/** An admin connection for fixtures (plant damage, delete a prefix). */
export function adminRedis(): Redis {
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  redis.on('error', () => {});
  return redis;
}

/**
 * An admin connection for one test file (closed after it), or `undefined` without Redis. Call at the top level.
 */
export function fileAdmin(): Redis | undefined {
  if (unreachable) return undefined;
  const redis = adminRedis();
  afterAll(() => redis.quit());
  return redis;
}

/** Deletes every key under `prefix`. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
