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
