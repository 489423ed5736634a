import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TestClock } from '@mlc/core';
import { type BatchIntent, isStateStoreError, type Row, type StateStoreErrorCode } from '@mlc/sync-engine';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createSqliteStateStore, SQLITE_SCHEMA_VERSION, type SqliteStateStore } from '../src/index.js';
import { makeTempDir } from './temp-dir.js';

const dir = makeTempDir('store');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const newPath = () => join(dir, `s-${++n}.db`);

async function expectStoreError(promise: Promise<unknown>, code: StateStoreErrorCode): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isStateStoreError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
  return error as Error;
}

function intent(batchId: string, over: Partial<BatchIntent> = {}): BatchIntent {
  return {
    batchId,
    stream: 's',
    table: 'T',
    kind: 'rows',
    mode: 'append',
    rows: [{ id: batchId, n: 1 }],
    entries: [{ key: `${batchId}-k`, hash: 'h', version: 1 }],
    rowCount: 1,
    createdAt: 1,
    attempts: 0,
    status: 'open',
    ...over,
  };
}

describe('SqliteStateStore on disk', () => {
  it('finds intents, cursors, ledger, dead letters, audit and secrets intact after close and reopen', async () => {
    const path = newPath();
    const clock = new TestClock('2024-01-01T00:00:00Z');
    const first = createSqliteStateStore({ path, clock });
    await first.open();
    const lease = await first.acquireLease({ name: 's', owner: 'A', ttlMs: 60_000 });
    if (!lease) throw new Error('lease');
    const keys = Array.from({ length: 5000 }, (_, i) => `K${i}`);
    await first.beginBatch(
      intent('b1', {
        entries: keys.map((key) => ({ key, hash: `h-${key}`, version: 1, rows: [{ key }] })),
        cursor: { stamp: '2024-01-01T00:00:00.123456Z', key: 'K4999' },
      }),
      lease,
    );
    await first.commitBatch('b1', lease, { at: 2 });
    await first.beginBatch(intent('b2', { rows: [{ id: 'é€😀', f: 0.1 + 0.2 }], createdAt: 5 }), lease);
    await first.failBatch(
      'b2',
      { status: 'failed', deadLetterId: 'dl2', at: 6, failure: { code: 'X', message: 'nope' } },
      lease,
    );
    await first.beginBatch(intent('b3', { createdAt: 7 }), lease);
    await first.updateBatch('b3', { postedAt: 8, attempts: 2 }, lease);
    await first.appendAudit([{ at: 9, type: 'batch-posted', stream: 's', batchId: 'b3', message: 'posted' }]);
    await first.putSecret('x3.refreshToken', 'ciphertext');
    await first.close();

    const second = createSqliteStateStore({ path, clock });
    await second.open();
    expect(await second.getCursor('s')).toEqual({ stamp: '2024-01-01T00:00:00.123456Z', key: 'K4999' });
    const ledger = await second.lookupLedger('s', keys);
    expect(ledger.size).toBe(5000);
    expect(ledger.get('K42')).toEqual({ key: 'K42', hash: 'h-K42', version: 1, rows: [{ key: 'K42' }] });
    const open = await second.listOpenBatches();
    expect(open.map((b) => [b.batchId, b.postedAt, b.attempts, b.rows])).toEqual([
      ['b3', 8, 2, [{ id: 'b3', n: 1 }]],
    ]);
    const [letter] = await second.listDeadLetters();
    expect(letter).toMatchObject({ id: 'dl2', batchId: 'b2', rows: [{ id: 'é€😀', f: 0.1 + 0.2 }] });
    expect((await second.getBatch('b1'))?.status).toBe('committed');
    expect((await second.queryAudit()).map((e) => e.message)).toEqual(['posted']);
    expect(await second.getSecret('x3.refreshToken')).toBe('ciphertext');
    const again = await second.acquireLease({ name: 's', owner: 'B', ttlMs: 1000 });
    expect(again, 'the lease survives the reopen too').toBeUndefined();
    await second.close();
  });

  it('keeps everything a killed process wrote (no close, SIGKILL)', async () => {
    const path = newPath();
    const script = join(import.meta.dirname, 'fixtures', 'write-then-crash.mts');
    const run = promisify(execFile);
    const outcome = await run(
      process.execPath,
      ['--import', 'tsx', '--conditions=@mlc/source', script, path],
      {
        cwd: join(import.meta.dirname, '..', '..', '..'),
      },
    ).then(
      () => ({ stdout: '', signal: null as string | null }),
      (e: { stdout: string; signal: string | null }) => e,
    );
    expect(outcome.signal).toBe('SIGKILL');
    expect(outcome.stdout).toContain('written');
    expect(existsSync(`${path}-wal`), 'the WAL was not checkpointed away by a clean close').toBe(true);
    const store = createSqliteStateStore({ path });
    await store.open();
    expect(await store.getCursor('s')).toEqual({ stamp: '2024-01-01T00:00:00Z', key: 'k1' });
    expect((await store.lookupLedger('s', ['k1', 'k2'])).get('k1')?.hash).toBe('h1');
    expect((await store.lookupLedger('s', ['k2'])).size, 'the open intent applied nothing').toBe(0);
    const [open] = await store.listOpenBatches('s');
    expect(open).toMatchObject({
      batchId: 'b2',
      postedAt: 4,
      attempts: 1,
      rows: [{ id: 'k2', amount: 12.5 }],
    });
    await store.close();
  });

  it('runs WAL with synchronous=FULL by default, NORMAL only when asked', async () => {
    const path = newPath();
    const pragma = vi.spyOn(Database.prototype, 'pragma');
    try {
      for (const [option, level] of [
        [undefined, 'synchronous = FULL'],
        ['normal', 'synchronous = NORMAL'],
      ] as const) {
        pragma.mockClear();
        const store = createSqliteStateStore({ path, ...(option ? { synchronous: option } : {}) });
        await store.open();
        expect(pragma.mock.calls.map((c) => c[0])).toEqual(
          expect.arrayContaining(['journal_mode = WAL', level]),
        );
        await store.close();
      }
    } finally {
      pragma.mockRestore();
    }
    const probe = new Database(path);
    expect(probe.pragma('journal_mode', { simple: true })).toBe('wal');
    probe.close();
  });

  it('maps the file for reads (mmap_size 256 MiB) by default, not with mmapSizeBytes 0', async () => {
    const path = newPath();
    const pragma = vi.spyOn(Database.prototype, 'pragma');
    try {
      for (const [option, expected] of [
        [undefined, 268_435_456],
        [0, 0],
      ] as const) {
        pragma.mockClear();
        const store = createSqliteStateStore({
          path,
          ...(option === undefined ? {} : { mmapSizeBytes: option }),
        });
        await store.open();
        expect(pragma.mock.calls.map((c) => c[0])).toContain(`mmap_size = ${expected}`);
        // The store still reads and writes through the map.
        await store.putSecret('slot', `value ${expected}`);
        expect(await store.getSecret('slot')).toBe(`value ${expected}`);
        await store.close();
      }
    } finally {
      pragma.mockRestore();
    }
  });
});

