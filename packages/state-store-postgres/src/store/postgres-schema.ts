import { StateStoreError } from '@mlc/sync-engine';
import {
  assertLayoutMatchesEngine,
  type SchemaVersionReader,
  storedSchemaVersion,
} from '@mlc/sync-engine/sql-store';
import type { PoolClient } from 'pg';

/** The newest layout this package writes; equals the engine's {@link @mlc/sync-engine#STATE_STORE_SCHEMA_VERSION}. */
export const POSTGRES_SCHEMA_VERSION = 3;

/** The package named in schema-version errors, the one to upgrade. */
const PACKAGE_NAME = '@mlc/state-store-postgres';

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
 * Layout changes, in order; each brings the data from `version - 1` to `version` inside the opening
 * transaction (PostgreSQL DDL is transactional: a failed migration leaves the old layout). The last must reach
 * {@link POSTGRES_SCHEMA_VERSION}. Never edit a shipped entry: add one.
 */
const MIGRATIONS: readonly { version: number; sql: (s: string) => string }[] = [
  {
    version: 1,
    sql: (s) => `
      CREATE TABLE ${s}.meta (key text PRIMARY KEY, value text NOT NULL);
      CREATE TABLE ${s}.cursors (stream text PRIMARY KEY, stamp text NOT NULL, key text NOT NULL);
      -- key: the UTF-16-ordered spelling of encodeLedgerKey (@mlc/sync-engine/sql-store); COLLATE "C" makes its byte order the scan order.
      CREATE TABLE ${s}.ledger (
        stream text NOT NULL, key text COLLATE "C" NOT NULL, hash text NOT NULL, version integer NOT NULL,
        seen_hash text, stamp text, rows text,
        PRIMARY KEY (stream, key)
      );
      -- Payloads live apart from the batch row: updateBatch before every POST must not rewrite 10k rows.
      CREATE TABLE ${s}.batches (
        batch_id text PRIMARY KEY, seq bigserial NOT NULL, stream text NOT NULL, status text NOT NULL,
        created_at bigint NOT NULL, info text NOT NULL
      );
      CREATE INDEX batches_open ON ${s}.batches (stream, created_at, seq) WHERE status = 'open';
      CREATE TABLE ${s}.batch_payloads (batch_id text PRIMARY KEY, rows text NOT NULL, entries text NOT NULL);
      CREATE TABLE ${s}.dead_letters (
        id text PRIMARY KEY, seq bigserial NOT NULL, stream text NOT NULL, status text NOT NULL,
        settled_at bigint, replay_batch_id text, body text NOT NULL, rows text, entries text
      );
      CREATE INDEX dead_letters_seq ON ${s}.dead_letters (seq);
      CREATE INDEX dead_letters_stream ON ${s}.dead_letters (stream, seq);
      -- token is the highest ever issued for the name (kept after release: owner NULL), so tokens only grow.
      CREATE TABLE ${s}.leases (name text PRIMARY KEY, owner text, token bigint NOT NULL, expires_at bigint NOT NULL);
      CREATE TABLE ${s}.audit (
        seq bigint PRIMARY KEY, at bigint NOT NULL, type text NOT NULL, stream text, batch_id text, key text,
        message text NOT NULL, data text
      );
      CREATE INDEX audit_stream ON ${s}.audit (stream, seq);
      CREATE TABLE ${s}.secrets (name text PRIMARY KEY, value text NOT NULL);
    `,
  },
  {
    // The raw-record fingerprint beside the content hash (LedgerEntry.fingerprint). Existing rows keep NULL: their
    // records take the full path once and get one. A version bump, not an additive column: an older package would
    // rewrite hashes without clearing a stale fingerprint, so it must refuse this layout.
    version: 2,
    sql: (s) => `ALTER TABLE ${s}.ledger ADD COLUMN fingerprint text;`,
  },
  {
    // Stored rows (batch payloads, dead letters, replace-mode ledger rows) may be written in the columnar text of
    // encodeStoredRows (@mlc/sync-engine/sql-store), which a layout-2 package cannot read: the bump makes it refuse
    // the schema at open() with STORE_SCHEMA_NEWER instead of failing later with STORE_UNREADABLE on an open batch.
    // No data is rewritten: decodeStoredRows reads both forms, so the plain JSON arrays of layout 2 stay as they are
    // and only the recorded version moves.
    version: 3,
    sql: () => '',
  },
];

/**
 * Indexes added after a layout shipped. They change no data, and an older package reads a store that has them,
 * so they do not bump the schema version (which would lock older workers out during a rolling upgrade): every
 * open creates the missing ones inside the opening transaction, under its advisory lock, which migrates an
 * existing store on its first open by this version. (Plain CREATE INDEX blocks audit appends while it builds: on a
 * very large audit table, create it beforehand with CREATE INDEX CONCURRENTLY under the same name.)
 */
export const POSTGRES_INDEXES: readonly { name: string; sql: (s: string) => string }[] = [
  // readSyncStatus's newest run entries of a stream: one backwards range read per type (latestAudit).
  {
    name: 'audit_stream_type',
    sql: (s) => `CREATE INDEX audit_stream_type ON ${s}.audit (stream, type, seq)`,
  },
];

async function ensureIndexes(client: PoolClient, schema: string, s: string): Promise<void> {
  const present = new Set(
    (
      await client.query<{ name: string }>('SELECT indexname AS name FROM pg_indexes WHERE schemaname = $1', [
        schema,
      ])
    ).rows.map((r) => r.name),
  );
  for (const index of POSTGRES_INDEXES) {
    if (!present.has(index.name)) await client.query(index.sql(s));
  }
}

