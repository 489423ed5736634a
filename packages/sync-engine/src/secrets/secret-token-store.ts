import type { StateStore } from '../state-store/state-store.js';
import type { SecretBox } from './secret-box.js';

/** The shape the Sage X3 OAuth2 strategy persists (see `@mlc/sage-x3-client` `TokenStore`). */
export interface StoredRefreshToken {
  /** The rotated refresh token. */
  refreshToken: string;
  /** Epoch ms when it expires. */
  expiresAt: number;
}

/** A `TokenStore` for the X3 OAuth2 strategy, backed by an encrypted state-store slot. */
export interface SecretTokenStore {
  /** The stored token, or `undefined`. */
  load(): Promise<StoredRefreshToken | undefined>;
  /** Replaces the stored token atomically. */
  save(token: StoredRefreshToken): Promise<void>;
}

/**
 * Persists rotated refresh tokens in a state-store secret slot, encrypted before the store sees them.
 * `store.open()` must have been called (or `createSync().ready()`).
 */
export function createSecretTokenStore(options: {
  store: StateStore;
  box: SecretBox;
  slot: string;
}): SecretTokenStore {
  const { store, box, slot } = options;
  return {
    async load() {
      const sealed = await store.getSecret(slot);
      if (sealed === undefined) return undefined;
      const parsed = JSON.parse(box.decrypt(slot, sealed)) as StoredRefreshToken;
      return { refreshToken: parsed.refreshToken, expiresAt: parsed.expiresAt };
    },
    async save(token) {
      await store.putSecret(
        slot,
        box.encrypt(slot, JSON.stringify({ refreshToken: token.refreshToken, expiresAt: token.expiresAt })),
      );
    },
  };
}
