import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';

/** Where the PostgreSQL tests connect. */
export const PG_URL = process.env.MLC_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probe(): Promise<Error | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    await client.end().catch(() => {});
  }
}

/** `undefined` when PostgreSQL answers, else why not. Probed once per test file. */
export const unreachable: Error | undefined = await probe();

/**
 * Registers `body` when PostgreSQL is reachable. Otherwise: on a developer machine the suite is skipped with a
 * loud warning naming `MLC_PG_URL`; under CI (`process.env.CI` set) a failing test is registered instead, because
 * CI must never skip these tests.
 */
export function describePostgres(name: string, body: () => void): void {
  if (!unreachable) {
    describe(name, body);
    return;
  }
  const reason = `${unreachable.name}: ${unreachable.message}`;
  if (process.env.CI) {
    describe(name, () => {
      it('PostgreSQL is reachable (CI never skips the PostgreSQL tests)', () => {
        throw new Error(`PostgreSQL at ${redactUrl(PG_URL)} is unreachable under CI: ${reason}`);
      });
    });
    return;
  }
  console.warn(
    `\n⚠️  SKIPPED "${name}": PostgreSQL at ${redactUrl(PG_URL)} is unreachable (${reason}).\n` +
      '⚠️  Start a server or set MLC_PG_URL=postgres://user@host:5432/db to run the PostgreSQL tests.\n',
  );
  describe.skip(name, body);
}

/** A fresh schema name for one test file or case. */
export function randomSchema(label: string): string {
  return `mlc_test_${label}_${randomBytes(6).toString('hex')}`;
}

/** An admin pool for fixtures (drop schemas, plant damage). */
export function adminPool(): pg.Pool {
  return new pg.Pool({ connectionString: PG_URL, max: 2 });
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
