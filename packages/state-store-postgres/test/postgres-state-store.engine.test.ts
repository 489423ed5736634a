import { describeCrashAtEachStep } from '@mlc/sync-engine/conformance';
import { afterAll } from 'vitest';
import { createPostgresStateStore } from '../src/index.js';
import { adminPool, describePostgres, PG_URL, randomSchema, unreachable } from './pg-test-env.js';

// The real engine over the PostgreSQL store: worker 1 crashes at a step of the batch protocol while holding the
// lease; worker 2 (another pool, "another machine") waits for the lease to expire, resolves the open intent and
// finishes. Every record must be posted exactly once. The harness is the engine's shared one
// (@mlc/sync-engine/testing), which the SQLite store and custom stores use too.

const admin = unreachable ? undefined : adminPool();
const schemas: string[] = [];
afterAll(async () => {
  for (const s of schemas) await admin?.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await admin?.end();
});

describePostgres('the sync engine on PostgresStateStore, across two workers', () => {
  describeCrashAtEachStep({
    name: 'PostgresStateStore',
    recovery: 'takeover',
    data: () => {
      const schema = randomSchema('engine');
      schemas.push(schema);
      return schema;
    },
    store: (schema, { clock }) =>
      createPostgresStateStore({ connectionString: PG_URL, schema, clock, poolSize: 2 }),
  });
});
