import { TestClock } from '@mlc/core';
import { type BatchIntent, type Fence, isStateStoreError, type StateStoreErrorCode } from '@mlc/sync-engine';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createPostgresStateStore, POSTGRES_SCHEMA_VERSION, type PostgresStateStore } from '../src/index.js';
import { adminPool, describePostgres, PG_URL, randomSchema, unreachable } from './pg-test-env.js';

// Two "machines": two pools, two store instances over one schema of this file (dropped afterwards).
const schema = randomSchema('store');
const clock = new TestClock('2024-01-01T00:00:00Z');
const admin = unreachable ? undefined : adminPool();
const poolA = unreachable ? undefined : new pg.Pool({ connectionString: PG_URL, max: 4 });
const poolB = unreachable ? undefined : new pg.Pool({ connectionString: PG_URL, max: 4 });
let a: PostgresStateStore;
let b: PostgresStateStore;
const extraSchemas: string[] = [];

beforeAll(async () => {
  if (unreachable) return;
  a = createPostgresStateStore({ pool: poolA as pg.Pool, schema, clock });
  b = createPostgresStateStore({ pool: poolB as pg.Pool, schema, clock });
  // Both machines open a brand-new schema at once: the advisory lock lets one create it, the other reads it.
  await Promise.all([a.open(), b.open()]);
});

afterAll(async () => {
  if (unreachable) return;
  await a?.close();
  await b?.close();
  await poolA?.end();
  await poolB?.end();
  for (const s of [schema, ...extraSchemas]) await admin?.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await admin?.end();
});

async function expectStoreError(promise: Promise<unknown>, code: StateStoreErrorCode): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isStateStoreError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
  return error as Error;
}

function intent(batchId: string, stream: string, over: Partial<BatchIntent> = {}): BatchIntent {
  return {
    batchId,
    stream,
    table: 'T',
    kind: 'rows',
    mode: 'append',
    rows: [{ id: batchId }],
    entries: [{ key: `${batchId}-k`, hash: `h-${batchId}`, version: 1 }],
    cursor: { stamp: '2024-01-01T00:00:00Z', key: batchId },
    rowCount: 1,
    createdAt: 1,
    attempts: 0,
    status: 'open',
    ...over,
  };
}

async function lease(store: PostgresStateStore, name: string, owner: string, ttlMs = 1000): Promise<Fence> {
  const l = await store.acquireLease({ name, owner, ttlMs });
  if (!l) throw new Error(`${owner} did not get ${name}`);
  return l;
}

