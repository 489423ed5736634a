// `@mlc/sync-engine/sql-store`: building blocks for StateStore implementations on SQL databases, shared by the
// SQLite and PostgreSQL stores and available to a team writing its own (MySQL, SQL Server, …): the ledger-key
// spelling that keeps the contract's UTF-16 order in byte-ordered collations, the row codecs of the reference
// table layout, the compact text of stored rows, and the check of a stored schema version. Every export is named.

export { decodeLedgerKey, encodeLedgerKey } from './sql-codecs/ledger-key.js';
export { parseStored } from './sql-codecs/parse-stored.js';
export type {
  AuditRow,
  BatchInfo,
  BatchRow,
  DeadLetterRow,
  LedgerRow,
  LedgerValues,
} from './sql-codecs/stored-records.js';
export type { SchemaVersionReader } from './sql-codecs/stored-schema-version.js';
export { assertLayoutMatchesEngine, storedSchemaVersion } from './sql-codecs/stored-schema-version.js';
export {
  auditFromRow,
  batchFromRow,
  batchInfoOf,
  deadLetterColumns,
  deadLetterFromRow,
  lastWritePerKey,
  ledgerEntryFromRow,
  ledgerEntryFromValues,
} from './sql-codecs/stored-records.js';
export {
  decodeStoredEntries,
  decodeStoredRows,
  encodeStoredEntries,
  encodeStoredRows,
} from './sql-codecs/stored-rows.js';
