import { describeStateStoreConformance } from '@mlc/sync-engine/conformance';
import { afterAll } from 'vitest';
import { createPostgresStateStore, type PostgresStateStore } from '../src/index.js';
import { adminPool, describePostgres, PG_URL, randomSchema, unreachable } from './pg-test-env.js';

// Every case gets its own schema (dropped afterwards); reopen() and connect() use a new pool each time, like a
// second machine would.
const admin = unreachable ? undefined : adminPool();
afterAll(async () => {
  await admin?.end();
});

describePostgres('PostgresStateStore conformance', () => {
  describeStateStoreConformance<PostgresStateStore>({
    name: 'PostgresStateStore',
    create: ({ clock }) =>
      createPostgresStateStore({
        connectionString: PG_URL,
        schema: randomSchema('conf'),
        clock,
        poolSize: 4,
      }),
    reopen: (store, { clock }) =>
      createPostgresStateStore({ connectionString: PG_URL, schema: store.schema, clock, poolSize: 4 }),
    setStoredSchemaVersion: async (store, version) => {
      await admin?.query(`UPDATE "${store.schema}".meta SET value = $1 WHERE key = 'schema_version'`, [
        String(version),
      ]);
    },
    corrupt: async (store) => {
      await admin?.query(`UPDATE "${store.schema}".meta SET value = 'garbage' WHERE key = 'schema_version'`);
    },
    destroy: async (store) => {
      await admin?.query(`DROP SCHEMA IF EXISTS "${store.schema}" CASCADE`);
    },
  });
});