describePostgres('PostgresStateStore across two machines', () => {
  it('both machines opened the new schema at the current version', async () => {
    expect(await a.schemaVersion()).toBe(POSTGRES_SCHEMA_VERSION);
    expect(await b.schemaVersion()).toBe(POSTGRES_SCHEMA_VERSION);
  });

  it('racing on one lease: exactly one winner per round, and every new grant has a higher token', async () => {
    const tokens: number[] = [];
    for (let round = 0; round < 15; round++) {
      const contenders = [a, b, a, b, a, b];
      const results = await Promise.all(
        contenders.map((store, i) => store.acquireLease({ name: 'race', owner: `w${i}`, ttlMs: 1000 })),
      );
      const winners = results.filter((r) => r !== undefined);
      expect(winners, `round ${round}`).toHaveLength(1);
      tokens.push(winners[0]?.token as number);
      await clock.advance(1001);
    }
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1] as number);
  });

  it('racing on one batch commit: exactly one commit, the other gets STORE_BATCH_NOT_OPEN', async () => {
    const l = await lease(a, 'commit-race', 'A', 60_000);
    for (let round = 0; round < 10; round++) {
      const id = `cr-${round}`;
      await a.beginBatch(
        intent(id, 'commit-race', { cursor: { stamp: `2024-01-01T00:00:${10 + round}Z`, key: 'k' } }),
        l,
      );
      const results = await Promise.allSettled([
        a.commitBatch(id, l, { at: 2 }),
        b.commitBatch(id, l, { at: 2 }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(isStateStoreError(lost.reason, 'STORE_BATCH_NOT_OPEN'), String(lost.reason)).toBe(true);
    }
    expect(await b.countLedger('commit-race')).toBe(10);
    expect(await a.getCursor('commit-race')).toEqual({ stamp: '2024-01-01T00:00:19Z', key: 'k' });
  });

  it("a stale holder's commit racing the new holder's acquire either lands first or is rejected, never after", async () => {
    for (let round = 0; round < 12; round++) {
      const stream = `stale-race-${round}`;
      const old = await lease(a, stream, 'A', 1000);
      await a.beginBatch(intent(`sr-${round}`, stream), old);
      await clock.advance(1001);
      const [commit, taken] = await Promise.allSettled([
        a.commitBatch(`sr-${round}`, old, { at: 2 }),
        b.acquireLease({ name: stream, owner: 'B', ttlMs: 1000 }),
      ]);
      expect(taken.status === 'fulfilled' && taken.value?.token).toBeGreaterThan(old.token);
      const status = (await b.getBatch(`sr-${round}`))?.status;
      const ledger = await b.countLedger(stream);
      if (commit.status === 'fulfilled') {
        expect([status, ledger]).toEqual(['committed', 1]);
      } else {
        expect(isStateStoreError(commit.reason, 'STORE_STALE_FENCE'), String(commit.reason)).toBe(true);
        expect([status, ledger]).toEqual(['open', 0]);
      }
    }
  });

  it('the fence check waits for an in-flight lease change and then rejects the stale token (row lock, not a snapshot)', async () => {
    const stream = 'stale-locked';
    const old = await lease(a, stream, 'A', 1000);
    await a.beginBatch(intent('sl-1', stream), old);
    // Another machine is taking the lease: its UPDATE holds the lease row, not yet committed.
    const taker = await (admin as pg.Pool).connect();
    try {
      await taker.query('BEGIN');
      await taker.query(
        `UPDATE "${schema}".leases SET owner = 'B', token = token + 1, expires_at = expires_at + 60000 WHERE name = $1`,
        [stream],
      );
      const commit = a.commitBatch('sl-1', old, { at: 2 }).then(
        () => 'committed',
        (e: unknown) => e,
      );
      await waitForLockWaiter();
      await taker.query('COMMIT');
      const outcome = await commit;
      expect(isStateStoreError(outcome, 'STORE_STALE_FENCE'), String(outcome)).toBe(true);
    } finally {
      taker.release();
    }
    expect((await b.getBatch('sl-1'))?.status).toBe('open');
    expect(await b.countLedger(stream)).toBe(0);
    expect(await b.getCursor(stream)).toBeUndefined();
  });

  it('a stale token is rejected for every fenced write after the lease moved machines', async () => {
    const stream = 'moved';
    const old = await lease(a, stream, 'A', 1000);
    await a.beginBatch(intent('mv-1', stream), old);
    await clock.advance(1001);
    const current = await lease(b, stream, 'B', 1000);
    await expectStoreError(a.commitBatch('mv-1', old, { at: 2 }), 'STORE_STALE_FENCE');
    await expectStoreError(a.updateBatch('mv-1', { attempts: 3 }, old), 'STORE_STALE_FENCE');
    await expectStoreError(a.beginBatch(intent('mv-2', stream), old), 'STORE_STALE_FENCE');
    await expectStoreError(
      a.addDeadLetters(
        [{ id: 'mv-dl', stream, kind: 'record', status: 'open', createdAt: 1, reason: 'x' }],
        old,
      ),
      'STORE_STALE_FENCE',
    );
    await expectStoreError(a.renewLease({ ...old, owner: 'A', expiresAt: 0 }, 1000), 'STORE_LEASE_LOST');
    await b.commitBatch('mv-1', current, { at: 3 });
    expect((await a.getBatch('mv-1'))?.status).toBe('committed');
  });

  it('looks up 10,000 ledger keys in one query and commits 10,000 entries in a bounded number of statements', async () => {
    const stream = 'bulk';
    const l = await lease(a, stream, 'A', 60_000);
    const keys = Array.from({ length: 10_000 }, (_, i) => `key-${i}`);
    const entries = keys.map((key, i) => ({ key, hash: `h${i}`, version: 1, rows: [{ key, n: i }] }));
    await a.beginBatch(intent('bulk-1', stream, { entries }), l);
    const statements = vi.spyOn(pg.Client.prototype, 'query');
    try {
      await a.commitBatch('bulk-1', l, { at: 2 });
      // BEGIN, batch, lease lock, batch lock, cursor lock, payload, upsert, cursor, settle, payload drop, COMMIT.
      expect(statements.mock.calls.length).toBeLessThanOrEqual(12);
      statements.mockClear();
      const found = await b.lookupLedger(stream, [...keys, 'absent']);
      expect(statements.mock.calls.length).toBe(1);
      expect(found.size).toBe(10_000);
      expect(found.get('key-9999')).toEqual({
        key: 'key-9999',
        hash: 'h9999',
        version: 1,
        rows: [{ key: 'key-9999', n: 9999 }],
      });
    } finally {
      statements.mockRestore();
    }
  });

  it('orders ledger scans by UTF-16 code units like JavaScript, also for astral and U+E000–U+FFFF keys', async () => {
    const stream = 'utf16';
    const l = await lease(a, stream, 'A', 60_000);
    const keys = ['b', '\uFFFD', '😀', 'a\uE000', 'a😀', 'Z', 'ü', '\uD7FF', 'lone\uDC00'];
    await a.beginBatch(
      intent('u-1', stream, { entries: keys.map((key) => ({ key, hash: key, version: 1 })) }),
      l,
    );
    await a.commitBatch('u-1', l, { at: 2 });
    const js = [...keys].sort();
    expect((await b.scanLedger(stream, { limit: 100 })).map((e) => e.key)).toEqual(js);
    expect((await b.scanLedger(stream, { afterKey: '\uFFFD', limit: 100 })).map((e) => e.key)).toEqual(
      js.slice(js.indexOf('\uFFFD') + 1),
    );
    expect([...(await b.lookupLedger(stream, keys)).keys()].sort()).toEqual(js);
  });

  it('audit appends from two machines get unique seq in commit order', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).appendAudit([
          { at: i, type: 'run-started', stream: 'audit-race', message: `m${i}a` },
          { at: i, type: 'run-finished', stream: 'audit-race', message: `m${i}b` },
        ]),
      ),
    );
    const entries = await a.queryAudit({ stream: 'audit-race' });
    expect(entries).toHaveLength(40);
    for (let i = 1; i < entries.length; i++) {
      expect(entries[i]?.seq).toBe((entries[i - 1]?.seq as number) + 1);
    }
    // Entries of one call stay together and in order.
    for (let i = 0; i < 40; i += 2)
      expect(entries[i + 1]?.message).toBe(entries[i]?.message.replace(/a$/, 'b'));
  });

  it('with no injected clock, leases follow the server clock', async () => {
    const serverTimed = createPostgresStateStore({ pool: poolA as pg.Pool, schema });
    await serverTimed.open();
    const first = await serverTimed.acquireLease({ name: 'server-time', owner: 'A', ttlMs: 60_000 });
    expect(first).toBeDefined();
    expect(await serverTimed.acquireLease({ name: 'server-time', owner: 'B', ttlMs: 0 })).toBeUndefined();
    await serverTimed.releaseLease(first as NonNullable<typeof first>);
    const zero = await serverTimed.acquireLease({ name: 'server-time', owner: 'B', ttlMs: 0 });
    expect(zero).toBeDefined();
    const next = await serverTimed.acquireLease({ name: 'server-time', owner: 'C', ttlMs: 1000 });
    expect(next?.token, 'a zero-TTL lease is expired at once by the server clock').toBeGreaterThan(
      zero?.token as number,
    );
    await serverTimed.close();
    expect(await a.schemaVersion(), "close() leaves the caller's pool usable").toBe(POSTGRES_SCHEMA_VERSION);
  });
});