describe('SqliteStateStore stored rows', () => {
  const rows = [
    { id: 'A1', amount: 0.1 + 0.2, note: 'é😀"\n' },
    { id: 'A2', amount: 1e21, note: null },
  ];
  const columnar =
    '{"columns":["id","amount","note"]}\n[["A1",0.30000000000000004,"é😀\\"\\n"],["A2",1e+21,null]]';

  it('writes batch, dead-letter and ledger rows columnar, and reads the plain JSON arrays of earlier versions', async () => {
    const path = newPath();
    const store = await storeWithRowsEverywhere(path, rows);

    const db = new Database(path);
    const text = (sql: string) => db.prepare<[], { rows: string }>(sql).get()?.rows;
    expect(text("SELECT rows FROM batch_payloads WHERE batch_id = 'b1'")).toBe(columnar);
    expect(text("SELECT rows FROM dead_letters WHERE id = 'dl2'")).toBe(columnar);
    expect(text("SELECT rows FROM ledger WHERE key = 'k'")).toBe(columnar);
    expect((await store.getBatch('b1'))?.rows).toStrictEqual(rows);
    expect((await store.listDeadLetters())[0]?.rows).toStrictEqual(rows);
    expect((await store.lookupLedger('s', ['k'])).get('k')?.rows).toStrictEqual(rows);

    const plain = JSON.stringify(rows);
    db.prepare("UPDATE batch_payloads SET rows = ? WHERE batch_id = 'b1'").run(plain);
    db.prepare("UPDATE dead_letters SET rows = ? WHERE id = 'dl2'").run(plain);
    db.prepare("UPDATE ledger SET rows = ? WHERE key = 'k'").run(plain);
    db.close();
    expect((await store.getBatch('b1'))?.rows).toStrictEqual(rows);
    expect((await store.listDeadLetters())[0]?.rows).toStrictEqual(rows);
    expect((await store.lookupLedger('s', ['k'])).get('k')?.rows).toStrictEqual(rows);
    await store.close();
  });

  it('a damaged columnar payload is STORE_UNREADABLE naming the batch', async () => {
    const path = newPath();
    const store = createSqliteStateStore({ path, clock: new TestClock('2024-01-01T00:00:00Z') });
    await store.open();
    const lease = await store.acquireLease({ name: 's', owner: 'A', ttlMs: 60_000 });
    if (!lease) throw new Error('lease');
    await store.beginBatch(intent('b1', { rows, rowCount: 2 }), lease);
    const db = new Database(path);
    db.prepare("UPDATE batch_payloads SET rows = ? WHERE batch_id = 'b1'").run(
      '{"columns":["id","amount","note"]}\n[["A1",0.3],["A2",1e+21,null]]',
    );
    db.close();
    const error = await expectStoreError(store.getBatch('b1'), 'STORE_UNREADABLE');
    expect(error.message).toContain('rows of batch b1');
    await store.close();
  });
});

