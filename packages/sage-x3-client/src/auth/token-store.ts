/** A refresh token with its expiry, as persisted (cross-package contract 1). */
export interface StoredRefreshToken {
  /** The refresh token. A secret: encrypt it at rest. */
  refreshToken: string;
  /** When it expires (epoch ms). */
  expiresAt: number;
}

/**
 * Where the OAuth2 strategy keeps the current refresh token. Sage's gateway rotates refresh tokens (a used one is
 * dead), so every new one must be saved before the new access token is used — otherwise a crash loses the pairing.
 */
export interface TokenStore {
  /** The last saved token, or `undefined` when none was saved yet. */
  load(): Promise<StoredRefreshToken | undefined>;
  /** Saves a rotated token durably; resolve only once it is safe. */
  save(token: StoredRefreshToken): Promise<void>;
}

/** A {@link TokenStore} in memory (tests, or when the process owns the pairing for its lifetime only). */
export class MemoryTokenStore implements TokenStore {
  #token: StoredRefreshToken | undefined;
  /** How many times `save` was called. */
  saves = 0;

  /** @param initial a token to start with */
  constructor(initial?: StoredRefreshToken) {
    this.#token = initial;
  }

  /** {@inheritDoc TokenStore.load} */
  async load(): Promise<StoredRefreshToken | undefined> {
    return this.#token ? { ...this.#token } : undefined;
  }

  /** {@inheritDoc TokenStore.save} */
  async save(token: StoredRefreshToken): Promise<void> {
    this.saves++;
    this.#token = { ...token };
  }
}
