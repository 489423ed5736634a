import type { StateStore } from '../state-store/state-store.js';
import type { AuditEntry, AuditType } from '../state-store/types.js';

const PAGE = 1000;

/** A filter of {@link searchAudit}: every given criterion must hold. */
export interface AuditSearch {
  /** Only these streams. @default every stream */
  streams?: readonly string[];
  /** Only these types. @default every type */
  types?: readonly AuditType[];
  /** Only entries at or after this epoch ms. */
  since?: number;
  /** Only entries of this batch. */
  batchId?: string;
  /** Only entries of this record key. */
  key?: string;
  /** The last this many matching entries. @default 100 */
  limit?: number;
}

/**
 * Audit entries matching `search`, oldest first: the last `limit` that match. Streams and types are filtered by
 * the store; `since`, batch and key while paging through it (so it reads the matching part of the log).
 *
 * @example
 * const failures = await searchAudit(store, { types: ['run-failed', 'batch-failed'], since: Date.now() - 86_400_000 });
 */
export async function searchAudit(store: StateStore, search: AuditSearch = {}): Promise<AuditEntry[]> {
  const limit = search.limit ?? 100;
  const types = search.types && search.types.length > 0 ? [...search.types] : undefined;
  let kept: AuditEntry[] = [];
  for (const stream of search.streams ?? [undefined]) {
    let afterSeq: number | undefined;
    for (;;) {
      const page = await store.queryAudit({
        limit: PAGE,
        ...(stream !== undefined ? { stream } : {}),
        ...(types ? { types } : {}),
        ...(afterSeq !== undefined ? { afterSeq } : {}),
      });
      for (const e of page) {
        if (search.since !== undefined && e.at < search.since) continue;
        if (search.batchId !== undefined && e.batchId !== search.batchId) continue;
        if (search.key !== undefined && e.key !== search.key) continue;
        kept.push(e);
      }
      if (kept.length > limit * 4) kept = newest(kept, limit);
      const last = page.at(-1);
      if (page.length < PAGE || !last) break;
      afterSeq = last.seq;
    }
  }
  return newest(kept, limit);
}

/** The `limit` entries with the highest `seq`, oldest first (entries of several streams arrive out of order). */
function newest(entries: AuditEntry[], limit: number): AuditEntry[] {
  return entries.sort((a, b) => a.seq - b.seq).slice(-limit);
}