describe('SqliteStateStore stored entries', () => {
  const entries = [
    { key: 'k1', hash: 'h1', version: 1, stamp: '2024-01-01T00:00:00Z', fingerprint: 'f1', rowCount: 1 },
    { key: 'k2', hash: 'h2', version: 2, stamp: '2024-01-02T00:00:00Z', fingerprint: 'f2', rowCount: 1 },
  ];
  const columnar =
    '{"columns":["key","hash","version","stamp","fingerprint","rowCount"]}\n' +
    '[["k1","h1",1,"2024-01-01T00:00:00Z","f1",1],["k2","h2",2,"2024-01-02T00:00:00Z","f2",1]]';

  async function storeWithIntents(path: string) {
    const store = createSqliteStateStore({ path, clock: new TestClock('2024-01-01T00:00:00Z') });
    await store.open();
    const lease = await store.acquireLease({ name: 's', owner: 'A', ttlMs: 60_000 });
    if (!lease) throw new Error('lease');
    await store.beginBatch(intent('b1', { entries }), lease);
    await store.beginBatch(intent('b2', { entries }), lease);
    return { store, lease };
  }

  it("writes an intent's entries columnar, and commits and dead-letters the plain JSON arrays of earlier builds", async () => {
    const path = newPath();
    const { store, lease } = await storeWithIntents(path);
    const db = new Database(path);
    const stored = (id: string) =>
      db
        .prepare<[string], { entries: string }>('SELECT entries FROM batch_payloads WHERE batch_id = ?')
        .get(id)?.entries;
    expect(stored('b1')).toBe(columnar);
    expect((await store.getBatch('b1'))?.entries).toStrictEqual(entries);
    // An intent as an earlier layout-3 development build wrote it: the entries as a plain JSON array.
    db.prepare("UPDATE batch_payloads SET entries = ? WHERE batch_id = 'b2'").run(JSON.stringify(entries));
    db.close();
    expect((await store.getBatch('b2'))?.entries).toStrictEqual(entries);

    await store.commitBatch('b1', lease, { at: 2 });
    const ledger = await store.lookupLedger('s', ['k1', 'k2']);
    expect([...ledger.values()]).toStrictEqual(entries.map(({ rowCount: _r, ...entry }) => entry));
    await store.failBatch(
      'b2',
      { status: 'failed', deadLetterId: 'dl2', at: 3, failure: { code: 'X', message: 'nope' } },
      lease,
    );
    expect((await store.listDeadLetters())[0]?.entries).toStrictEqual(entries);
    await store.close();
  });

  it('damaged entries are STORE_UNREADABLE at commit, and the ledger is left as it was', async () => {
    // A columnar text with a value missing, and JSON that is not a list (before, a TypeError at commit).
    for (const damaged of [columnar.replace('["k2","h2",2,', '["k2","h2",'), '{"key":"k1"}']) {
      const path = newPath();
      const { store, lease } = await storeWithIntents(path);
      const db = new Database(path);
      db.prepare("UPDATE batch_payloads SET entries = ? WHERE batch_id = 'b1'").run(damaged);
      db.close();
      const error = await expectStoreError(store.commitBatch('b1', lease, { at: 2 }), 'STORE_UNREADABLE');
      expect(error.message).toContain('entries of batch b1');
      expect((await store.lookupLedger('s', ['k1', 'k2'])).size).toBe(0);
      await expectStoreError(store.getBatch('b1'), 'STORE_UNREADABLE');
      await store.close();
      const after = new Database(path);
      const status = after.prepare("SELECT status FROM batches WHERE batch_id = 'b1'").get() as {
        status: string;
      };
      after.close();
      expect(status.status, 'still open').toBe('open');
    }
  });
});