/**
 * Tables of optional features (the shared quota, §optional.quota), created at open when missing. Additive: no
 * layout version change, and an older package that does not know them ignores them.
 */
const OPTIONAL_TABLES = ['quota_scopes', 'quota_log', 'quota_sizes'] as const;
const optionalTablesSql = (s: string) => `
  CREATE TABLE IF NOT EXISTS ${s}.quota_scopes (scope text PRIMARY KEY, paused_until float8 NOT NULL);
  CREATE TABLE IF NOT EXISTS ${s}.quota_log (scope text NOT NULL, at float8 NOT NULL, units float8 NOT NULL);
  CREATE INDEX IF NOT EXISTS quota_log_scope ON ${s}.quota_log (scope, at);
  CREATE TABLE IF NOT EXISTS ${s}.quota_sizes (
    scope text NOT NULL, target text NOT NULL, size float8 NOT NULL, PRIMARY KEY (scope, target)
  );
`;

/** A STORE_UNREADABLE error naming the schema and what is wrong with it. */
function unreadable(schema: string, reason: string): StateStoreError {
  return new StateStoreError({
    code: 'STORE_UNREADABLE',
    message: `PostgreSQL state store schema ${schema}: ${reason}; refusing to treat it as empty`,
  });
}

/**
 * Creates the layout in a new or empty schema, migrates an older one and refuses (loudly) a newer, damaged or
 * half-foreign one. Runs in one transaction under an advisory lock keyed by the schema, so workers starting
 * together neither race on CREATE nor see a half-made layout. Returns the schema version of the data.
 */
export async function migratePostgresSchema(client: PoolClient, schema: string): Promise<number> {
  assertLayoutMatchesEngine({ packageName: PACKAGE_NAME, newest: POSTGRES_SCHEMA_VERSION });
  const s = `"${schema}"`;
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('mlc_state_store'), hashtext($1))", [schema]);
    const tables = await tableNamesOf(client, schema);
    const version = tables.has('meta')
      ? await upgradeLayout(client, schema, s)
      : await createLayout(client, schema, s, tables);
    await ensureIndexes(client, schema, s);
    await client.query('COMMIT');
    return version;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw damageAsUnreadable(error, schema);
  }
}

/** The names of the tables (plain or partitioned) in the schema. */
async function tableNamesOf(client: PoolClient, schema: string): Promise<Set<string>> {
  return new Set(
    (
      await client.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')`,
        [schema],
      )
    ).rows.map((r) => r.name),
  );
}

/**
 * Lays out a schema without a meta table: refuses one that holds store tables already, creates the schema when
 * missing, runs every migration and records the version. Returns the version written.
 */
async function createLayout(
  client: PoolClient,
  schema: string,
  s: string,
  tables: Set<string>,
): Promise<number> {
  const ours = REQUIRED_TABLES.filter((t) => tables.has(t));
  if (ours.length > 0) {
    throw unreadable(schema, `it holds store tables (${ours.join(', ')}) but no meta table`);
  }
  // Create the schema only when missing: CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when
  // the schema exists, and a DBA may have made it for a role without that right.
  const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${s}`);
  for (const migration of MIGRATIONS) await client.query(migration.sql(s));
  await client.query(`INSERT INTO ${s}.meta (key, value) VALUES ('schema_version', $1)`, [
    String(POSTGRES_SCHEMA_VERSION),
  ]);
  await client.query(optionalTablesSql(s));
  return POSTGRES_SCHEMA_VERSION;
}

/**
 * Brings a schema with a meta table up to date: reads its version (refusing a damaged or newer one), runs the
 * migrations after it, then checks the required tables and adds missing optional ones. Returns the version.
 */
async function upgradeLayout(client: PoolClient, schema: string, s: string): Promise<number> {
  const row = await client.query<{ value: unknown }>(
    `SELECT value FROM ${s}.meta WHERE key = 'schema_version'`,
  );
  const reader: SchemaVersionReader = {
    store: `PostgreSQL state store schema ${schema}`,
    packageName: PACKAGE_NAME,
    newest: POSTGRES_SCHEMA_VERSION,
  };
  const stored = storedSchemaVersion(row.rows[0]?.value, reader);
  for (const migration of MIGRATIONS) {
    if (migration.version <= stored) continue;
    await client.query(migration.sql(s));
    await client.query(`UPDATE ${s}.meta SET value = $1 WHERE key = 'schema_version'`, [
      String(migration.version),
    ]);
  }
  const after = await tableNamesOf(client, schema);
  const missing = REQUIRED_TABLES.filter((t) => !after.has(t));
  if (missing.length > 0) throw unreadable(schema, `table(s) ${missing.join(', ')} are missing`);
  // Only when one is missing: CREATE … IF NOT EXISTS still needs CREATE on the schema, which a store's role may
  // lack once its tables exist.
  if (OPTIONAL_TABLES.some((t) => !after.has(t))) await client.query(optionalTablesSql(s));
  return POSTGRES_SCHEMA_VERSION;
}

/** The error a failed migration throws: a meta table of another shape is STORE_UNREADABLE, anything else as is. */
function damageAsUnreadable(error: unknown, schema: string): unknown {
  // A meta table of another shape (undefined column / wrong datatype) is damage, not a connection problem.
  const code = (error as { code?: unknown } | null)?.code;
  if (code === '42703' || code === '42804' || code === '42P01') {
    return new StateStoreError({
      code: 'STORE_UNREADABLE',
      message: `PostgreSQL state store schema ${schema}: its layout cannot be read (${(error as Error).message}); refusing to treat it as empty`,
      cause: error,
    });
  }
  return error;
}
