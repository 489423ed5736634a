import { SyncError } from '../errors/sync-error.js';
import { SecretBox, type SecretKey } from '../secrets/secret-box.js';
import { type SecretTokenStore, createSecretTokenStore } from '../secrets/secret-token-store.js';
import type { StateStore } from '../state-store/state-store.js';
import type { StoreOpener } from './store-opener.js';

/**
 * The token store of `Sync.tokenStore`: `slot` in the sync's state store, encrypted with its `secretKey`, each call
 * opening the store first. `SYNC_CONFIG_INVALID` when the sync has no `secretKey`.
 */
export function openTokenStore(
  store: StateStore,
  opener: StoreOpener,
  secretKey: SecretKey | undefined,
  slot: string,
): SecretTokenStore {
  if (secretKey === undefined) {
    throw new SyncError({
      code: 'SYNC_CONFIG_INVALID',
      message: 'tokenStore() needs `secretKey` in createSync options',
    });
  }
  const box = new SecretBox(secretKey);
  const inner = createSecretTokenStore({ store, box, slot });
  return {
    load: async () => {
      await opener.open();
      return inner.load();
    },
    save: async (token) => {
      await opener.open();
      return inner.save(token);
    },
  };
}
