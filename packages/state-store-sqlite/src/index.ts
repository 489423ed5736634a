// Public surface of @mlc/state-store-sqlite. Every export is named; internals stay unexported.

export type {
  ResolvedSqliteStateStoreOptions,
  SqliteStateStoreOptions,
} from './options/sqlite-state-store-options.js';
export { resolveSqliteStateStoreOptions } from './options/sqlite-state-store-options.js';
export { SQLITE_SCHEMA_VERSION } from './store/sqlite-schema.js';
export { SqliteStateStore, createSqliteStateStore } from './store/sqlite-state-store.js';
