import type { StreamCursor } from '../cursor/stream-cursor.js';
import type {
  AuditEntry,
  BatchFailure,
  BatchIntent,
  DeadLetter,
  LedgerEntry,
  LedgerWrite,
  RebuildProgress,
} from '../state-store/types.js';
import { decodeLedgerKey } from './ledger-key.js';
import { parseStored } from './parse-stored.js';
import {
  decodeStoredEntries,
  decodeStoredRows,
  encodeStoredEntries,
  encodeStoredRows,
} from './stored-rows.js';

// How rows of the reference SQL layout (used by the SQLite and PostgreSQL stores) map to the contract's objects.
// JSON is kept as text (not jsonb or another re-ordered form): a resent batch must carry the first POST's rows byte
// for byte, key order and number spelling included. Rows (a batch's, a dead letter's, a ledger entry's) are written
// by encodeStoredRows and read by decodeStoredRows, a batch's ledger writes by encodeStoredEntries and
// decodeStoredEntries (stored-rows.ts), the one place that knows their forms.

/** The JSON `info` column of a batch: everything but identity, status, payload and creation time. */
export interface BatchInfo {
  table: string;
  kind: BatchIntent['kind'];
  mode: BatchIntent['mode'];
  rowCount: number;
  attempts: number;
  cursor?: StreamCursor;
  replayOf?: string[];
  postedAt?: number;
  answeredAt?: number;
  answeredAttempt?: number;
  answeredOn?: BatchIntent['answeredOn'];
  rebuild?: RebuildProgress;
  settledAt?: number;
  failure?: BatchFailure;
}

/** A `batches` row joined with its payload (absent once settled). */
export interface BatchRow {
  batch_id: string;
  stream: string;
  status: string;
  created_at: number;
  info: string;
  rows: string | null;
  entries: string | null;
}

/** A `ledger` row. */
export interface LedgerRow {
  key: string;
  hash: string;
  version: number;
  seen_hash: string | null;
  stamp: string | null;
  rows: string | null;
  /** Layout 2; NULL in rows written before it. */
  fingerprint: string | null;
}

/** A `dead_letters` row. */
export interface DeadLetterRow {
  status: string;
  settled_at: number | null;
  replay_batch_id: string | null;
  body: string;
  rows: string | null;
  entries: string | null;
}

/** An `audit` row. */
export interface AuditRow {
  seq: number;
  at: number;
  type: string;
  stream: string | null;
  batch_id: string | null;
  key: string | null;
  message: string;
  data: string | null;
}

/** The `info` column of a new intent. */
export function batchInfoOf(intent: BatchIntent): BatchInfo {
  const info: BatchInfo = {
    table: intent.table,
    kind: intent.kind,
    mode: intent.mode,
    rowCount: intent.rowCount,
    attempts: intent.attempts,
  };
  if (intent.cursor) info.cursor = { stamp: intent.cursor.stamp, key: intent.cursor.key };
  if (intent.replayOf) info.replayOf = [...intent.replayOf];
  if (intent.postedAt !== undefined) info.postedAt = intent.postedAt;
  if (intent.answeredAt !== undefined) info.answeredAt = intent.answeredAt;
  if (intent.answeredAttempt !== undefined) info.answeredAttempt = intent.answeredAttempt;
  if (intent.answeredOn !== undefined)
    info.answeredOn = { clock: intent.answeredOn.clock, ms: intent.answeredOn.ms };
  if (intent.rebuild) info.rebuild = intent.rebuild;
  return info;
}

/** Rebuilds a {@link BatchIntent} from its row. */
export function batchFromRow(row: BatchRow): BatchIntent {
  const info = parseStored<BatchInfo>(row.info, `batch ${row.batch_id}`);
  const batch: BatchIntent = {
    batchId: row.batch_id,
    stream: row.stream,
    table: info.table,
    kind: info.kind,
    mode: info.mode,
    rows: row.rows === null ? [] : decodeStoredRows(row.rows, `rows of batch ${row.batch_id}`),
    entries: row.entries === null ? [] : decodeStoredEntries(row.entries, `entries of batch ${row.batch_id}`),
    rowCount: info.rowCount,
    createdAt: row.created_at,
    attempts: info.attempts,
    status: row.status as BatchIntent['status'],
  };
  if (info.cursor) batch.cursor = info.cursor;
  if (info.replayOf) batch.replayOf = info.replayOf;
  if (info.postedAt !== undefined) batch.postedAt = info.postedAt;
  if (info.answeredAt !== undefined) batch.answeredAt = info.answeredAt;
  if (info.answeredAttempt !== undefined) batch.answeredAttempt = info.answeredAttempt;
  if (info.answeredOn !== undefined) batch.answeredOn = info.answeredOn;
  if (info.rebuild) batch.rebuild = info.rebuild;
  if (info.settledAt !== undefined) batch.settledAt = info.settledAt;
  if (info.failure) batch.failure = info.failure;
  return batch;
}

