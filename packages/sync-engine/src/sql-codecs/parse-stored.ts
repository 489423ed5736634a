import { StateStoreError } from '../state-store/state-store-error.js';

/** JSON.parse that turns damage into a loud `STORE_UNREADABLE` naming what was being read. */
export function parseStored<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new StateStoreError({ code: 'STORE_UNREADABLE', message: `${what} holds unreadable JSON`, cause });
  }
}
