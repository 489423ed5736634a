import { createHash } from 'node:crypto';

/** A named statement: node-postgres prepares it once per connection and reuses the plan afterwards. */
export interface NamedQuery {
  /** Statement name, derived from the text (so one name never means two texts on a connection). */
  name: string;
  /** SQL text. */
  text: string;
  /** `'array'`: rows come as arrays of the selected columns' values, in order (no object per row). */
  rowMode?: 'array';
}

function named(text: string): NamedQuery {
  return { name: `mlc_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`, text };
}

/**
 * The store's hot statements for one schema. bigint columns are cast to float8 so node-postgres returns numbers
 * (epoch ms and tokens stay far below 2^53). `$now` is the injected clock's value or, when null, the server's.
 */
export function postgresSql(schema: string) {
  const s = `"${schema}"`;
  const now = (p: string) =>
    `COALESCE(${p}::bigint, floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint)`;
  const ledgerColumns = 'key, hash, version, seen_hash, stamp, rows, fingerprint';
  const batchSelect = `SELECT b.batch_id, b.stream, b.status, b.created_at::float8 AS created_at, b.info, p.rows, p.entries
    FROM ${s}.batches b LEFT JOIN ${s}.batch_payloads p ON p.batch_id = b.batch_id`;
  // Audit statements read `${s}.audit x`.
  const auditColumns =
    'x.seq::float8 AS seq, x.at::float8 AS at, x.type, x.stream, x.batch_id, x.key, x.message, x.data';
  const letterColumns = 'status, settled_at::float8 AS settled_at, replay_batch_id, body, rows, entries';
  return {
    getCursor: named(`SELECT stamp, key FROM ${s}.cursors WHERE stream = $1`),
    lockCursor: named(`SELECT stamp, key FROM ${s}.cursors WHERE stream = $1 FOR UPDATE`),
    putCursor: named(
      `INSERT INTO ${s}.cursors (stream, stamp, key) VALUES ($1, $2, $3)
       ON CONFLICT (stream) DO UPDATE SET stamp = EXCLUDED.stamp, key = EXCLUDED.key`,
    ),
    // `= ANY($2)`: the whole key set in one statement, probing the (stream, key) index per element.
    // Rows as arrays: the look-up of a whole chunk builds no object per row before its entry.
    lookupLedger: {
      ...named(`SELECT ${ledgerColumns} FROM ${s}.ledger WHERE stream = $1 AND key = ANY($2::text[])`),
      rowMode: 'array' as const,
    },
    scanLedger: named(`SELECT ${ledgerColumns} FROM ${s}.ledger WHERE stream = $1 ORDER BY key LIMIT $2`),
    scanLedgerAfter: named(
      `SELECT ${ledgerColumns} FROM ${s}.ledger WHERE stream = $1 AND key > $2 ORDER BY key LIMIT $3`,
    ),
    countLedger: named(`SELECT count(*)::float8 AS n FROM ${s}.ledger WHERE stream = $1`),
    // Keys are unique per call (last write per key), as ON CONFLICT may touch a row only once per statement.
    upsertLedger: named(
      `INSERT INTO ${s}.ledger (stream, key, hash, version, seen_hash, stamp, rows, fingerprint)
       SELECT $1, u.key, u.hash, u.version, u.seen_hash, u.stamp, u.rows, u.fingerprint
       FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[])
         AS u(key, hash, version, seen_hash, stamp, rows, fingerprint)
       ON CONFLICT (stream, key) DO UPDATE SET hash = EXCLUDED.hash, version = EXCLUDED.version,
         seen_hash = EXCLUDED.seen_hash, stamp = EXCLUDED.stamp, rows = EXCLUDED.rows,
         fingerprint = EXCLUDED.fingerprint`,
    ),
    deleteLedger: named(`DELETE FROM ${s}.ledger WHERE stream = $1 AND key = ANY($2::text[])`),

    batchStream: named(`SELECT stream FROM ${s}.batches WHERE batch_id = $1`),
    lockBatch: named(`SELECT status, info FROM ${s}.batches WHERE batch_id = $1 FOR UPDATE`),
    insertBatch: named(
      `INSERT INTO ${s}.batches (batch_id, stream, status, created_at, info) VALUES ($1, $2, 'open', $3, $4)
       ON CONFLICT (batch_id) DO NOTHING RETURNING 1 AS inserted`,
    ),
    insertPayload: named(`INSERT INTO ${s}.batch_payloads (batch_id, rows, entries) VALUES ($1, $2, $3)`),
    getPayloadEntries: named(`SELECT entries FROM ${s}.batch_payloads WHERE batch_id = $1`),
    updateBatchInfo: named(`UPDATE ${s}.batches SET info = $2 WHERE batch_id = $1`),
    settleBatch: named(`UPDATE ${s}.batches SET status = $2, info = $3 WHERE batch_id = $1`),
    deletePayload: named(`DELETE FROM ${s}.batch_payloads WHERE batch_id = $1`),
    getBatch: named(`${batchSelect} WHERE b.batch_id = $1`),
    listOpenBatches: named(`${batchSelect} WHERE b.status = 'open' ORDER BY b.created_at, b.seq`),
    listOpenBatchesOf: named(
      `${batchSelect} WHERE b.status = 'open' AND b.stream = $1 ORDER BY b.created_at, b.seq`,
    ),

    insertDeadLetters: named(
      `INSERT INTO ${s}.dead_letters (id, stream, status, settled_at, replay_batch_id, body, rows, entries)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[])
       ON CONFLICT (id) DO NOTHING`,
    ),
    // The payload text moves into the dead letter as it is: no round trip of the rows through JavaScript.
    insertBatchDeadLetter: named(
      `INSERT INTO ${s}.dead_letters (id, stream, status, body, rows, entries)
       SELECT $1, $2, 'open', $3, rows, entries FROM ${s}.batch_payloads WHERE batch_id = $4
       ON CONFLICT (id) DO NOTHING RETURNING 1 AS inserted`,
    ),
    listDeadLetters: named(
      `SELECT ${letterColumns} FROM ${s}.dead_letters
       WHERE ($1::text[] IS NULL OR status = ANY($1)) AND ($2::text[] IS NULL OR id = ANY($2))
       ORDER BY seq LIMIT $3`,
    ),
    listDeadLettersOf: named(
      `SELECT ${letterColumns} FROM ${s}.dead_letters
       WHERE stream = $4 AND ($1::text[] IS NULL OR status = ANY($1)) AND ($2::text[] IS NULL OR id = ANY($2))
       ORDER BY seq LIMIT $3`,
    ),
    deadLetterStreams: named(`SELECT DISTINCT stream FROM ${s}.dead_letters WHERE id = ANY($1::text[])`),
    setDeadLetterStatus: named(
      `UPDATE ${s}.dead_letters SET status = $1, settled_at = $2 WHERE id = ANY($3::text[]) AND stream = $4`,
    ),
    markReplayed: named(
      `UPDATE ${s}.dead_letters SET status = 'replayed', settled_at = $1, replay_batch_id = $2
       WHERE id = ANY($3::text[]) AND stream = $4`,
    ),

    lockLease: named(`SELECT owner, token::float8 AS token FROM ${s}.leases WHERE name = $1 FOR UPDATE`),
    // One statement, atomic under concurrency: a racing INSERT waits for the other and then takes the
    // ON CONFLICT path, whose WHERE is re-checked against the row as committed.
    acquireLease: named(
      `WITH t AS (SELECT ${now('$3')} AS now)
       INSERT INTO ${s}.leases AS l (name, owner, token, expires_at)
       SELECT $1, $2, 1, t.now + $4 FROM t
       ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, token = l.token + 1, expires_at = EXCLUDED.expires_at
       WHERE l.owner IS NULL OR l.expires_at <= (SELECT now FROM t) OR l.owner = EXCLUDED.owner
       RETURNING l.token::float8 AS token, l.expires_at::float8 AS expires_at`,
    ),
    renewLease: named(
      `UPDATE ${s}.leases SET expires_at = ${now('$4')} + $5
       WHERE name = $1 AND token = $2 AND owner = $3 RETURNING expires_at::float8 AS expires_at`,
    ),
    releaseLease: named(
      `UPDATE ${s}.leases SET owner = NULL, expires_at = 0 WHERE name = $1 AND token = $2 AND owner IS NOT NULL`,
    ),

    // Appenders take SHARE ROW EXCLUSIVE (conflicts with itself and with inserts, not with readers) so seq is
    // assigned and committed in one order: a reader tailing `afterSeq` never skips an entry committed late.
    lockAudit: `LOCK TABLE ${s}.audit IN SHARE ROW EXCLUSIVE MODE`,
    insertAudit: named(
      `INSERT INTO ${s}.audit (seq, at, type, stream, batch_id, key, message, data)
       SELECT m.top + u.ord, u.at, u.type, u.stream, u.batch_id, u.key, u.message, u.data
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
         WITH ORDINALITY AS u(at, type, stream, batch_id, key, message, data, ord),
         (SELECT COALESCE(max(seq), 0) AS top FROM ${s}.audit) m`,
    ),
    // `x.seq`, not `seq`: the output column seq is the float8 cast, and ordering by it would sort every match
    // instead of reading the index backwards or forwards up to the limit.
    queryAudit: named(
      `SELECT ${auditColumns} FROM ${s}.audit x
       WHERE x.seq > $1 AND ($2::text[] IS NULL OR type = ANY($2)) ORDER BY x.seq LIMIT $3`,
    ),
    queryAuditOf: named(
      `SELECT ${auditColumns} FROM ${s}.audit x
       WHERE stream = $4 AND x.seq > $1 AND ($2::text[] IS NULL OR type = ANY($2)) ORDER BY x.seq LIMIT $3`,
    ),
    latestAudit: named(
      `SELECT ${auditColumns} FROM ${s}.audit x
       WHERE x.seq > $1 AND ($2::text[] IS NULL OR type = ANY($2)) ORDER BY x.seq DESC LIMIT $3`,
    ),
    latestAuditOf: named(
      `SELECT ${auditColumns} FROM ${s}.audit x
       WHERE stream = $4 AND x.seq > $1 AND ($2::text[] IS NULL OR type = ANY($2)) ORDER BY x.seq DESC LIMIT $3`,
    ),
    // Per type, one backwards range read of the audit_stream_type index; the newest $3 of their union.
    latestAuditOfTypes: named(
      `SELECT a.* FROM unnest($2::text[]) AS t(type)
       CROSS JOIN LATERAL (
         SELECT ${auditColumns} FROM ${s}.audit x
         WHERE x.stream = $4 AND x.type = t.type AND x.seq > $1 ORDER BY x.seq DESC LIMIT $3
       ) a
       ORDER BY a.seq DESC LIMIT $3`,
    ),
    countDeadLetters: named(
      `SELECT status, count(*)::float8 AS n FROM ${s}.dead_letters WHERE stream = $1 GROUP BY status`,
    ),
    committedTotals: named(
      `SELECT count(*)::float8 AS batches,
         COALESCE(sum(CASE WHEN info::json->>'kind' = 'rows' THEN (info::json->>'rowCount')::bigint ELSE 0 END), 0)::float8 AS rows,
         COALESCE((SELECT (info::json->'rebuild'->>'rowsPosted')::bigint FROM ${s}.batches
           WHERE stream = $1 AND status = 'committed' AND info::json->>'kind' = 'rebuild'
           ORDER BY seq DESC LIMIT 1), 0)::float8 AS rebuilt
       FROM ${s}.batches WHERE stream = $1 AND status = 'committed'`,
    ),

    // Shared quota (§optional.quota). The upsert takes the scope row's lock (ON CONFLICT DO UPDATE locks the row
    // even when nothing changes) and holds it to COMMIT: reservations of one scope run one at a time across every
    // connection and process.
    lockQuotaScope: named(
      `INSERT INTO ${s}.quota_scopes AS q (scope, paused_until) VALUES ($1, 0)
       ON CONFLICT (scope) DO UPDATE SET paused_until = q.paused_until RETURNING q.paused_until`,
    ),
    pruneQuota: named(`DELETE FROM ${s}.quota_log WHERE scope = $1 AND at <= $2`),
    quotaRecords: named(`SELECT at, units FROM ${s}.quota_log WHERE scope = $1 ORDER BY at`),
    insertQuota: named(`INSERT INTO ${s}.quota_log (scope, at, units) VALUES ($1, $2, $3)`),
    pauseQuota: named(
      `INSERT INTO ${s}.quota_scopes AS q (scope, paused_until) VALUES ($1, $2)
       ON CONFLICT (scope) DO UPDATE SET paused_until = GREATEST(q.paused_until, EXCLUDED.paused_until)`,
    ),
    // A missing size row is made first, so the locking read below always finds a row to lock.
    ensureQuotaSize: named(
      `INSERT INTO ${s}.quota_sizes (scope, target, size) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING`,
    ),
    quotaSize: named(`SELECT size FROM ${s}.quota_sizes WHERE scope = $1 AND target = $2`),
    lockQuotaSize: named(`SELECT size FROM ${s}.quota_sizes WHERE scope = $1 AND target = $2 FOR UPDATE`),
    setQuotaSize: named(`UPDATE ${s}.quota_sizes SET size = $3 WHERE scope = $1 AND target = $2`),

    getSecret: named(`SELECT value FROM ${s}.secrets WHERE name = $1`),
    putSecret: named(
      `INSERT INTO ${s}.secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`,
    ),
  };
}

/** The statements of one schema. */
export type PostgresSql = ReturnType<typeof postgresSql>;