/** Rebuilds a {@link LedgerEntry} from its row (optional fields only when stored). */
export function ledgerEntryFromRow(row: LedgerRow): LedgerEntry {
  return ledgerEntryFromValues([
    row.key,
    row.hash,
    row.version,
    row.seen_hash,
    row.stamp,
    row.rows,
    row.fingerprint,
  ]);
}

/**
 * A `ledger` row as the values of its columns in {@link LedgerRow}'s order (key, hash, version, seen_hash, stamp,
 * rows, fingerprint): what a driver returns without building an object per row (better-sqlite3's `raw()`, pg's
 * `rowMode: 'array'`), the cheaper form for the look-up of every key of a chunk.
 */
export type LedgerValues = readonly [
  key: string,
  hash: string,
  version: number,
  seenHash: string | null,
  stamp: string | null,
  rows: string | null,
  fingerprint: string | null,
];

/** Rebuilds a {@link LedgerEntry} from its row's {@link LedgerValues} (optional fields only when stored). */
export function ledgerEntryFromValues(values: LedgerValues): LedgerEntry {
  // Indexed, not destructured: array destructuring runs the iterator protocol until the function is optimised.
  const key = decodeLedgerKey(values[0]);
  const entry: LedgerEntry = { key, hash: values[1], version: values[2] };
  if (values[3] !== null) entry.seenHash = values[3];
  if (values[4] !== null) entry.stamp = values[4];
  if (values[6] !== null) entry.fingerprint = values[6];
  if (values[5] !== null)
    entry.rows = decodeStoredRows(values[5], `ledger rows of key ${JSON.stringify(key)}`);
  return entry;
}

/** The last write per key, in first-seen order: applying these equals applying `writes` one by one. */
export function lastWritePerKey(writes: readonly LedgerWrite[]): LedgerWrite[] {
  const last = new Map<string, LedgerWrite>();
  for (const write of writes) {
    last.delete(write.key);
    last.set(write.key, write);
  }
  return [...last.values()];
}

/** The columns of a dead letter: identity, mutable status, big payloads apart from the rest. */
export function deadLetterColumns(letter: DeadLetter): {
  body: string;
  rows: string | null;
  entries: string | null;
} {
  const { status: _s, settledAt: _t, replayBatchId: _r, rows, entries, ...rest } = letter;
  return {
    body: JSON.stringify(rest),
    rows: rows === undefined ? null : encodeStoredRows(rows),
    entries: entries === undefined ? null : encodeStoredEntries(entries),
  };
}

/** Rebuilds a {@link DeadLetter} from its row. */
export function deadLetterFromRow(row: DeadLetterRow): DeadLetter {
  const letter = parseStored<DeadLetter>(row.body, 'a dead letter');
  letter.status = row.status as DeadLetter['status'];
  if (row.settled_at !== null) letter.settledAt = row.settled_at;
  if (row.replay_batch_id !== null) letter.replayBatchId = row.replay_batch_id;
  if (row.rows !== null) letter.rows = decodeStoredRows(row.rows, `rows of dead letter ${letter.id}`);
  if (row.entries !== null)
    letter.entries = decodeStoredEntries(row.entries, `entries of dead letter ${letter.id}`);
  return letter;
}

/** Rebuilds an {@link AuditEntry} from its row. */
export function auditFromRow(row: AuditRow): AuditEntry {
  const entry: AuditEntry = {
    seq: row.seq,
    at: row.at,
    type: row.type as AuditEntry['type'],
    message: row.message,
  };
  if (row.stream !== null) entry.stream = row.stream;
  if (row.batch_id !== null) entry.batchId = row.batch_id;
  if (row.key !== null) entry.key = row.key;
  if (row.data !== null) entry.data = parseStored(row.data, `audit entry ${row.seq}`);
  return entry;
}
