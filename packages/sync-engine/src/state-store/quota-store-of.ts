import type { QuotaStore } from '@mlc/core';
import type { StateStore } from './state-store.js';

/**
 * The store's shared quota (§optional.quota) as a {@link QuotaStore}, or `undefined` when the store does not
 * implement both `reserveQuota` and `updateQuota` (sinks then pace in each process).
 */
export function quotaStoreOf(store: StateStore): QuotaStore | undefined {
  const { reserveQuota, updateQuota } = store;
  if (!reserveQuota || !updateQuota) return undefined;
  return { reserveQuota: reserveQuota.bind(store), updateQuota: updateQuota.bind(store) };
}
