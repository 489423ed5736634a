import { type Logger, defaultLogger } from '@mlc/core';
import { StateStoreError } from '@mlc/sync-engine';
import type { Pool } from 'pg';

/** Options of {@link createPostgresStateStore}. Pass exactly one of `pool` and `connectionString`. */
export interface PostgresStateStoreOptions {
  /** A pool you own (the store never ends it). */
  pool?: Pool;
  /** Connection string for a pool the store creates and ends on `close()`, e.g. `postgres://user@host:5432/db`. */
  connectionString?: string;
  /** Size of the pool the store creates from `connectionString`. @default 10 */
  poolSize?: number;
  /**
   * Schema holding the store's tables; created when missing (if the role may), several stores can share a
   * database under different schemas. Lowercase letters, digits and `_`, starting with a letter or `_`.
   * @default 'mlc_sync'
   */
  schema?: string;
  /**
   * Time source for lease expiry (epoch ms). Leave it unset in production: the PostgreSQL server's clock is then
   * the one clock every worker agrees on, whatever the skew between machines. Tests inject a test clock.
   * @default the server's `clock_timestamp()`
   */
  clock?: { now(): number };
  /**
   * Where errors of idle pooled connections are reported (the store's own pool only).
   * @default warnings and errors to stderr (`MLC_LOG_LEVEL` sets the level); pass `silentLogger` for silence
   */
  logger?: Logger;
}

/** {@link PostgresStateStoreOptions} after validation. */
export interface ResolvedPostgresStateStoreOptions {
  /** Caller's pool, when given. */
  pool: Pool | undefined;
  /** Connection string, when given. */
  connectionString: string | undefined;
  /** Size of an own pool. */
  poolSize: number;
  /** Schema name (validated, unquoted). */
  schema: string;
  /** Lease clock; `undefined` = server time. */
  clock: { now(): number } | undefined;
  /** Logger. */
  logger: Logger;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Validates options and fills in defaults; throws `STORE_INVALID_ARGUMENT` naming the bad field. */
export function resolvePostgresStateStoreOptions(
  options: PostgresStateStoreOptions,
): ResolvedPostgresStateStoreOptions {
  const bad = (field: string, reason: string) =>
    new StateStoreError({
      code: 'STORE_INVALID_ARGUMENT',
      message: `PostgreSQL state store option ${field}: ${reason}`,
    });
  const hasPool = options?.pool !== undefined;
  const hasUrl = options?.connectionString !== undefined;
  if (hasPool === hasUrl) throw bad('pool/connectionString', 'pass exactly one of them');
  if (hasUrl && (typeof options.connectionString !== 'string' || options.connectionString.length === 0)) {
    // The value may hold a password: never echo it.
    throw bad('connectionString', 'must be a non-empty string');
  }
  const schema = options.schema ?? 'mlc_sync';
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw bad('schema', `${JSON.stringify(String(schema))} must match ${SCHEMA_NAME}`);
  }
  const poolSize = options.poolSize ?? 10;
  if (!Number.isInteger(poolSize) || poolSize < 1) throw bad('poolSize', 'must be an integer ≥ 1');
  return {
    pool: options.pool,
    connectionString: options.connectionString,
    poolSize,
    schema,
    clock: options.clock,
    logger: defaultLogger(options.logger),
  };
}
