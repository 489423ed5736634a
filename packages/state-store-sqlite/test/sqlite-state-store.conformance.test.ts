import { rmSync, writeFileSync } from 'node:fs';
import { describeStateStoreConformance } from '@mlc/sync-engine/conformance';
import Database from 'better-sqlite3';
import { afterAll } from 'vitest';
import { createSqliteStateStore, type SqliteStateStore } from '../src/index.js';
import { makeTempDir } from './temp-dir.js';

const dir = makeTempDir('conformance');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

describeStateStoreConformance<SqliteStateStore>({
  name: 'SqliteStateStore',
  create: ({ clock }) => createSqliteStateStore({ path: `${dir}/store-${++n}.db`, clock }),
  reopen: (store, { clock }) => createSqliteStateStore({ path: store.path, clock }),
  setStoredSchemaVersion: (store, version) => {
    const db = new Database(store.path);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(version));
    db.close();
  },
  corrupt: (store) => {
    rmSync(`${store.path}-wal`, { force: true });
    rmSync(`${store.path}-shm`, { force: true });
    writeFileSync(store.path, Buffer.alloc(8192, 0x5a));
  },
  destroy: (store) => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${store.path}${suffix}`, { force: true });
  },
});
