// Public surface of @mlc/state-store-postgres. Every export is named; internals stay unexported.

export type {
  PostgresStateStoreOptions,
  ResolvedPostgresStateStoreOptions,
} from './options/postgres-state-store-options.js';
export { resolvePostgresStateStoreOptions } from './options/postgres-state-store-options.js';
export { POSTGRES_SCHEMA_VERSION } from './store/postgres-schema.js';
export { PostgresStateStore, createPostgresStateStore } from './store/postgres-state-store.js';