describe('SqliteStateStore refuses what it cannot read', () => {
  async function seeded(): Promise<string> {
    const path = newPath();
    const store = createSqliteStateStore({ path });
    await store.open();
    const lease = await store.acquireLease({ name: 's', owner: 'A', ttlMs: 1000 });
    if (!lease) throw new Error('lease');
    await store.beginBatch(intent('b1', { cursor: { stamp: '2024-01-01T00:00:00Z', key: 'a' } }), lease);
    await store.commitBatch('b1', lease, { at: 2 });
    await store.close();
    return path;
  }

  it('a corrupt file is STORE_UNREADABLE and is left as it was (never re-created empty)', async () => {
    const path = await seeded();
    const garbage = Buffer.alloc(16_384, 0x42);
    writeFileSync(path, garbage);
    const store = createSqliteStateStore({ path });
    const error = await expectStoreError(store.open(), 'STORE_UNREADABLE');
    expect(error.message).toContain(path);
    expect(readFileSync(path).equals(garbage), 'the damaged file is untouched').toBe(true);
    await expectStoreError(store.getCursor('s'), 'STORE_NOT_OPEN');
  });

  it('a truncated database (header kept, pages cut) is STORE_UNREADABLE', async () => {
    const path = await seeded();
    const bytes = readFileSync(path);
    const page = bytes.readUInt16BE(16) || 65_536;
    // Keep page 1 (schema) but clobber the rest: the schema points at pages that hold garbage now.
    writeFileSync(path, Buffer.concat([bytes.subarray(0, page), Buffer.alloc(bytes.length - page, 0xff)]));
    const store = createSqliteStateStore({ path });
    await expectStoreError(store.open(), 'STORE_UNREADABLE');
  });

  it('a newer schema_version is STORE_SCHEMA_NEWER', async () => {
    const path = await seeded();
    const db = new Database(path);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(
      String(SQLITE_SCHEMA_VERSION + 1),
    );
    db.close();
    const error = await expectStoreError(createSqliteStateStore({ path }).open(), 'STORE_SCHEMA_NEWER');
    expect(error.message).toContain(`schema version ${SQLITE_SCHEMA_VERSION + 1}`);
  });

  it.each([
    ['a garbage schema_version', "UPDATE meta SET value = 'v1' WHERE key = 'schema_version'"],
    ['a missing schema_version', "DELETE FROM meta WHERE key = 'schema_version'"],
    ['a missing table', 'DROP TABLE ledger'],
    ['a missing meta table next to ours', 'DROP TABLE meta'],
  ])('%s is STORE_UNREADABLE', async (_what, sql) => {
    const path = await seeded();
    const db = new Database(path);
    db.exec(sql);
    db.close();
    await expectStoreError(createSqliteStateStore({ path }).open(), 'STORE_UNREADABLE');
  });

  it('a foreign SQLite database is STORE_UNREADABLE, and nothing is added to it', async () => {
    const path = newPath();
    const db = new Database(path);
    db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY)');
    db.close();
    const error = await expectStoreError(createSqliteStateStore({ path }).open(), 'STORE_UNREADABLE');
    expect(error.message).toContain('invoices');
    const check = new Database(path);
    const tables = check.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all();
    check.close();
    expect(tables).toEqual([{ name: 'invoices' }]);
  });

  it('bad options are STORE_INVALID_ARGUMENT naming the field', () => {
    expect(() => createSqliteStateStore({ path: '' })).toThrow(/option path/);
    expect(() => createSqliteStateStore({ path: 'x', busyTimeoutMs: -1 })).toThrow(/busyTimeoutMs/);
    expect(() => createSqliteStateStore({ path: 'x', mmapSizeBytes: 1.5 })).toThrow(/mmapSizeBytes/);
    expect(() => createSqliteStateStore({ path: 'x', synchronous: 'off' as unknown as 'full' })).toThrow(
      /synchronous/,
    );
  });
});

