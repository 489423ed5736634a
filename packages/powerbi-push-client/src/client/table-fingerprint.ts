import { createHash } from 'node:crypto';
import { toApiTable } from '../schema/to-api-dataset.js';
import type { ResolvedTable } from '../schema/schema-types.js';

/**
 * A short digest of the definition `ensureDataset` sends for `table` (its PUT body): equal fingerprints mean the same
 * columns, types, formats and measures.
 */
export function tableFingerprint(table: ResolvedTable): string {
  return createHash('sha256')
    .update(JSON.stringify(toApiTable(table)))
    .digest('base64url')
    .slice(0, 22);
}
