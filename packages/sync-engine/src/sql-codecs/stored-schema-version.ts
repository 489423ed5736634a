import { StateStoreError } from '../state-store/state-store-error.js';
import { STATE_STORE_SCHEMA_VERSION } from '../state-store/types.js';

/** A store package and the layout it reads and writes, as its schema-version errors name them. */
export interface SchemaVersionReader {
  /** The store as errors name it, e.g. `SQLite state store /var/lib/sync.db`. */
  readonly store: string;
  /** The package to upgrade when the data is newer, e.g. `@mlc/state-store-sqlite`. */
  readonly packageName: string;
  /** The newest layout the package reads and writes. */
  readonly newest: number;
}

/** A stored version is a positive whole number as text: no sign, no leading zero, no more than nine digits. */
const STORED_VERSION = /^[1-9][0-9]{0,8}$/;

/**
 * Refuses a store package whose newest layout is not the engine's {@link STATE_STORE_SCHEMA_VERSION}: the two
 * must move together, so a mismatch is a packaging mistake caught before any data is touched.
 *
 * @throws StateStoreError `STORE_SCHEMA_NEWER` naming both versions and the package to upgrade.
 */
export function assertLayoutMatchesEngine(reader: Pick<SchemaVersionReader, 'packageName' | 'newest'>): void {
  if (reader.newest === STATE_STORE_SCHEMA_VERSION) return;
  throw new StateStoreError({
    code: 'STORE_SCHEMA_NEWER',
    message: `${reader.packageName} writes layout ${reader.newest} but the engine expects ${STATE_STORE_SCHEMA_VERSION}; upgrade ${reader.packageName}`,
  });
}

/**
 * The layout version a store's `schema_version` value records, checked before any migration runs: an unreadable
 * or missing value is damage and data of a newer layout is not this package's to read; neither is ever treated as
 * an empty store.
 *
 * @param raw - The stored value as the database returned it (`undefined` when there is none).
 * @throws StateStoreError `STORE_UNREADABLE` when `raw` is not a positive whole number as text,
 *   `STORE_SCHEMA_NEWER` when it is above `reader.newest`.
 */
export function storedSchemaVersion(raw: unknown, reader: SchemaVersionReader): number {
  if (typeof raw !== 'string' || !STORED_VERSION.test(raw)) {
    throw new StateStoreError({
      code: 'STORE_UNREADABLE',
      message: `${reader.store}: its schema_version is ${raw === undefined ? 'missing' : JSON.stringify(raw)}; refusing to treat it as empty`,
    });
  }
  const stored = Number(raw);
  if (stored > reader.newest) {
    throw new StateStoreError({
      code: 'STORE_SCHEMA_NEWER',
      message: `${reader.store}: data has schema version ${stored}, this package reads up to ${reader.newest}; upgrade ${reader.packageName}`,
    });
  }
  return stored;
}
