import {
  assertLayoutMatchesEngine,
  type SchemaVersionReader,
  storedSchemaVersion,
} from '@mlc/sync-engine/sql-store';
import { describe, expect, it } from 'vitest';
import { isStateStoreError, STATE_STORE_SCHEMA_VERSION } from '../src/index.js';

const reader: SchemaVersionReader = { store: 'Test state store t1', packageName: '@acme/store', newest: 3 };

/** The error `run` throws, checked to be a StateStoreError. */
function thrown(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    expect(isStateStoreError(error)).toBe(true);
    return error as { code: string; message: string };
  }
  throw new Error('expected a StateStoreError');
}

describe('storedSchemaVersion', () => {
  it.each([
    ['1', 1],
    ['3', 3],
    ['999999999', 999999999],
  ])('reads %j as version %d when the package reads up to it', (raw, version) => {
    expect(storedSchemaVersion(raw, { ...reader, newest: Math.max(reader.newest, version) })).toBe(version);
  });

  it('a newer version is STORE_SCHEMA_NEWER naming the store, both versions and the package to upgrade', () => {
    expect(thrown(() => storedSchemaVersion('4', reader))).toMatchObject({
      code: 'STORE_SCHEMA_NEWER',
      message:
        'Test state store t1: data has schema version 4, this package reads up to 3; upgrade @acme/store',
    });
  });

  it.each([
    [undefined, 'missing'],
    ['v1', '"v1"'],
    ['0', '"0"'],
    ['01', '"01"'],
    ['-1', '"-1"'],
    ['1.0', '"1.0"'],
    [' 1', '" 1"'],
    ['1000000000', '"1000000000"'],
    [2, '2'],
    [null, 'null'],
  ])('%j is STORE_UNREADABLE, never an empty store', (raw, shown) => {
    expect(thrown(() => storedSchemaVersion(raw, reader))).toMatchObject({
      code: 'STORE_UNREADABLE',
      message: `Test state store t1: its schema_version is ${shown}; refusing to treat it as empty`,
    });
  });
});

describe('assertLayoutMatchesEngine', () => {
  it("accepts a package whose newest layout is the engine's", () => {
    expect(() =>
      assertLayoutMatchesEngine({ packageName: '@acme/store', newest: STATE_STORE_SCHEMA_VERSION }),
    ).not.toThrow();
  });

  it.each([STATE_STORE_SCHEMA_VERSION - 1, STATE_STORE_SCHEMA_VERSION + 1])(
    'refuses a package writing layout %d with STORE_SCHEMA_NEWER',
    (newest) => {
      expect(thrown(() => assertLayoutMatchesEngine({ packageName: '@acme/store', newest }))).toMatchObject({
        code: 'STORE_SCHEMA_NEWER',
        message: `@acme/store writes layout ${newest} but the engine expects ${STATE_STORE_SCHEMA_VERSION}; upgrade @acme/store`,
      });
    },
  );
});
