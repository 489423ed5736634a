import type { StateStore } from '../state-store/state-store.js';
import { StateStoreError } from '../state-store/state-store-error.js';
import { STATE_STORE_SCHEMA_VERSION } from '../state-store/types.js';

/**
 * Opens a sync's state store once (every entry point awaits {@link StoreOpener.open}) and checks that its schema
 * version is this engine's. A failed open is tried again by the next call; after a close, {@link StoreOpener.forget}
 * makes the next call open the store again.
 */
export class StoreOpener {
  readonly #store: StateStore;
  #opened: Promise<void> | undefined;

  /** @param store the sync's state store. */
  constructor(store: StateStore) {
    this.#store = store;
  }

  /** Resolves once the store is open and reports the engine's schema version (else a `StateStoreError`). */
  open(): Promise<void> {
    this.#opened ??= this.#openAndCheck().catch((error: unknown) => {
      this.#opened = undefined;
      throw error;
    });
    return this.#opened;
  }

  /** Forgets that the store is open (it was closed): the next {@link StoreOpener.open} opens it again. */
  forget(): void {
    this.#opened = undefined;
  }

  async #openAndCheck(): Promise<void> {
    await this.#store.open();
    const version = await this.#store.schemaVersion();
    if (version !== STATE_STORE_SCHEMA_VERSION) {
      throw new StateStoreError({
        code: version > STATE_STORE_SCHEMA_VERSION ? 'STORE_SCHEMA_NEWER' : 'STORE_UNREADABLE',
        message: `state store reports schema version ${version}; this engine needs ${STATE_STORE_SCHEMA_VERSION}`,
      });
    }
  }
}
