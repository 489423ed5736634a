import type { StateStore } from '../state-store/state-store.js';
import type { AuditEntry, AuditQuery } from '../state-store/types.js';

const PAGE = 1000;

/**
 * The newest audit entries matching `query`, newest first: the store's `latestAudit` when it has one, else by
 * paging `queryAudit` from the start and keeping the last `limit` (correct for any store, but it reads the whole
 * matching log).
 */
export async function latestAudit(store: StateStore, query: AuditQuery = {}): Promise<AuditEntry[]> {
  const limit = query.limit ?? PAGE;
  if (store.latestAudit) return store.latestAudit({ ...query, limit });
  let kept: AuditEntry[] = [];
  let afterSeq = query.afterSeq;
  for (;;) {
    const page = await store.queryAudit({
      ...query,
      limit: PAGE,
      ...(afterSeq !== undefined ? { afterSeq } : {}),
    });
    kept = kept.concat(page).slice(-limit);
    const last = page.at(-1);
    if (page.length < PAGE || !last) break;
    afterSeq = last.seq;
  }
  return kept.reverse();
}
