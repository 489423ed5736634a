/** Options of `changes()` (cross-package contract 1). */
export interface X3ChangesOptions {
  /**
   * Lower bound, inclusive (`>=`): an update stamp exactly as X3 returned it (a previous `X3Change.stamp`). Omit
   * to read from the beginning.
   */
  since?: string;
  /** Upper bound, exclusive (`<`): an ISO UTC instant (e.g. now minus a safety lag, fixed at run start). */
  until?: string;
  /** Records per request. @default the client's `pageSize` */
  pageSize?: number;
  /** Aborts the read. */
  signal?: AbortSignal;
}

/** A record of a page, before it is parsed, as {@link X3RawChangesOptions.held} is asked about it. */
export interface X3RecordText {
  /** The record key, read from the record's text (as `X3RawChange.key`). */
  key: string;
  /** The raw update stamp, read from the record's text (as `X3RawChange.stamp`; not checked to be a date-time). */
  stamp: string;
  /** The record's exact JSON text in the page (as `X3RawChange.text`). */
  text: string;
}

/** Options of `rawChanges()`. */
export interface X3RawChangesOptions extends X3ChangesOptions {
  /**
   * Optional: asked once per page, before the page is parsed, about each record whose key and stamp can be read
   * from its own text (plain member values); answers, in order, whether the caller holds it. Answer `true` only for
   * a text the caller was given as `X3RawChange.text` by an earlier read of this entity with the same definition,
   * byte for byte (the sync engine: its fingerprint is one the ledger stored): such a text parses, and its record
   * needs no further requests (a GraphQL record whose lines took more requests has no text). Held records are then not parsed: the page is parsed with `null` in their places, which
   * shows it is valid JSON, and such a record is yielded with its key, stamp and text, its `raw` parsed from `text`
   * when first read (the same value a whole-page parse gives). A page that does not parse that way, or holds a
   * number `keepExactNumbers` could change, is parsed as without this option (escape repair, `X3_MALFORMED_JSON`
   * before any of its records is yielded). A rejection parses the page whole. Without it every record is parsed.
   */
  held?(records: readonly X3RecordText[]): Promise<readonly boolean[]>;
}
