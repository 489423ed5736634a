import { PowerBIValidationError } from '../errors/power-bi-validation-error.js';
import { POWER_BI_LIMITS } from '../limits.js';
import type { ResolvedTable } from '../schema/schema-types.js';
import { encodeRow } from './encode-row.js';

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
  const requests: PlannedRequest[] = [];
  let parts: string[] = [];
  let bytes = ENVELOPE_BYTES;
  let startIndex = 0;
  const flush = () => {
    if (parts.length === 0) return;
    // The envelope goes into the first and last row's text, so that one join makes the body one flat string.
    // Wrapped around the join (`${PREFIX}${joined}${SUFFIX}`), it was a chain of concatenations that fetch's
    // `Request` (undici) has to flatten, a copy of the whole body, before it checks and measures it ([inferred] from
    // measurements on Node 20: `new Request(…)` and reading its body back cost about 20 ms of CPU per 10,000-row
    // body that way, 6 ms from a flat string).
    parts[0] = `${PREFIX}${parts[0]}`;
    parts[parts.length - 1] = `${parts[parts.length - 1]}${SUFFIX}`;
    requests.push({
      startIndex,
      rowCount: parts.length,
      body: parts.join(','),
      bytes,
    });
    startIndex += parts.length;
    parts = [];
    bytes = ENVELOPE_BYTES;
  };
  const options = limits.batchId === undefined ? {} : { batchId: limits.batchId };
  for (let index = 0; index < rows.length; index++) {
    const text = encodeRow(table, rows[index], index, options);
    // Measuring the row also flattens its text while it is young ([inferred] from profiles: measuring requests
    // instead left rows as chains of concatenations until the join, which cost the join and the GC more).
    const size = Buffer.byteLength(text, 'utf8');
    if (ENVELOPE_BYTES + size > maxBytes) {
      throw new PowerBIValidationError({
        code: 'PBI_ROW_INVALID',
        reason: `the row alone serialises to ${size} bytes, more than the ${maxBytes}-byte request limit`,
        table: table.name,
        rowIndex: index,
      });
    }
    const separator = parts.length > 0 ? 1 : 0;
    if (parts.length >= maxRows || bytes + separator + size > maxBytes) flush();
    bytes += (parts.length > 0 ? 1 : 0) + size;
    parts.push(text);
  }
  flush();
  return requests;
}
