import type { Redis } from 'ioredis';

/** The persistence settings of a Redis server that decide whether an acknowledged write survives a power cut. */
export interface RedisPersistence {
  /** `CONFIG GET appendonly`: `yes` writes every command to the append-only file. */
  appendonly: string;
  /** `CONFIG GET appendfsync`: `always` fsyncs before the reply; `everysec` loses up to a second; `no` more. */
  appendfsync: string;
  /** `CONFIG GET no-appendfsync-on-rewrite`: `yes` skips fsync while the AOF is rewritten. */
  noAppendfsyncOnRewrite: string;
}

/**
 * What keeps `persistence` from being durable in the sense of the contract's §durability (an acknowledged write is
 * on disk before the reply): one sentence per setting, empty when it is durable.
 */
export function durabilityProblems(persistence: RedisPersistence): string[] {
  const problems: string[] = [];
  if (persistence.appendonly !== 'yes') {
    problems.push(
      `appendonly is "${persistence.appendonly}": writes live in memory (and in periodic snapshots at best) until then`,
    );
  }
  if (persistence.appendfsync !== 'always') {
    problems.push(
      `appendfsync is "${persistence.appendfsync}": Redis acknowledges before the write is fsync'ed (everysec loses up to a second of acknowledged writes)`,
    );
  }
  if (persistence.noAppendfsyncOnRewrite === 'yes') {
    problems.push(
      'no-appendfsync-on-rewrite is "yes": fsync is skipped while the append-only file is rewritten',
    );
  }
  return problems;
}

/** Reads the persistence settings with `CONFIG GET` (which managed services may forbid: then it throws). */
export async function readRedisPersistence(redis: Redis): Promise<RedisPersistence> {
  const get = async (name: string): Promise<string> => {
    const reply = (await redis.config('GET', name)) as string[];
    return reply[1] ?? '';
  };
  return {
    appendonly: await get('appendonly'),
    appendfsync: await get('appendfsync'),
    noAppendfsyncOnRewrite: await get('no-appendfsync-on-rewrite'),
  };
}

/** Thrown by `open()` when the server cannot guarantee that an acknowledged intent survives a power cut. */
export class RedisNotDurableError extends Error {
  /** Literal name. */
  override name = 'RedisNotDurableError';
  /** Stable code. */
  readonly code = 'REDIS_NOT_DURABLE';
  /** What is wrong, one sentence per setting. */
  readonly problems: readonly string[];

  /** Builds the error from the problems found. */
  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(
      `Redis state store: refusing to open, an acknowledged intent could be lost in a power cut (${problems.join('; ')}). ` +
        'Run Redis with "appendonly yes" and "appendfsync always" (and "no-appendfsync-on-rewrite no"), or pass ' +
        'allowDataLossOnPowerCut: true to accept that a power cut may make the next run post rows twice.',
      options,
    );
    this.problems = problems;
  }
}