describePostgres('PostgresStateStore refuses what it cannot read', () => {
  async function seeded(label: string): Promise<string> {
    const s = randomSchema(label);
    extraSchemas.push(s);
    const store = createPostgresStateStore({ connectionString: PG_URL, schema: s, poolSize: 1 });
    await store.open();
    const l = await lease(store, 's', 'A');
    await store.beginBatch(intent('b1', 's'), l);
    await store.commitBatch('b1', l, { at: 2 });
    await store.close();
    return s;
  }
  const open = (s: string) =>
    createPostgresStateStore({ connectionString: PG_URL, schema: s, poolSize: 1 }).open();

  it('a newer schema_version is STORE_SCHEMA_NEWER', async () => {
    const s = await seeded('newer');
    await admin?.query(`UPDATE "${s}".meta SET value = $1 WHERE key = 'schema_version'`, [
      String(POSTGRES_SCHEMA_VERSION + 1),
    ]);
    const error = await expectStoreError(open(s), 'STORE_SCHEMA_NEWER');
    expect(error.message).toContain(`schema version ${POSTGRES_SCHEMA_VERSION + 1}`);
  });

  it.each([
    [
      'a garbage schema_version',
      (s: string) => `UPDATE "${s}".meta SET value = 'v1' WHERE key = 'schema_version'`,
    ],
    ['a missing schema_version', (s: string) => `DELETE FROM "${s}".meta`],
    ['a missing table', (s: string) => `DROP TABLE "${s}".ledger`],
    ['store tables without meta', (s: string) => `DROP TABLE "${s}".meta`],
    ['a meta table of another shape', (s: string) => `ALTER TABLE "${s}".meta RENAME COLUMN value TO v`],
  ])('%s is STORE_UNREADABLE, and the data is left as it was', async (_what, damage) => {
    const s = await seeded('damaged');
    await admin?.query(damage(s));
    await expectStoreError(open(s), 'STORE_UNREADABLE');
    const tables = await admin?.query(
      "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1 AND tablename = 'batches'",
      [s],
    );
    expect(tables?.rows[0]?.n, 'nothing was dropped or re-created').toBe(1);
  });

  it('close() of a store with its own pool leaves no socket open (a service ends right after it)', async () => {
    // pool.end() alone resolved while each socket was still half-closed, waiting for the server: a service that
    // called stop() then close() stayed alive for that time with a PostgreSQL socket.
    const s = randomSchema('close');
    extraSchemas.push(s);
    const port = Number(new URL(PG_URL).port || 5432);
    const openSockets = () =>
      (process as unknown as { _getActiveHandles(): Array<Record<string, unknown>> })
        ._getActiveHandles()
        .filter((h) => h.remotePort === port && h.destroyed !== true);
    const before = new Set(openSockets());
    const store = createPostgresStateStore({ connectionString: PG_URL, schema: s, poolSize: 3 });
    await store.open();
    await Promise.all([store.getCursor('a'), store.getCursor('b'), store.getCursor('c')]);
    expect(openSockets().filter((h) => !before.has(h)).length).toBeGreaterThan(0);
    await store.close();
    expect(openSockets().filter((h) => !before.has(h))).toEqual([]);
  });

  it('opens in a schema a DBA created beforehand, next to unrelated tables', async () => {
    const s = randomSchema('precreated');
    extraSchemas.push(s);
    await admin?.query(`CREATE SCHEMA "${s}"`);
    await admin?.query(`CREATE TABLE "${s}".invoices (id int)`);
    const store = createPostgresStateStore({ connectionString: PG_URL, schema: s, poolSize: 1 });
    await store.open();
    expect(await store.getCursor('s')).toBeUndefined();
    await store.close();
    await expectStoreError(store.getCursor('s'), 'STORE_NOT_OPEN');
  });

  it('bad options are STORE_INVALID_ARGUMENT naming the field, never echoing a password', async () => {
    expect(() => createPostgresStateStore({ connectionString: PG_URL, schema: 'Robert"; DROP' })).toThrow(
      /schema/,
    );
    const both = (() => {
      try {
        createPostgresStateStore({ pool: poolA as pg.Pool, connectionString: 'postgres://u:s3cret-pw@h/db' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(isStateStoreError(both, 'STORE_INVALID_ARGUMENT')).toBe(true);
    expect(String(both?.message)).not.toContain('s3cret-pw');
    expect(() => createPostgresStateStore({ connectionString: PG_URL, poolSize: 0 })).toThrow(/poolSize/);
    const refused = await createPostgresStateStore({
      connectionString: 'postgres://u:s3cret-pw@127.0.0.1:9/db',
      poolSize: 1,
    })
      .open()
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(refused).toBeInstanceOf(Error);
    expect(`${refused?.message} ${refused?.stack}`).not.toContain('s3cret-pw');
  });
});

/** Waits until some backend is blocked on a lock (the fenced write queued behind the lease row). */
async function waitForLockWaiter(): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await (admin as pg.Pool).query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE wait_event_type = 'Lock' AND datname = current_database() AND position($1 in query) > 0`,
      [`"${schema}".leases`],
    );
    if ((rows[0]?.n ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no backend ever waited for the lease row lock');
}

describePostgres('PostgresStateStore layout 2 (ledger fingerprints)', () => {
  it('migrates a layout-1 store through 2 to 3: its ledger rows read without a fingerprint, new writes keep one', async () => {
    const s = randomSchema('layout1');
    extraSchemas.push(s);
    const first = createPostgresStateStore({ pool: poolA as pg.Pool, schema: s, clock });
    await first.open();
    await first.close();
    // A store as layout 1 wrote it: no fingerprint column, schema_version 1, one ledger row.
    await admin?.query(`ALTER TABLE "${s}".ledger DROP COLUMN fingerprint`);
    await admin?.query(`UPDATE "${s}".meta SET value = '1' WHERE key = 'schema_version'`);
    await admin?.query(
      `INSERT INTO "${s}".ledger (stream, key, hash, version) VALUES ('m', 'old', 'h-old', 1)`,
    );
    const reopened = createPostgresStateStore({ pool: poolA as pg.Pool, schema: s, clock });
    await reopened.open();
    expect(await reopened.schemaVersion()).toBe(3);
    expect((await reopened.lookupLedger('m', ['old'])).get('old')).toEqual({
      key: 'old',
      hash: 'h-old',
      version: 1,
    });
    const l = await lease(reopened, 'm', 'A');
    await reopened.beginBatch(
      intent('m1', 'm', { entries: [{ key: 'old', hash: 'h-old', version: 1, fingerprint: 'v1.f' }] }),
      l,
    );
    await reopened.commitBatch('m1', l, { at: 2 });
    expect((await reopened.lookupLedger('m', ['old'])).get('old')?.fingerprint).toBe('v1.f');
    await reopened.close();
    const meta = await admin?.query<{ value: string }>(
      `SELECT value FROM "${s}".meta WHERE key = 'schema_version'`,
    );
    expect(meta?.rows[0]?.value).toBe('3');
  });
});

describePostgres('PostgresStateStore layout 3 (columnar stored rows)', () => {
  it('migrates a layout-2 store without rewriting it: the plain JSON rows it wrote still read', async () => {
    const s = randomSchema('layout2');
    extraSchemas.push(s);
    const rows = [
      { id: 'A1', amount: 0.1 + 0.2, note: 'é😀"\n' },
      { id: 'A2', amount: 1e21, note: null },
    ];
    const first = createPostgresStateStore({ pool: poolA as pg.Pool, schema: s, clock });
    await first.open();
    const l = await lease(first, 'm', 'A', 60_000);
    await first.beginBatch(intent('m1', 'm', { rows, rowCount: 2 }), l);
    await first.beginBatch(intent('m2', 'm', { rows, rowCount: 2 }), l);
    await first.failBatch(
      'm2',
      { status: 'failed', deadLetterId: 'dl2', at: 6, failure: { code: 'X', message: 'nope' } },
      l,
    );
    await first.beginBatch(
      intent('m3', 'm', {
        kind: 'snapshot',
        mode: 'replace',
        rows: [],
        rowCount: 0,
        entries: [{ key: 'k', hash: 'h', version: 1, rows }],
      }),
      l,
    );
    await first.commitBatch('m3', l, { at: 7 });
    await first.close();
    // A store as layout 2 wrote it: the same tables, schema_version 2, rows as plain JSON arrays.
    const plain = JSON.stringify(rows);
    await admin?.query(`UPDATE "${s}".batch_payloads SET rows = $1 WHERE batch_id = 'm1'`, [plain]);
    await admin?.query(`UPDATE "${s}".dead_letters SET rows = $1 WHERE id = 'dl2'`, [plain]);
    await admin?.query(`UPDATE "${s}".ledger SET rows = $1 WHERE key = 'k'`, [plain]);
    await admin?.query(`UPDATE "${s}".meta SET value = '2' WHERE key = 'schema_version'`);

    const reopened = createPostgresStateStore({ pool: poolA as pg.Pool, schema: s, clock });
    await reopened.open();
    expect(await reopened.schemaVersion()).toBe(3);
    const open = await reopened.listOpenBatches();
    expect(open.map((b) => [b.batchId, JSON.stringify(b.rows)])).toEqual([['m1', plain]]);
    expect(JSON.stringify((await reopened.listDeadLetters())[0]?.rows)).toBe(plain);
    expect(JSON.stringify((await reopened.lookupLedger('m', ['k'])).get('k')?.rows)).toBe(plain);
    await reopened.close();
    const value = async (sql: string) => (await admin?.query<{ value: string }>(sql))?.rows[0]?.value;
    expect(await value(`SELECT value FROM "${s}".meta WHERE key = 'schema_version'`)).toBe('3');
    for (const sql of [
      `SELECT rows AS value FROM "${s}".batch_payloads WHERE batch_id = 'm1'`,
      `SELECT rows AS value FROM "${s}".dead_letters WHERE id = 'dl2'`,
      `SELECT rows AS value FROM "${s}".ledger WHERE key = 'k'`,
    ]) {
      expect(await value(sql), `not rewritten: ${sql}`).toBe(plain);
    }
  });
});

describePostgres('PostgresStateStore audit lookups of readSyncStatus', () => {
  it('an existing store gains the (stream, type, seq) index at open, without a schema version change', async () => {
    const s = randomSchema('index');
    extraSchemas.push(s);
    const first = createPostgresStateStore({ pool: poolA as pg.Pool, schema: s, clock });
    await first.open();
    await first.close();
    // A store written before the index existed.
    await admin?.query(`DROP INDEX "${s}".audit_stream_type`);
    const reopened = createPostgresStateStore({ pool: poolA as pg.Pool, schema: s, clock });
    await reopened.open();
    expect(await reopened.schemaVersion()).toBe(POSTGRES_SCHEMA_VERSION);
    await reopened.close();
    const index = await admin?.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'audit_stream_type'",
      [s],
    );
    expect(index?.rows[0]?.indexdef).toMatch(/\(stream, type, seq\)/);
  });

  it('the newest entries of a stream by type are backwards reads of that index, merged newest first', async () => {
    const types = ['run-started', 'batch-committed', 'run-finished'] as const;
    await a.appendAudit(
      Array.from({ length: 30 }, (_, i) => ({
        at: i,
        type: types[i % 3] ?? 'run-started',
        stream: i % 2 ? 'idx-a' : 'idx-b',
        message: `m${i}`,
      })),
    );
    const newest = await a.latestAudit({ stream: 'idx-a', types: ['run-finished', 'run-started'], limit: 3 });
    expect(newest.map((e) => e.message)).toEqual(['m29', 'm27', 'm23']);
    // The plan of that statement (a tiny table would be scanned whole, so sequential scans are priced out).
    const client = await (poolA as pg.Pool).connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      await client.query('SET LOCAL enable_bitmapscan = off');
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT a.* FROM unnest($1::text[]) AS t(type) CROSS JOIN LATERAL (
           SELECT x.seq::float8 AS seq FROM "${schema}".audit x
           WHERE x.stream = $2 AND x.type = t.type AND x.seq > 0 ORDER BY x.seq DESC LIMIT 4) a
         ORDER BY a.seq DESC LIMIT 4`,
        [['run-started', 'run-finished'], 'idx-a'],
      );
      await client.query('ROLLBACK');
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Index (Only )?Scan Backward using audit_stream_type/);
    } finally {
      client.release();
    }
  });
});
