import { StateStoreError } from '@mlc/sync-engine';
import {
  assertLayoutMatchesEngine,
  type SchemaVersionReader,
  storedSchemaVersion,
} from '@mlc/sync-engine/sql-store';
import type Database from 'better-sqlite3';

/** The newest layout this package writes; equals the engine's {@link @mlc/sync-engine#STATE_STORE_SCHEMA_VERSION}. */
export const SQLITE_SCHEMA_VERSION = 3;

/** The package named in schema-version errors, the one to upgrade. */
const PACKAGE_NAME = '@mlc/state-store-sqlite';

/** Tables every readable store has. A store missing one is damaged, not empty. */
const REQUIRED_TABLES = [
  'meta',
  'cursors',
  'ledger',
  'batches',
  'batch_payloads',
  'dead_letters',
  'leases',
  'audit',
  'secrets',
] as const;

/**
 * Layout changes, in order. Each runs inside the opening transaction and brings the data from `version - 1` to
 * `version`; the last one must reach {@link SQLITE_SCHEMA_VERSION}. Never edit a shipped entry: add one.
 */
const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE cursors (stream TEXT PRIMARY KEY, stamp TEXT NOT NULL, key TEXT NOT NULL) WITHOUT ROWID;
      -- key: the UTF-16-ordered spelling of encodeLedgerKey (@mlc/sync-engine/sql-store), so BINARY order is JavaScript's order.
      CREATE TABLE ledger (
        stream TEXT NOT NULL, key TEXT NOT NULL, hash TEXT NOT NULL, version INTEGER NOT NULL,
        seen_hash TEXT, stamp TEXT, rows TEXT,
        PRIMARY KEY (stream, key)
      );
      -- Payloads live apart from the batch row: updateBatch before every POST must not rewrite 10k rows.
      CREATE TABLE batches (
        seq INTEGER PRIMARY KEY, batch_id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL, status TEXT NOT NULL,
        created_at INTEGER NOT NULL, info TEXT NOT NULL
      );
      CREATE INDEX batches_open ON batches (stream, created_at, seq) WHERE status = 'open';
      CREATE TABLE batch_payloads (batch_id TEXT PRIMARY KEY, rows TEXT NOT NULL, entries TEXT NOT NULL);
      CREATE TABLE dead_letters (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL, status TEXT NOT NULL,
        settled_at INTEGER, replay_batch_id TEXT, body TEXT NOT NULL, rows TEXT, entries TEXT
      );
      CREATE INDEX dead_letters_stream ON dead_letters (stream, seq);
      -- token is the highest ever issued for the name (kept after release: owner NULL), so tokens only grow.
      CREATE TABLE leases (name TEXT PRIMARY KEY, owner TEXT, token INTEGER NOT NULL, expires_at INTEGER NOT NULL);
      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, type TEXT NOT NULL, stream TEXT,
        batch_id TEXT, key TEXT, message TEXT NOT NULL, data TEXT
      );
      CREATE INDEX audit_stream ON audit (stream, seq);
      CREATE TABLE secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    `,
  },
  {
    // The raw-record fingerprint beside the content hash (LedgerEntry.fingerprint). Existing rows keep NULL: their
    // records take the full path once and get one. A version bump, not an additive column: an older package would
    // rewrite hashes without clearing a stale fingerprint, so it must refuse this layout.
    version: 2,
    sql: 'ALTER TABLE ledger ADD COLUMN fingerprint TEXT;',
  },
  {
    // Stored rows (batch payloads, dead letters, replace-mode ledger rows) may be written in the columnar text of
    // encodeStoredRows (@mlc/sync-engine/sql-store), which a layout-2 package cannot read: the bump makes it refuse
    // the store at open() with STORE_SCHEMA_NEWER instead of failing later with STORE_UNREADABLE on an open batch.
    // No data is rewritten: decodeStoredRows reads both forms, so the plain JSON arrays of layout 2 stay as they are
    // and only the recorded version moves.
    version: 3,
    sql: '',
  },
];

/**
 * Indexes added after a layout shipped. They change no data, and an older package reads a store that has them,
 * so they do not bump the schema version (which would lock older workers out): every open creates the missing ones
 * inside the opening transaction, which migrates an existing store on its first open by this version.
 */
export const SQLITE_INDEXES: readonly { name: string; sql: string }[] = [
  // readSyncStatus's newest run entries of a stream: one backwards range read per type (latestAudit).
  { name: 'audit_stream_type', sql: 'CREATE INDEX audit_stream_type ON audit (stream, type, seq)' },
];

function ensureIndexes(db: Database.Database): void {
  const present = new Set(
    db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'index'")
      .all()
      .map((i) => i.name),
  );
  for (const index of SQLITE_INDEXES) if (!present.has(index.name)) db.exec(index.sql);
}

/**
 * Tables of optional features (the shared quota, §optional.quota), created at every open when missing. Additive: no
 * layout version change, and an older package that does not know them ignores them.
 */
const OPTIONAL_TABLES = `
  CREATE TABLE IF NOT EXISTS quota_scopes (scope TEXT PRIMARY KEY, paused_until REAL NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS quota_log (scope TEXT NOT NULL, at REAL NOT NULL, units REAL NOT NULL);
  CREATE INDEX IF NOT EXISTS quota_log_scope ON quota_log (scope, at);
  CREATE TABLE IF NOT EXISTS quota_sizes (
    scope TEXT NOT NULL, target TEXT NOT NULL, size REAL NOT NULL, PRIMARY KEY (scope, target)
  ) WITHOUT ROWID;
`;

function unreadable(path: string, reason: string, cause?: unknown): StateStoreError {
  return new StateStoreError({
    code: 'STORE_UNREADABLE',
    message: `SQLite state store ${path}: ${reason}; refusing to treat it as empty`,
    ...(cause !== undefined ? { cause } : {}),
  });
}

/**
 * Creates the layout in an empty database, migrates an older one, and refuses (loudly) a newer, foreign or
 * damaged one. Runs in one IMMEDIATE transaction so two processes opening a new file cannot both create it.
 * Returns the schema version of the data.
 */
export function migrateSqliteSchema(db: Database.Database, path: string): number {
  const reader: SchemaVersionReader = {
    store: `SQLite state store ${path}`,
    packageName: PACKAGE_NAME,
    newest: SQLITE_SCHEMA_VERSION,
  };
  assertLayoutMatchesEngine(reader);
  const run = db.transaction((): number => {
    const tables = new Set(
      db
        .prepare<[], { name: string }>(
          "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .all()
        .map((t) => t.name),
    );
    if (!tables.has('meta')) {
      if (tables.size > 0) {
        throw unreadable(path, `it holds tables (${[...tables].sort().join(', ')}) but no meta table`);
      }
      for (const migration of MIGRATIONS) db.exec(migration.sql);
      db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(
        String(SQLITE_SCHEMA_VERSION),
      );
      ensureIndexes(db);
      db.exec(OPTIONAL_TABLES);
      return SQLITE_SCHEMA_VERSION;
    }
    const row = db
      .prepare<[], { value: unknown }>("SELECT value FROM meta WHERE key = 'schema_version'")
      .get();
    const stored = storedSchemaVersion(row?.value, reader);
    for (const migration of MIGRATIONS) {
      if (migration.version <= stored) continue;
      db.exec(migration.sql);
      db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(migration.version));
    }
    const after = new Set(
      db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .all()
        .map((t) => t.name),
    );
    const missing = REQUIRED_TABLES.filter((t) => !after.has(t));
    if (missing.length > 0) throw unreadable(path, `table(s) ${missing.join(', ')} are missing`);
    ensureIndexes(db);
    db.exec(OPTIONAL_TABLES);
    return SQLITE_SCHEMA_VERSION;
  });
  return run.immediate();
}

/** True for SQLite errors that mean "this file is not a readable database". */
export function isCorruptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

export { unreadable as unreadableStoreError };
