import { PowerBIValidationError } from '../errors/power-bi-validation-error.js';
import { POWER_BI_LIMITS } from '../limits.js';
import type { ResolvedTable } from '../schema/schema-types.js';
import { type EncodedSize, encodeRowSized } from './encode-row.js';

/** One POST rows request, ready to send. */
export interface PlannedRequest {
  /** Index in the `append()` input of the first row. */
  startIndex: number;
  /** How many rows it carries. */
  rowCount: number;
  /** The JSON body `{"rows":[…]}`. */
  body: string;
  /** UTF-8 size of `body`. */
  bytes: number;
}

/** Limits for {@link planRequests}. */
export interface PlanLimits {
  /** @default POWER_BI_LIMITS.maxRowsPerRequest (10,000) */
  maxRows?: number;
  /** @default POWER_BI_LIMITS.maxRequestBytes (16,000,000) */
  maxBytes?: number;
  /** Value of the `_batch` column. */
  batchId?: string;
}

const PREFIX = '{"rows":[';
const SUFFIX = ']}';
const ENVELOPE_BYTES = PREFIX.length + SUFFIX.length;

/**
 * Validates every row, then splits them into request bodies of at most `maxRows` rows and `maxBytes` bytes of
 * serialised JSON ([documented] reference §3: 10,000 rows and 16 MB per request). Every row is validated before
 * anything is returned, so a bad row means no request at all. A row that `checkRow` returned for exactly this
 * table's columns (the sync engine checks every row so before batching) is not checked a second time
 * ({@link encodeRow}).
 *
 * @throws {PowerBIValidationError} `PBI_ROW_INVALID` for the first invalid row.
 */
export function planRequests(
  table: ResolvedTable,
  rows: readonly unknown[],
  limits: PlanLimits = {},
): PlannedRequest[] {
  return plan(table, rows, limits, () => new TextBody());
}

/** A {@link PlannedRequest} whose body is its UTF-8 bytes. */
export interface PlannedByteRequest extends Omit<PlannedRequest, 'body'> {
  /** The UTF-8 bytes of the JSON body `{"rows":[…]}` (`bytes` of them). */
  body: Uint8Array;
}

/**
 * {@link planRequests} with each body written as the UTF-8 bytes a POST sends (the same bytes as the text's), which
 * is what `append()` sends. Each row's text is written into the body's buffer as it is encoded and then dropped: no
 * body text is built on the JS heap (joining 10,000 row texts into one, 4.6 to 9 MB of it as two-byte text when a row
 * holds a character beyond Latin-1, cost about 25 ms of CPU per body) and fetch no longer encodes one (its
 * `TextEncoder` pass over the whole text).
 *
 * @throws {PowerBIValidationError} `PBI_ROW_INVALID` for the first invalid row.
 */
export function planByteRequests(
  table: ResolvedTable,
  rows: readonly unknown[],
  limits: PlanLimits = {},
): PlannedByteRequest[] {
  return plan(table, rows, limits, () => new ByteBody(limits.maxBytes));
}

/** Builds one request's body from its rows' texts, in order. */
interface BodyWriter<B> {
  /** Appends a row's text, whose UTF-8 size is `bytes`. */
  add(text: string, bytes: number): void;
  /** The body, envelope included. */
  finish(): B;
}

