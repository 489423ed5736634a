import type { FailureDescription } from '../alerts/failure-description.js';

/** A valid record read from a source. */
export interface SourceRecord<T = unknown> {
  /** Valid. */
  ok: true;
  /** Record key (unique within the stream). */
  key: string;
  /** Update stamp exactly as the source returned it. */
  stamp: string;
  /** The validated record. */
  record: T;
  /** The raw record as received, kept for dead letters. */
  raw?: unknown;
  /**
   * Optional: a fingerprint of everything the record's validation and mapping depend on, typically a strong hash
   * (128 bits or more) of the raw record as received. Two reads of a key with the same fingerprint must validate
   * and map alike: the engine then counts the second one unchanged without mapping, checking or hashing it (the
   * engine keys it by the stream's version itself, so a mapping change is seen). Without it every record takes the
   * full path.
   */
  fingerprint?: string;
}

/** A record the source could not validate. It is quarantined with these facts and the run goes on. */
export interface SourceInvalidRecord {
  /** Invalid. */
  ok: false;
  /** Key, when it could be read. */
  key?: string;
  /** Stamp, when it could be read. */
  stamp?: string;
  /** The raw record. */
  raw: unknown;
  /** Field path at fault. */
  field?: string;
  /** Why it is invalid. */
  reason: string;
  /** The underlying error. */
  error?: unknown;
}

/**
 * Optional: a record read with its fingerprint but not validated yet. The engine calls `validate()` only when the
 * ledger does not hold the fingerprint (the record is new or changed); a record it skips was valid when it was last
 * decided, as only valid records get a fingerprint into the ledger. `validate()` gives the record or the reasons it
 * is invalid (quarantined like any invalid record, with field and reason). Key and stamp must be the ones
 * validation would give, the stamp a valid date-time (yield an invalid or validated item otherwise).
 */
export interface SourceUnvalidatedRecord<T = unknown> {
  /** Not validated yet. */
  ok: 'unvalidated';
  /** Record key. */
  key: string;
  /** Update stamp exactly as the source returned it. */
  stamp: string;
  /** The raw record as received (it may be built when first read: an unchanged record's is never read). */
  raw: unknown;
  /** As {@link SourceRecord.fingerprint}. */
  fingerprint: string;
  /** Validates the record (called at most once, and not at all for a record the ledger says is unchanged). */
  validate(): SourceRecord<T> | SourceInvalidRecord;
}

/** One item of a source read. */
export type SourceItem<T = unknown> = SourceRecord<T> | SourceInvalidRecord | SourceUnvalidatedRecord<T>;

/** The item validated: a {@link SourceUnvalidatedRecord} is validated, any other item is returned as it is. */
export function validatedItem<T>(item: SourceItem<T>): SourceRecord<T> | SourceInvalidRecord {
  return item.ok === 'unvalidated' ? item.validate() : item;
}

/** What a run asks the source for. */
export interface SourceReadRequest {
  /** Inclusive lower bound: a raw stamp (`stamp >= since`); absent on the first run. */
  since?: string;
  /** Exclusive upper bound: an ISO-8601 UTC instant (`stamp < until`), fixed at run start. */
  until: string;
  /** Aborts the read. */
  signal?: AbortSignal;
  /**
   * Optional, given by the engine: for each of these records (its key and its fingerprint, as the source will yield
   * them), whether the ledger holds that fingerprint for that key as of now, i.e. whether the engine would count the
   * record unchanged. A source may ask about a page's records before it builds them, to spare work on those held
   * (`x3Source` does not parse them). The engine keeps what it looked up for the chunk that decides those keys, so
   * asking costs no second ledger look-up. An answer is a hint for the read, never the decision: each record must
   * still be yielded, with that key, stamp and fingerprint, and the engine decides it against the ledger as it
   * stands then (it validates and maps a record that changed since, so its `raw` must stay readable). A fingerprint
   * the ledger holds is one a source gave for a record that was valid. A source that never calls it reads as before;
   * a rejection (the store failed) is the source's to handle (the engine's own look-up fails the run as it would).
   */
  holds?(records: ReadonlyArray<{ key: string; fingerprint: string }>): Promise<readonly boolean[]>;
}

/**
 * Where a stream's records come from. `read` yields records ordered by (stamp, key), one at a time, with
 * memory bounded by one page. `@mlc/sync-engine` ships {@link x3Source} over the Sage X3 client.
 */
export interface SyncSource<T = unknown> {
  /** Reads changes in `[since, until)`. */
  read(request: SourceReadRequest): AsyncIterable<SourceItem<T>>;
  /**
   * Optional: `true` when a read leaves no effect behind if it is dropped unread (a plain query, as an X3 read is).
   * The engine may then start a run's read before the run holds the stream's lease, while the sink is set up, and
   * drop it (abort its signal and end its iterator) when the run turns out to read another window or none. Nothing
   * read is decided before the run holds the lease: its `holds` questions wait until then. Leave it unset for a
   * source whose reads consume or acknowledge anything.
   */
  readonly readsAhead?: boolean;
  /**
   * Optional: re-validates a raw record (replay of a record the source rejected, after a fix). Without it, such
   * dead letters can only be replayed by re-reading the source (reset or lookback).
   */
  revalidate?(raw: unknown): SourceItem<T>;
  /**
   * Optional: reads one record by key as it is now (`undefined` when the source no longer has it). Replaying a
   * record dead letter then re-reads the record and maps it with today's mapping, so a fix in the data, the
   * source schema or the mapping all count; without it the stored raw record is re-validated ({@link revalidate}).
   */
  readKey?(key: string, options: { signal?: AbortSignal }): Promise<SourceItem<T> | undefined>;
  /** Optional: every live key in ascending UTF-16 order, for delete reconciliation of `replace` streams. */
  keys?(options: { signal?: AbortSignal }): AsyncIterable<string>;
  /**
   * Optional: describes `error` to the operator (code, phase, severity, remedy) when it is one of this source's
   * own failures, else `undefined`. The engine asks it for every failed run of a stream of this source; without
   * it (or for an error it does not claim) the alert has the engine's generic advice for the phase.
   */
  describeFailure?(error: unknown): FailureDescription | undefined;
}