describe('SqliteStateStore ledger', () => {
  it('orders scans by UTF-16 code units like JavaScript, also across U+E000–U+FFFF and astral keys', async () => {
    const store = createSqliteStateStore({ path: newPath() });
    await store.open();
    const lease = await store.acquireLease({ name: 's', owner: 'A', ttlMs: 1000 });
    if (!lease) throw new Error('lease');
    // In UTF-8 (code point) order '\uFFFD' < '😀'; in UTF-16 order it is the other way round.
    const keys = ['b', '\uFFFD', '😀', 'a\uE000', 'a😀', 'Z', 'ü', '\uD7FF', 'lone\uDC00'];
    await store.beginBatch(
      intent('b1', { entries: keys.map((key) => ({ key, hash: key, version: 1 })) }),
      lease,
    );
    await store.commitBatch('b1', lease, { at: 2 });
    const js = [...keys].sort();
    expect((await store.scanLedger('s', { limit: 100 })).map((e) => e.key)).toEqual(js);
    expect((await store.scanLedger('s', { afterKey: '\uFFFD', limit: 100 })).map((e) => e.key)).toEqual(
      js.slice(js.indexOf('\uFFFD') + 1),
    );
    const found = await store.lookupLedger('s', keys);
    expect([...found.keys()].sort()).toEqual(js);
    expect(found.get('😀')?.hash).toBe('😀');
    await store.close();
  });

  it('looks up a whole key set with one statement that probes the (stream, key) index', async () => {
    const path = newPath();
    const store = createSqliteStateStore({ path });
    await store.open();
    await store.close();
    const db = new Database(path);
    const plan = db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT key, hash, version, seen_hash, stamp, rows, fingerprint FROM ledger WHERE stream = ? AND key IN (SELECT value FROM json_each(?))',
      )
      .all('s', '[]') as { detail: string }[];
    db.close();
    const details = plan.map((p) => p.detail).join(' | ');
    expect(details).toMatch(/SEARCH ledger USING INDEX \w+ \(stream=\? AND key=\?\)/);
  });
});