/** The split shared by {@link planRequests} and {@link planByteRequests}; `newBody` starts each request's body. */
function plan<B>(
  table: ResolvedTable,
  rows: readonly unknown[],
  limits: PlanLimits,
  newBody: () => BodyWriter<B>,
): Array<Omit<PlannedRequest, 'body'> & { body: B }> {
  const maxRows = Math.min(
    limits.maxRows ?? POWER_BI_LIMITS.maxRowsPerRequest,
    POWER_BI_LIMITS.maxRowsPerRequest,
  );
  const maxBytes = Math.min(
    limits.maxBytes ?? POWER_BI_LIMITS.maxRequestBytes,
    POWER_BI_LIMITS.maxRequestBytes,
  );
  if (!Array.isArray(rows)) {
    throw new PowerBIValidationError({
      code: 'PBI_ROW_INVALID',
      reason: 'rows must be an array',
      table: table.name,
    });
  }
  const requests: Array<Omit<PlannedRequest, 'body'> & { body: B }> = [];
  let body = newBody();
  let rowCount = 0;
  let bytes = ENVELOPE_BYTES;
  let startIndex = 0;
  const flush = () => {
    if (rowCount === 0) return;
    requests.push({ startIndex, rowCount, body: body.finish(), bytes });
    startIndex += rowCount;
    body = newBody();
    rowCount = 0;
    bytes = ENVELOPE_BYTES;
  };
  const options = limits.batchId === undefined ? {} : { batchId: limits.batchId };
  const size: EncodedSize = { bytes: 0 };
  for (let index = 0; index < rows.length; index++) {
    const text = encodeRowSized(table, rows[index], index, options, size);
    if (ENVELOPE_BYTES + size.bytes > maxBytes) {
      throw new PowerBIValidationError({
        code: 'PBI_ROW_INVALID',
        reason: `the row alone serialises to ${size.bytes} bytes, more than the ${maxBytes}-byte request limit`,
        table: table.name,
        rowIndex: index,
      });
    }
    if (rowCount >= maxRows || bytes + (rowCount > 0 ? 1 : 0) + size.bytes > maxBytes) flush();
    bytes += (rowCount > 0 ? 1 : 0) + size.bytes;
    body.add(text, size.bytes);
    rowCount += 1;
  }
  flush();
  return requests;
}

/** A body as one flat string. */
class TextBody implements BodyWriter<string> {
  #parts: string[] = [];

  add(text: string): void {
    this.#parts.push(text);
  }

  finish(): string {
    const parts = this.#parts;
    // The envelope goes into the first and last row's text, so that one join makes the body one flat string.
    // Wrapped around the join (`${PREFIX}${joined}${SUFFIX}`), it was a chain of concatenations that fetch's
    // `Request` (undici) has to flatten, a copy of the whole body, before it checks and measures it ([inferred] from
    // measurements on Node 20: `new Request(…)` and reading its body back cost about 20 ms of CPU per 10,000-row
    // body that way, 6 ms from a flat string).
    parts[0] = `${PREFIX}${parts[0]}`;
    parts[parts.length - 1] = `${parts[parts.length - 1]}${SUFFIX}`;
    return parts.join(',');
  }
}

/** First capacity of a {@link ByteBody}: doubled as rows are written, so a large body is copied about once. */
const FIRST_CAPACITY = 64 * 1024;

/** A body as UTF-8 bytes, written row by row into a growing buffer. */
class ByteBody implements BodyWriter<Uint8Array> {
  #buffer: Buffer;
  #length = 0;
  readonly #maxBytes: number;

  constructor(maxBytes: number | undefined) {
    this.#maxBytes = Math.min(maxBytes ?? POWER_BI_LIMITS.maxRequestBytes, POWER_BI_LIMITS.maxRequestBytes);
    this.#buffer = Buffer.allocUnsafe(Math.min(FIRST_CAPACITY, this.#maxBytes));
    this.#length = this.#buffer.write(PREFIX, 0, 'latin1');
  }

  add(text: string, bytes: number): void {
    const separator = this.#length > PREFIX.length ? 1 : 0;
    this.#reserve(separator + bytes + SUFFIX.length);
    if (separator === 1) this.#buffer[this.#length++] = COMMA;
    const written = this.#buffer.write(text, this.#length, 'utf8');
    // [inferred] cannot happen: `bytes` is the text's UTF-8 size, and the buffer holds room for it.
    if (written !== bytes) throw new Error(`row text is ${written} UTF-8 bytes, measured ${bytes}`);
    this.#length += written;
  }

  finish(): Uint8Array {
    this.#reserve(SUFFIX.length);
    this.#length += this.#buffer.write(SUFFIX, this.#length, 'latin1');
    return this.#buffer.subarray(0, this.#length);
  }

  /** Room for `more` bytes after the written ones. */
  #reserve(more: number): void {
    const needed = this.#length + more;
    if (needed <= this.#buffer.length) return;
    let capacity = this.#buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(Math.max(needed, Math.min(capacity, this.#maxBytes)));
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }
}

const COMMA = ','.charCodeAt(0);
