import { describe, expect, it } from 'vitest';
import { STATE_STORE_SCHEMA_VERSION } from '@mlc/sync-engine';
import {
  createRedisStateStore,
  durabilityProblems,
  RedisNotDurableError,
  readRedisPersistence,
} from '../src/index.js';
import { adminRedis, describeRedis, randomPrefix, REDIS_URL } from './redis-test-env.js';

describe('durabilityProblems (§durability: an acknowledged write is on disk before the reply)', () => {
  const durable = { appendonly: 'yes', appendfsync: 'always', noAppendfsyncOnRewrite: 'no' };
  it('accepts only appendonly yes + appendfsync always + fsync during rewrites', () => {
    expect(durabilityProblems(durable)).toEqual([]);
  });
  it.each([
    [{ appendonly: 'no' }, /appendonly is "no"/],
    [{ appendfsync: 'everysec' }, /appendfsync is "everysec".*up to a second/],
    [{ appendfsync: 'no' }, /appendfsync is "no"/],
    [{ noAppendfsyncOnRewrite: 'yes' }, /no-appendfsync-on-rewrite is "yes"/],
  ])('refuses %o', (change, reason) => {
    const problems = durabilityProblems({ ...durable, ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(reason);
  });
});

describeRedis('RedisStateStore.open() checks the server before touching data', () => {
  it('refuses a server that may lose acknowledged writes, unless the caller accepts the loss', async () => {
    const admin = adminRedis();
    await admin.connect();
    try {
      const problems = durabilityProblems(await readRedisPersistence(admin));
      const prefix = randomPrefix('durability');
      const store = createRedisStateStore({ url: REDIS_URL, prefix });
      if (problems.length === 0) {
        // A durable server (appendonly yes, appendfsync always): it opens.
        await store.open();
        await store.close();
      } else {
        // This development machine's Redis: appendonly no (started with --appendonly no).
        const error = await store.open().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(RedisNotDurableError);
        expect((error as RedisNotDurableError).problems).toEqual(problems);
        expect((error as Error).message).toMatch(/allowDataLossOnPowerCut/);
        await expect(store.getCursor('s')).rejects.toMatchObject({ code: 'STORE_NOT_OPEN' });
        expect(await admin.keys(`${prefix}*`)).toEqual([]); // nothing was written
        const accepted = createRedisStateStore({ url: REDIS_URL, prefix, allowDataLossOnPowerCut: true });
        await accepted.open();
        expect(await accepted.schemaVersion()).toBe(STATE_STORE_SCHEMA_VERSION);
        await accepted.close();
        await admin.del(`${prefix}meta`);
      }
    } finally {
      await admin.quit();
    }
  });
});

describeRedis('RedisStateStore.open() of data from a newer layout', () => {
  it('is STORE_SCHEMA_NEWER telling the operator what to upgrade, and leaves the data alone', async () => {
    const admin = adminRedis();
    await admin.connect();
    const prefix = randomPrefix('schema-newer');
    try {
      await admin.hset(`${prefix}meta`, 'schemaVersion', String(STATE_STORE_SCHEMA_VERSION + 1));
      const store = createRedisStateStore({ url: REDIS_URL, prefix, allowDataLossOnPowerCut: true });
      await expect(store.open()).rejects.toMatchObject({
        code: 'STORE_SCHEMA_NEWER',
        message: expect.stringMatching(
          new RegExp(
            `schema version ${STATE_STORE_SCHEMA_VERSION + 1}, .*reads up to ${STATE_STORE_SCHEMA_VERSION}; upgrade .*@mlc/sync-engine`,
          ),
        ),
      });
      expect(await admin.hget(`${prefix}meta`, 'schemaVersion')).toBe(String(STATE_STORE_SCHEMA_VERSION + 1));
    } finally {
      await admin.del(`${prefix}meta`);
      await admin.quit();
    }
  });
});