describe('SqliteStateStore layout 2 (ledger fingerprints)', () => {
  it('migrates a layout-1 store through 2 to 3: its ledger rows read without a fingerprint, new writes keep one', async () => {
    const path = newPath();
    const store = createSqliteStateStore({ path });
    await store.open();
    await store.close();
    // A store as layout 1 wrote it: no fingerprint column, schema_version 1, one ledger row.
    let db = new Database(path);
    db.exec('ALTER TABLE ledger DROP COLUMN fingerprint');
    db.prepare("UPDATE meta SET value = '1' WHERE key = 'schema_version'").run();
    db.prepare("INSERT INTO ledger (stream, key, hash, version) VALUES ('s', 'old', 'h-old', 1)").run();
    db.close();
    const reopened = createSqliteStateStore({ path });
    await reopened.open();
    expect(await reopened.schemaVersion()).toBe(3);
    expect((await reopened.lookupLedger('s', ['old'])).get('old')).toEqual({
      key: 'old',
      hash: 'h-old',
      version: 1,
    });
    const lease = await reopened.acquireLease({ name: 's', owner: 'A', ttlMs: 1000 });
    if (!lease) throw new Error('lease');
    await reopened.beginBatch(
      intent('b1', { entries: [{ key: 'old', hash: 'h-old', version: 1, fingerprint: 'v1.f' }] }),
      lease,
    );
    await reopened.commitBatch('b1', lease, { at: 2 });
    expect((await reopened.lookupLedger('s', ['old'])).get('old')?.fingerprint).toBe('v1.f');
    await reopened.close();
    db = new Database(path);
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: '3' });
    db.close();
  });
});

/**
 * An open store holding `rows` in each place stored rows go: the open batch b1's payload, the dead letter dl2 of
 * the failed batch b2, and the ledger entry k committed by the snapshot b3.
 */
async function storeWithRowsEverywhere(path: string, rows: Row[]): Promise<SqliteStateStore> {
  const store = createSqliteStateStore({ path, clock: new TestClock('2024-01-01T00:00:00Z') });
  await store.open();
  const lease = await store.acquireLease({ name: 's', owner: 'A', ttlMs: 60_000 });
  if (!lease) throw new Error('lease');
  await store.beginBatch(intent('b1', { rows, rowCount: 2 }), lease);
  await store.beginBatch(intent('b2', { rows, rowCount: 2 }), lease);
  await store.failBatch(
    'b2',
    { status: 'failed', deadLetterId: 'dl2', at: 6, failure: { code: 'X', message: 'nope' } },
    lease,
  );
  await store.beginBatch(
    intent('b3', {
      kind: 'snapshot',
      mode: 'replace',
      rows: [],
      rowCount: 0,
      entries: [{ key: 'k', hash: 'h', version: 1, rows }],
    }),
    lease,
  );
  await store.commitBatch('b3', lease, { at: 7 });
  return store;
}

