import type { X3RecordError } from '../errors/x3-record-error.js';

/**
 * One record read from X3 (cross-package contract 1): either a valid normalized record with its key and raw stamp,
 * or an invalid one with the error that says which field failed and why. Invalid records are reported, never
 * dropped.
 */
export type X3Change<T> =
  | {
      /** The record passed its schema. */
      ok: true;
      /** Entity name. */
      entity: string;
      /** Record key (REST class key, composite parts joined by `~`; GraphQL `_id`). */
      key: string;
      /** The update stamp exactly as X3 returned it (use it as `since` to resume). */
      stamp: string;
      /** The normalized record. */
      record: T;
      /** The record as X3 sent it. */
      raw: unknown;
    }
  | {
      /** The record failed its schema. */
      ok: false;
      /** Entity name. */
      entity: string;
      /** Record key, when it could be read. */
      key?: string;
      /** Raw update stamp, when it could be read. */
      stamp?: string;
      /** The record as X3 sent it. */
      raw: unknown;
      /** What is wrong: field path and reason. */
      error: X3RecordError;
    };

/**
 * One record read from X3 by `rawChanges()`, before validation: its key and raw stamp as far as they can be read,
 * the record as received, and `normalize()`, which validates it into the {@link X3Change} `changes()` would have
 * yielded (strict mode and the invalid-record warning apply there). For callers that can tell from the raw record
 * alone that they do not need it (the sync engine skips records whose raw content it already posted), so the schema
 * validation is spent only on records that are used.
 */
export interface X3RawChange<T> {
  /** Entity name. */
  entity: string;
  /** Record key, when it could be read. */
  key?: string;
  /** Raw update stamp, when it could be read (not yet checked to be a date-time). */
  stamp?: string;
  /**
   * The record as X3 sent it. A record the caller held (`X3RawChangesOptions.held`) is parsed from {@link text}
   * when this is first read.
   */
  raw: unknown;
  /**
   * The JSON text `raw` was parsed from, exactly as received (after the client's number-keeping and escape
   * repair), when the reader kept it: a page's record is parsed from its own slice of the body, so `raw` is
   * `JSON.parse(text)`. Absent for a record rebuilt after parsing (GraphQL lines completed by further reads).
   */
  text?: string;
  /** Validates and normalises the record (each call validates again: call it once). */
  normalize(): X3Change<T>;
}
