import type { Logger } from '@mlc/core';
import type { SyncEventListener, SyncEventName, SyncEvents } from './sync-events.js';

/**
 * A small typed emitter. A throwing listener is logged and ignored: observers must never break a sync.
 */
export class SyncEventEmitter {
  readonly #listeners = new Map<SyncEventName, Set<(event: never) => void>>();
  readonly #logger: Logger;

  /** @param logger where listener failures are reported. */
  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends SyncEventName>(name: K, listener: SyncEventListener<K>): () => void {
    let set = this.#listeners.get(name);
    if (!set) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener as (event: never) => void);
    return () => this.off(name, listener);
  }

  /** Unsubscribes. */
  off<K extends SyncEventName>(name: K, listener: SyncEventListener<K>): void {
    this.#listeners.get(name)?.delete(listener as (event: never) => void);
  }

  /** Calls every listener of `name` synchronously. */
  emit<K extends SyncEventName>(name: K, event: SyncEvents[K]): void {
    const set = this.#listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as SyncEventListener<K>)(event);
      } catch (error) {
        this.#logger.warn({ err: error, event: name }, 'sync event listener threw; ignored');
      }
    }
  }
}
