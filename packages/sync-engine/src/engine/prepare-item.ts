import { parseStamp } from '../cursor/stamp.js';
import { RecordError, isRecordError } from '../errors/record-error.js';
import { contentHash } from '../ledger/content-hash.js';
import { ledgerFingerprint } from '../ledger/record-fingerprint.js';
import { type SourceItem, validatedItem } from '../source/sync-source.js';
import type { Row } from '../state-store/types.js';
import { checkRows } from './check-rows.js';
import type { ResolvedStream } from './engine-context.js';

/** A record ready for the ledger decision. */
export interface ValidItem {
  /** Valid. */
  ok: true;
  /** Key. */
  key: string;
  /** Raw stamp (absent for replayed batch rows of unknown stamp). */
  stamp?: string;
  /** Normalised business rows. */
  rows: Row[];
  /** Content hash of `rows`. */
  hash: string;
  /** Ledger fingerprint of the raw record (see {@link ledgerFingerprint}), when the source gives one. */
  fingerprint?: string;
  /** Dead letter this item replays. */
  letterId?: string;
}

/** A record to quarantine. */
export interface InvalidItem {
  /** Invalid. */
  ok: false;
  /** Key, if known. */
  key?: string;
  /** Stamp, if known. */
  stamp?: string;
  /** Stage. */
  stage: 'source' | 'map';
  /** Field path. */
  field?: string;
  /** Reason. */
  reason: string;
  /** Raw record. */
  raw?: unknown;
  /** Validated record (map stage). */
  record?: unknown;
  /** Dead letter this item replays (kept open when it fails again). */
  letterId?: string;
}

/** An item of the pipeline. */
export type PreparedItem = ValidItem | InvalidItem;

/**
 * A record with a fingerprint, not yet prepared: the batcher prepares it only when the ledger does not hold its
 * fingerprint already (an unchanged record costs a look-up, not a mapping, row checks and a hash).
 */
export interface FingerprintedItem {
  /** Not prepared yet. */
  ok: 'fingerprinted';
  /** Key. */
  key: string;
  /** Raw stamp. */
  stamp: string;
  /** Ledger fingerprint (see {@link ledgerFingerprint}). */
  fingerprint: string;
  /** Maps and validates it ({@link prepareItem}). */
  prepare(): PreparedItem;
}

/** An item read by a run: prepared, or waiting for the ledger to say whether it needs preparing. */
export type ReadItem = PreparedItem | FingerprintedItem;

/**
 * A source item as a run reads it: records with a fingerprint are prepared later, if at all (an unvalidated one is
 * validated then too), by `prepare` ({@link prepareItem} unless the run wraps it).
 */
export function readItem(
  stream: ResolvedStream,
  item: SourceItem<unknown>,
  prepare: (item: SourceItem<unknown>) => PreparedItem = (read) => prepareItem(stream, read),
): ReadItem {
  if (item.ok !== false && item.fingerprint !== undefined)
    return new Fingerprinted(item, ledgerFingerprint(stream, item.fingerprint), prepare);
  return prepare(item);
}

/**
 * A {@link FingerprintedItem} whose `prepare()` is a method of the class, so a record read costs this object and no
 * closure (an unchanged re-read prepares none).
 */
class Fingerprinted implements FingerprintedItem {
  readonly ok = 'fingerprinted';
  key: string;
  stamp: string;
  fingerprint: string;
  readonly #item: SourceItem<unknown>;
  readonly #prepare: (item: SourceItem<unknown>) => PreparedItem;

  constructor(
    item: SourceItem<unknown> & { key: string; stamp: string },
    fingerprint: string,
    prepare: (item: SourceItem<unknown>) => PreparedItem,
  ) {
    this.key = item.key;
    this.stamp = item.stamp;
    this.fingerprint = fingerprint;
    this.#item = item;
    this.#prepare = prepare;
  }

  /** {@inheritDoc FingerprintedItem.prepare} */
  prepare(): PreparedItem {
    return this.#prepare(this.#item);
  }
}

/**
 * Validates (when the source deferred it) and maps a source item into rows and a content hash (and its ledger
 * fingerprint when the source gives one), or into a quarantine item that names the field and the reason.
 */
export function prepareItem(stream: ResolvedStream, read: SourceItem<unknown>): PreparedItem {
  const fingerprint = read.ok !== false ? read.fingerprint : undefined;
  const item = validatedItem(read);
  if (!item.ok) {
    return {
      ok: false,
      stage: 'source',
      reason: item.reason,
      raw: item.raw,
      ...(item.key !== undefined ? { key: item.key } : {}),
      ...(item.stamp !== undefined ? { stamp: item.stamp } : {}),
      ...(item.field !== undefined ? { field: item.field } : {}),
    };
  }
  try {
    if (stream.mode === 'versioned' && !parseStamp(item.stamp)) {
      throw new RecordError({
        field: '(stamp)',
        reason: `update stamp ${JSON.stringify(item.stamp)} is not a date-time`,
      });
    }
    const mapped = stream.map(item.record, { stream: stream.name, key: item.key, stamp: item.stamp });
    const list = Array.isArray(mapped) ? mapped : [mapped];
    if (list.length > stream.batchSize) {
      throw new RecordError({
        reason: `maps to ${list.length} rows, more than the batch size ${stream.batchSize}`,
      });
    }
    const rows = checkRows(stream, list, Array.isArray(mapped));
    const valid: ValidItem = { ok: true, key: item.key, stamp: item.stamp, rows, hash: contentHash(rows) };
    if (fingerprint !== undefined) valid.fingerprint = ledgerFingerprint(stream, fingerprint);
    return valid;
  } catch (error) {
    const recordError = isRecordError(error) ? error : undefined;
    return {
      ok: false,
      stage: 'map',
      key: item.key,
      stamp: item.stamp,
      reason: recordError
        ? recordError.reason
        : `mapping threw: ${error instanceof Error ? error.message : String(error)}`,
      raw: item.raw ?? item.record,
      record: item.record,
      ...(recordError?.field !== undefined ? { field: recordError.field } : {}),
    };
  }
}