describe('SqliteStateStore layout 3 (columnar stored rows)', () => {
  it('migrates a layout-2 store without rewriting it: the plain JSON rows it wrote still read', async () => {
    const path = newPath();
    const rows = [
      { id: 'A1', amount: 0.1 + 0.2, note: 'é😀"\n' },
      { id: 'A2', amount: 1e21, note: null },
    ];
    const store = await storeWithRowsEverywhere(path, rows);
    await store.close();
    // A store as layout 2 wrote it: the same tables, schema_version 2, rows as plain JSON arrays.
    const plain = JSON.stringify(rows);
    let db = new Database(path);
    db.prepare("UPDATE batch_payloads SET rows = ? WHERE batch_id = 'b1'").run(plain);
    db.prepare("UPDATE dead_letters SET rows = ? WHERE id = 'dl2'").run(plain);
    db.prepare("UPDATE ledger SET rows = ? WHERE key = 'k'").run(plain);
    db.prepare("UPDATE meta SET value = '2' WHERE key = 'schema_version'").run();
    db.close();

    const reopened = createSqliteStateStore({ path });
    await reopened.open();
    expect(await reopened.schemaVersion()).toBe(3);
    const open = await reopened.listOpenBatches();
    expect(open.map((b) => [b.batchId, JSON.stringify(b.rows)])).toEqual([['b1', plain]]);
    expect(JSON.stringify((await reopened.listDeadLetters())[0]?.rows)).toBe(plain);
    expect(JSON.stringify((await reopened.lookupLedger('s', ['k'])).get('k')?.rows)).toBe(plain);
    await reopened.close();
    db = new Database(path);
    const value = (sql: string) => db.prepare<[], { value: string }>(sql).get()?.value;
    expect(value("SELECT value FROM meta WHERE key = 'schema_version'")).toBe('3');
    expect(value("SELECT rows AS value FROM batch_payloads WHERE batch_id = 'b1'"), 'not rewritten').toBe(
      plain,
    );
    expect(value("SELECT rows AS value FROM dead_letters WHERE id = 'dl2'"), 'not rewritten').toBe(plain);
    expect(value("SELECT rows AS value FROM ledger WHERE key = 'k'"), 'not rewritten').toBe(plain);
    db.close();
  });
});

describe('SqliteStateStore audit lookups of readSyncStatus', () => {
  it('an existing store gains the (stream, type, seq) index at open, without a schema version change', async () => {
    const path = newPath();
    const store = createSqliteStateStore({ path });
    await store.open();
    await store.close();
    // A store written before the index existed.
    let db = new Database(path);
    db.exec('DROP INDEX audit_stream_type');
    db.close();
    const reopened = createSqliteStateStore({ path });
    await reopened.open();
    expect(await reopened.schemaVersion()).toBe(SQLITE_SCHEMA_VERSION);
    await reopened.close();
    db = new Database(path);
    const index = db
      .prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = 'audit_stream_type'")
      .get() as { sql: string } | undefined;
    db.close();
    expect(index?.sql).toMatch(/ON audit \(stream, type, seq\)/);
  });

  it('the newest entries of a stream by type are backwards range reads of that index, merged newest first', async () => {
    const path = newPath();
    const store = createSqliteStateStore({ path });
    await store.open();
    const types = ['run-started', 'batch-committed', 'run-finished'] as const;
    await store.appendAudit(
      Array.from({ length: 30 }, (_, i) => ({
        at: i,
        type: types[i % 3] ?? 'run-started',
        stream: i % 2 ? 'a' : 'b',
        message: `m${i}`,
      })),
    );
    const newest = await store.latestAudit({ stream: 'a', types: ['run-finished', 'run-started'], limit: 3 });
    // Stream a holds odd i; run-started is i % 3 == 0, run-finished i % 3 == 2: 29 (fin), 27 (start), 23 (fin).
    expect(newest.map((e) => e.message)).toEqual(['m29', 'm27', 'm23']);
    await store.close();
    const db = new Database(path);
    const plan = db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT seq FROM audit WHERE stream = ? AND type = ? AND seq > ? ORDER BY seq DESC LIMIT ?',
      )
      .all('a', 'run-started', 0, 4) as { detail: string }[];
    db.close();
    const details = plan.map((p) => p.detail).join(' | ');
    expect(details).toMatch(
      /SEARCH audit USING (COVERING )?INDEX audit_stream_type \(stream=\? AND type=\? AND seq>\?\)/,
    );
    expect(details).not.toMatch(/TEMP B-TREE/);
  });
});
